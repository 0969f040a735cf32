/**
 * Bearer tokens at the edge of a real gateway (RFC 8725, RFC 6750): the
 * gateway's own tokens and a trusted identity provider's (the harness's
 * JWKS server), forged and broken ones, key rotation, and the header's
 * hostile shapes. Every answer is read over real HTTP.
 */
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSqliteTokenStore,
  readKeyFile,
  rotateKeyFile,
  type TokenStore,
} from '../../../gateway/auth/index.js';
import {
  demoConfig,
  ISSUER_AUDIENCE,
  startGatewayOn,
  startIssuer,
  startSystems,
  useHarness,
  type Systems,
  type TestGateway,
  type TestIssuer,
} from '../../harness/index.js';
import { rawRequest } from '../edge/raw-http.js';
import { call, eventually, handMade, issueOwn } from './helpers.js';

useHarness();
let systems: Systems;
let idp: TestIssuer;
let dir: string;
let keyFile: string;
let store: TokenStore;
let gateway: TestGateway;

const INVALID = 'Bearer realm="switchboard", error="invalid_token"';

function authConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    keyFile,
    sqlitePath: join(dir, 'tokens.db'),
    revocationRefreshMs: 100,
    trustedIssuers: [idp.trust(ISSUER_AUDIENCE)],
    ...extra,
  };
}
const startWith = (auth: Record<string, unknown>): Promise<TestGateway> =>
  startGatewayOn(demoConfig(systems, { auth }));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-auth-'));
  keyFile = join(dir, 'keys.json');
  systems = await startSystems(['storefront']);
  idp = await startIssuer();
  store = createSqliteTokenStore({ path: join(dir, 'tokens.db') });
  await issueOwn(keyFile, store); // creates the key file before the gateway starts
  gateway = await startWith(authConfig());
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function expectRefused(
  token: string,
  code = 'AUTH_TOKEN_INVALID',
  target = gateway,
): Promise<void> {
  const answer = await call(target, token);
  expect(answer.status).toBe(401);
  expect(answer.body.errors?.[0]?.extensions?.code).toBe(code);
  expect(answer.headers.get('www-authenticate')).toMatch(
    /^Bearer realm="switchboard", error="invalid_token"/,
  );
  // Nothing of the token travels back.
  for (const part of token.split('.')) if (part.length > 8) expect(answer.text).not.toContain(part);
}

