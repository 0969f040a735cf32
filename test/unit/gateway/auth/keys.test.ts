// Signing keys: the 0600 key file, rotation and retirement, keys from the environment, and what the JWKS may show.
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createAuthenticator,
  createSqliteTokenStore,
  ensureKeyFile,
  generateKey,
  issueToken,
  keyRing,
  keysFromEnvironment,
  readKeyFile,
  rotateKeyFile,
} from '../../../../gateway/auth/index.js';
import { CONFIG_SPEC } from '../../../../gateway/config/options.js';
import { parseSpec } from '../../../../gateway/config/spec.js';
import { createLogger } from '../../../../gateway/index.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DAY = 86_400_000;
const T0 = 1_800_000_000_000;

describe('the key file', () => {
  it('is created on first use with mode 0600 in a 0700 folder, and read back the same', async () => {
    const file = join(dir, 'fresh', 'keys.json');
    const [key] = await ensureKeyFile(file, T0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'fresh')).mode & 0o777).toBe(0o700);
    expect(await ensureKeyFile(file, T0 + 1)).toEqual([key]);
    expect(key).toMatchObject({ retiresAt: null, jwk: { kty: 'EC', crv: 'P-256' } });
  });

  it('is refused when other users may read it', async () => {
    const file = join(dir, 'open.json');
    await ensureKeyFile(file, T0);
    chmodSync(file, 0o644);
    await expect(readKeyFile(file)).rejects.toMatchObject({ code: 'AUTH_KEYS_UNAVAILABLE' });
  });

  it('rotates: the new key signs, the old one verifies until it retires, then leaves the JWKS', async () => {
    const file = join(dir, 'rotate.json');
    const [old] = await ensureKeyFile(file, T0);
    const rotated = await rotateKeyFile(file, 90 * DAY, T0 + 1_000);
    expect(rotated.retiring).toEqual([{ kid: old!.kid, retiresAt: T0 + 1_000 + 90 * DAY }]);
    const keys = (await readKeyFile(file))!;
    const now = await keyRing(keys, T0 + 2_000);
    expect(now.signer?.kid).toBe(rotated.kid);
    expect(now.jwks.keys.map((key) => key.kid)).toEqual([old!.kid, rotated.kid]);
    const later = await keyRing(keys, T0 + 1_000 + 90 * DAY);
    expect(later.jwks.keys.map((key) => key.kid)).toEqual([rotated.kid]);
    // A second rotation drops keys already retired.
    await rotateKeyFile(file, DAY, T0 + 91 * DAY);
    expect((await readKeyFile(file))!.map((key) => key.kid)).not.toContain(old!.kid);
  });

  it('publishes public members only', async () => {
    const ring = await keyRing([await generateKey(T0)], T0);
    for (const key of ring.jwks.keys)
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });
});

describe('keys from the environment', () => {
  it('signs with the first key and verifies tokens at the edge', async () => {
    const [first, second] = [await generateKey(T0), await generateKey(T0)];
    const signingKeys = JSON.stringify({
      keys: [
        { ...first!.jwk, kid: 'k1' },
        { ...second!.jwk, kid: 'k2' },
      ],
    });
    const config = parseSpec(
      CONFIG_SPEC.fields.auth,
      { keySource: 'env', signingKeys, sqlitePath: join(dir, 'env-tokens.db') },
      'auth',
    );
    const store = createSqliteTokenStore({ path: config.sqlitePath });
    const lines: string[] = [];
    const authenticator = await createAuthenticator(
      config,
      createLogger({ level: 'debug', write: (line) => lines.push(line) }),
    );
    try {
      const ring = await keyRing(await keysFromEnvironment(signingKeys, Date.now()), Date.now());
      expect(ring.signer?.kid).toBe('k1');
      expect(authenticator.jwks().status).toBe(200);
      const { token, record } = await issueToken(
        { partner: 'acme', scopes: ['catalog:read'], ttlMs: 3_600_000 },
        { issuer: 'switchboard', audience: 'switchboard', maxTokenTtlMs: DAY },
        ring,
        store,
      );
      expect(await authenticator.authenticate([`Bearer ${token}`], '127.0.0.1')).toMatchObject({
        kind: 'token',
        id: record.jti,
        partner: 'acme',
      });
      // Refused tokens are logged by code only: never the token, its claims or its id.
      const [header, payload, signature] = token.split('.') as [string, string, string];
      for (const bad of [
        `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
        `${header}.${payload}`,
        `${header}.e30.${signature}`,
      ]) {
        expect(await authenticator.authenticate([`Bearer ${bad}`], '127.0.0.1')).toBeInstanceOf(
          Response,
        );
      }
      expect(lines.some((line) => line.includes('AUTH_TOKEN_INVALID'))).toBe(true);
      for (const line of lines)
        for (const secret of [payload, signature, record.jti]) expect(line).not.toContain(secret);
    } finally {
      await authenticator.close();
      await store.close();
    }
  });

  it('refuses a public key, a symmetric key or text that is not JSON, without quoting it', async () => {
    const key = await generateKey(T0);
    const { d, ...publicOnly } = key.jwk;
    for (const text of [
      JSON.stringify(publicOnly),
      JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }),
      `not json ${d}`,
    ]) {
      const failure = await keysFromEnvironment(text, T0).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure).toMatchObject({ code: 'AUTH_KEYS_UNAVAILABLE' });
      expect(failure?.message).not.toContain(d as string);
    }
  });
});
