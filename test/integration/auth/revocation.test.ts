/**
 * Revocation across instances: two gateways share a PostgreSQL token
 * registry and a key file; a token revoked through the registry (as
 * `token revoke` does) is refused by both within the refresh bound. Also the
 * Caller a verified token becomes, read straight from the authenticator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAuthenticator,
  createPostgresTokenStore,
  type TokenStore,
} from '../../../gateway/auth/index.js';
import { CONFIG_SPEC } from '../../../gateway/config/options.js';
import { parseSpec } from '../../../gateway/config/spec.js';
import { createLogger } from '../../../gateway/index.js';
import {
  demoConfig,
  startGatewayOn,
  startPostgres,
  startSystems,
  track,
  useHarness,
  type PostgresServer,
  type Systems,
} from '../../harness/index.js';
import { call, eventually, issueOwn } from './helpers.js';

useHarness();
let systems: Systems;
let postgres: PostgresServer;
let url: string;
let dir: string;
let store: TokenStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-revoke-'));
  [systems, postgres] = await Promise.all([
    startSystems(['storefront']),
    startPostgres({ fsync: false }),
  ]);
  url = await postgres.createDatabase('tokens');
  store = track(await createPostgresTokenStore({ connectionString: url }), 'token store');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const auth = () => ({
  keyFile: join(dir, 'keys.json'),
  tokenStore: 'postgres' as const,
  postgresUrl: url,
  revocationRefreshMs: 200,
});

describe('revocation on every instance', () => {
  it('refuses a revoked token on both gateways sharing the registry, and keeps accepting the others', async () => {
    const { token, jti } = await issueOwn(join(dir, 'keys.json'), store, { partner: 'acme' });
    const { token: other } = await issueOwn(join(dir, 'keys.json'), store, { partner: 'globex' });
    const first = await startGatewayOn(demoConfig(systems, { auth: auth() }));
    const second = await startGatewayOn(demoConfig(systems, { auth: auth() }));
    for (const gateway of [first, second]) expect((await call(gateway, token)).status).toBe(200);

    await store.revoke(jti, Date.now());
    for (const gateway of [first, second]) {
      expect(await eventually(async () => (await call(gateway, token)).status === 401)).toBe(true);
      const answer = await call(gateway, token);
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('AUTH_TOKEN_REVOKED');
      expect(answer.headers.get('www-authenticate')).toBe(
        'Bearer realm="switchboard", error="invalid_token", error_description="The token was revoked"',
      );
      expect((await call(gateway, other)).status).toBe(200);
    }
  });

  it('turns a verified token into the Caller on the context: jti, partner, scopes, plan, issuer; anonymous gets the configured scopes', async () => {
    const config = parseSpec(
      CONFIG_SPEC.fields.auth,
      { ...auth(), anonymousScopes: ['catalog:read'] },
      'auth',
    );
    const authenticator = await createAuthenticator(config, createLogger({ level: 'silent' }));
    try {
      const { token, jti } = await issueOwn(join(dir, 'keys.json'), store, {
        partner: 'acme',
        scopes: ['orders:read', 'catalog:read'],
        plan: 'gold',
      });
      expect(await authenticator.authenticate([`Bearer ${token}`], '10.0.0.7')).toEqual({
        kind: 'token',
        id: jti,
        partner: 'acme',
        scopes: new Set(['catalog:read', 'orders:read']),
        plan: 'gold',
        issuer: 'switchboard',
        address: '10.0.0.7',
      });
      expect(await authenticator.authenticate([], '10.0.0.8')).toEqual({
        kind: 'anonymous',
        id: 'anonymous',
        scopes: new Set(['catalog:read']),
        address: '10.0.0.8',
      });
    } finally {
      await authenticator.close();
    }
  });
});