describe("the gateway's own tokens", () => {
  it('accepts a token it issued, and /.well-known/jwks.json shows the public key only, cacheable', async () => {
    const { token } = await issueOwn(keyFile, store, {
      scopes: ['catalog:read', 'orders:read'],
      plan: 'gold',
    });
    const answer = await call(gateway, token);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { __typename: 'Query' } });

    const jwks = await gateway.fetch('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    const { keys } = (await jwks.json()) as { keys: JWK[] };
    expect(keys).toHaveLength(1);
    expect(Object.keys(keys[0] as object).sort()).toEqual([
      'alg',
      'crv',
      'kid',
      'kty',
      'use',
      'x',
      'y',
    ]);
    expect(keys[0]).toMatchObject({ alg: 'ES256', kty: 'EC', crv: 'P-256', use: 'sig' });
    expect(JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString())).toEqual({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: keys[0]?.kid,
    });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('lets a request without a token in as anonymous by default, and answers 401 `Bearer` (no error code) when a token is required', async () => {
    expect((await call(gateway)).status).toBe(200);
    const closed = await startWith(authConfig({ allowAnonymous: false }));
    try {
      const answer = await call(closed);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="switchboard"');
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('AUTH_TOKEN_MISSING');
    } finally {
      await closed.close();
    }
  });

  it('refuses `alg: none` in every spelling, with or without a signature', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: 'switchboard',
      aud: 'switchboard',
      sub: 'acme',
      jti: 'j1',
      iat: now,
      nbf: now,
      exp: now + 600,
      scope: 'catalog:read orders:write',
    };
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      for (const signature of ['', 'AAAA'])
        await expectRefused(handMade({ alg, typ: 'at+jwt' }, claims, { signature }));
    }
  });

  it('refuses an HMAC token signed with the public key as the secret (algorithm confusion)', async () => {
    const { keys } = (await (await gateway.fetch('/.well-known/jwks.json')).json()) as {
      keys: JWK[];
    };
    const jwk = keys[0] as JWK;
    const pem = createPublicKey({ key: jwk as never, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: 'switchboard',
      aud: 'switchboard',
      sub: 'acme',
      jti: 'j2',
      iat: now,
      nbf: now,
      exp: now + 600,
      scope: 'catalog:read',
    };
    for (const secret of [pem, JSON.stringify(jwk), jwk.x as string]) {
      for (const alg of ['HS256', 'HS384', 'HS512'])
        await expectRefused(handMade({ alg, typ: 'at+jwt', kid: jwk.kid }, claims, { secret }));
    }
  });

  it('refuses its own tokens that are expired, not yet valid, for another audience, untyped or missing a claim', async () => {
    const [stored] = (await readKeyFile(keyFile)) ?? [];
    const key = await importJWK(stored!.jwk, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const base = {
      sub: 'acme',
      jti: 'j3',
      scope: 'catalog:read',
      iat: now,
      nbf: now,
      exp: now + 600,
    };
    const sign = (
      claims: Record<string, unknown>,
      header: Record<string, unknown> = {},
      aud = 'switchboard',
    ): Promise<string> => {
      const payload = { ...base, ...claims };
      for (const [name, value] of Object.entries(payload))
        if (value === undefined) delete (payload as Record<string, unknown>)[name];
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: stored!.kid, ...header })
        .setIssuer('switchboard')
        .setAudience(aud)
        .sign(key);
    };
    // The leeway is 30 s: 10 s late still passes, 120 s late does not.
    expect(
      (await call(gateway, await sign({ exp: now - 10, iat: now - 100, nbf: now - 100 }))).status,
    ).toBe(200);
    await expectRefused(
      await sign({ exp: now - 120, iat: now - 600, nbf: now - 600 }),
      'AUTH_TOKEN_EXPIRED',
    );
    await expectRefused(await sign({ nbf: now + 120 }));
    await expectRefused(await sign({}, {}, 'someone-else'));
    await expectRefused(await sign({}, { typ: 'JWT' }));
    for (const missing of ['jti', 'sub', 'scope', 'nbf'])
      await expectRefused(await sign({ [missing]: undefined }));
  });

  it('keeps accepting tokens of a rotated key until it retires, and accepts the new key at once', async () => {
    const rotating = join(dir, 'rotating-keys.json');
    const { token: before } = await issueOwn(rotating, store);
    const target = await startWith(authConfig({ keyFile: rotating }));
    try {
      expect((await call(target, before)).status).toBe(200);
      await rotateKeyFile(rotating, 3_600_000, Date.now());
      const { token: after } = await issueOwn(rotating, store);
      expect(await eventually(async () => (await call(target, after)).status === 200)).toBe(true);
      expect((await call(target, before)).status).toBe(200);
      const jwks = (await (await target.fetch('/.well-known/jwks.json')).json()) as { keys: JWK[] };
      expect(jwks.keys).toHaveLength(2);
      // A rotation that retires the current key at once: its tokens stop, the newest key's keep working.
      await rotateKeyFile(rotating, 0, Date.now());
      const { token: newest } = await issueOwn(rotating, store);
      expect(await eventually(async () => (await call(target, after)).status === 401)).toBe(true);
      expect((await call(target, newest)).status).toBe(200);
      expect((await call(target, before)).status).toBe(200);
    } finally {
      await target.close();
    }
  });
});

describe('a trusted identity provider', () => {
  it('accepts its token, fetching its keys once and then from the cache', async () => {
    const target = await startWith(authConfig());
    try {
      const fetched = idp.fetches();
      expect((await call(target, await idp.sign())).status).toBe(200);
      expect(
        (await call(target, await idp.sign({ scope: 'catalog:read orders:read' }))).status,
      ).toBe(200);
      expect(idp.fetches() - fetched).toBe(1);
    } finally {
      await target.close();
    }
  });

  it('refetches the keys on an unknown kid, then refuses the token', async () => {
    const target = await startWith(authConfig({ trustedIssuers: [idp.trust(ISSUER_AUDIENCE, 0)] }));
    try {
      expect((await call(target, await idp.sign())).status).toBe(200);
      const fetched = idp.fetches();
      await expectRefused(
        await idp.sign({}, { key: await idp.newKey() }),
        'AUTH_TOKEN_INVALID',
        target,
      );
      expect(idp.fetches() - fetched).toBe(1);
    } finally {
      await target.close();
    }
  });

  it('does not refetch on unknown kids within the cooldown (a flood of made-up kids costs the provider nothing)', async () => {
    const target = await startWith(authConfig());
    try {
      expect((await call(target, await idp.sign())).status).toBe(200);
      const fetched = idp.fetches();
      for (let attempt = 0; attempt < 5; attempt += 1)
        await expectRefused(
          await idp.sign({}, { key: await idp.newKey() }),
          'AUTH_TOKEN_INVALID',
          target,
        );
      expect(idp.fetches() - fetched).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('accepts a rotated provider key (found by refetching on its new kid) and the old one while published', async () => {
    const target = await startWith(authConfig({ trustedIssuers: [idp.trust(ISSUER_AUDIENCE, 0)] }));
    const added = await idp.newKey('RS256');
    try {
      expect((await call(target, await idp.sign())).status).toBe(200);
      idp.keys.push(added);
      expect((await call(target, await idp.sign({}, { key: added }))).status).toBe(200);
      expect((await call(target, await idp.sign())).status).toBe(200);
    } finally {
      idp.keys.splice(idp.keys.indexOf(added), 1);
      await target.close();
    }
  });

  it('refuses its tokens when expired, early, for another audience or issuer, untyped, HMAC or missing claims', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(
      await idp.sign({ exp: now - 120, iat: now - 600, nbf: now - 600 }),
      'AUTH_TOKEN_EXPIRED',
    );
    await expectRefused(await idp.sign({ nbf: now + 120 }));
    await expectRefused(await idp.sign({}, { audience: 'another-api' }));
    await expectRefused(await idp.sign({ iss: 'https://evil.example' }));
    await expectRefused(await idp.sign({ iss: 'switchboard' })); // its key, our name: our ring does not know the key
    await expectRefused(await idp.sign({}, { header: { typ: 'JWT' } }));
    for (const missing of ['jti', 'sub', 'scope', 'exp'])
      await expectRefused(await idp.sign({ [missing]: undefined }));
    const jwk = idp.keys[0]!.publicJwk;
    await expectRefused(
      handMade(
        { alg: 'HS256', kid: jwk.kid, typ: 'at+jwt' },
        {
          iss: idp.issuer,
          aud: ISSUER_AUDIENCE,
          sub: 'acme',
          jti: 'x',
          iat: now,
          exp: now + 60,
          scope: 'a',
        },
        { secret: JSON.stringify(jwk) },
      ),
    );
  });
});

describe('the Authorization header', () => {
  const body = JSON.stringify({ query: '{ __typename }' });
  // With a Content-Length the request takes the direct route to Yoga; chunked, the general route.
  const post = (headers: Array<[string, string]>, chunked = false) =>
    rawRequest(`${gateway.url}/graphql`, {
      headers: [
        ['host', new URL(gateway.url).host],
        ['content-type', 'application/json'],
        chunked ? ['transfer-encoding', 'chunked'] : ['content-length', String(body.length)],
        ...headers,
      ],
      body,
    });

  it('answers 400 invalid_request for two headers, on the direct and the general route', async () => {
    const { token } = await issueOwn(keyFile, store);
    for (const chunked of [false, true]) {
      const answer = await post(
        [
          ['authorization', `Bearer ${token}`],
          ['authorization', `Bearer ${token}`],
        ],
        chunked,
      );
      expect(answer.status).toBe(400);
      expect(answer.headers['www-authenticate']).toBe(
        'Bearer realm="switchboard", error="invalid_request"',
      );
      expect(answer.json?.errors?.[0]?.extensions?.code).toBe('AUTH_HEADER_INVALID');
      expect(answer.body).not.toContain(token.split('.')[1]);
    }
  });

  it('answers 400 for an oversized or garbled bearer value, 401 `Bearer` for another scheme, 401 invalid_token for a non-JWT', async () => {
    const cases: Array<[string, number, string, string]> = [
      [
        `Bearer ${'a'.repeat(9_000)}`,
        400,
        'AUTH_HEADER_INVALID',
        'Bearer realm="switchboard", error="invalid_request"',
      ],
      [
        'Bearer a b',
        400,
        'AUTH_HEADER_INVALID',
        'Bearer realm="switchboard", error="invalid_request"',
      ],
      ['Bearer', 400, 'AUTH_HEADER_INVALID', 'Bearer realm="switchboard", error="invalid_request"'],
      [
        'Bearer ä€',
        400,
        'AUTH_HEADER_INVALID',
        'Bearer realm="switchboard", error="invalid_request"',
      ],
      ['Basic YWxhZGRpbjpvcGVuc2VzYW1l', 401, 'AUTH_HEADER_INVALID', 'Bearer realm="switchboard"'],
      ['Bearer not-a-jwt', 401, 'AUTH_TOKEN_INVALID', INVALID],
      ['Bearer a.b.c.d.e', 401, 'AUTH_TOKEN_INVALID', INVALID],
      ['Bearer e30.e30.', 401, 'AUTH_TOKEN_INVALID', INVALID],
    ];
    for (const [value, status, code, challenge] of cases) {
      const answer = await post([['authorization', Buffer.from(value, 'utf8').toString('latin1')]]);
      expect([value.slice(0, 20), answer.status]).toEqual([value.slice(0, 20), status]);
      expect(answer.json?.errors?.[0]?.extensions?.code).toBe(code);
      expect(answer.headers['www-authenticate']).toBe(challenge);
    }
  });
});
