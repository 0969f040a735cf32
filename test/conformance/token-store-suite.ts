/**
 * The token registry's conformance suite: every TokenStore adapter runs it
 * against a real database (token-store-sqlite.test.ts, token-store-postgres.test.ts).
 * `open` twice on one database is two gateway instances (or the CLI and a gateway).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IssuedToken, TokenStore } from '../../gateway/auth/index.js';

export interface TokenStoreTarget {
  /** A new, empty database; each call of the returned function opens one more store on it. */
  freshDatabase(): Promise<() => Promise<TokenStore>>;
}

const HOUR = 3_600_000;
const T0 = 1_800_000_000_000;

function token(
  jti: string,
  overrides: Partial<Omit<IssuedToken, 'revokedAt'>> = {},
): Omit<IssuedToken, 'revokedAt'> {
  return {
    jti,
    partner: 'acme',
    scopes: ['catalog:read', 'orders:read'],
    plan: 'gold',
    issuedAt: T0,
    expiresAt: T0 + 24 * HOUR,
    ...overrides,
  };
}

export function tokenStoreSuite(name: string, target: TokenStoreTarget): void {
  describe(`token registry conformance: ${name}`, () => {
    const opened: TokenStore[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });
    const setup = async (): Promise<{ store: TokenStore; another: () => Promise<TokenStore> }> => {
      const open = await target.freshDatabase();
      const another = async (): Promise<TokenStore> => {
        const store = await open();
        opened.push(store);
        return store;
      };
      return { store: await another(), another };
    };

    it('records a token and reads it back whole, not revoked', async () => {
      const { store } = await setup();
      await store.record(token('a'));
      expect(await store.get('a')).toEqual({ ...token('a'), revokedAt: null });
      expect(await store.get('missing')).toBeUndefined();
    });

    it('keeps a token without a plan and with one scope', async () => {
      const { store } = await setup();
      await store.record(token('b', { plan: null, scopes: ['catalog:read'] }));
      expect(await store.get('b')).toMatchObject({ plan: null, scopes: ['catalog:read'] });
    });

    it('refuses a second record with the same jti (TOKEN_STORE_UNAVAILABLE) and keeps the first', async () => {
      const { store } = await setup();
      await store.record(token('dup'));
      await expect(store.record(token('dup', { partner: 'other' }))).rejects.toMatchObject({
        code: 'TOKEN_STORE_UNAVAILABLE',
      });
      expect((await store.get('dup'))?.partner).toBe('acme');
    });

    it('lists newest first, by partner, hiding expired tokens unless asked', async () => {
      const { store } = await setup();
      const now = Date.now();
      await store.record(token('old', { issuedAt: now - 2 * HOUR, expiresAt: now + HOUR }));
      await store.record(token('new', { issuedAt: now - HOUR, expiresAt: now + HOUR }));
      await store.record(
        token('other', { partner: 'globex', issuedAt: now, expiresAt: now + HOUR }),
      );
      await store.record(token('gone', { issuedAt: now - 3 * HOUR, expiresAt: now - HOUR }));
      expect((await store.list()).map((t) => t.jti)).toEqual(['other', 'new', 'old']);
      expect((await store.list({ partner: 'acme' })).map((t) => t.jti)).toEqual(['new', 'old']);
      expect((await store.list({ includeExpired: true })).map((t) => t.jti)).toEqual([
        'other',
        'new',
        'old',
        'gone',
      ]);
      expect((await store.list({ limit: 1 })).map((t) => t.jti)).toEqual(['other']);
    });

    it('revokes once: a second revoke keeps the first time', async () => {
      const { store } = await setup();
      await store.record(token('r'));
      expect((await store.revoke('r', T0 + 10)).revokedAt).toBe(T0 + 10);
      expect((await store.revoke('r', T0 + 20)).revokedAt).toBe(T0 + 10);
      expect((await store.get('r'))?.revokedAt).toBe(T0 + 10);
    });

    it('refuses to revoke an unknown jti with TOKEN_NOT_FOUND', async () => {
      const { store } = await setup();
      await expect(store.revoke('nope', T0)).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
    });

    it('lists the revoked jtis until they expire, and only those', async () => {
      const { store } = await setup();
      await store.record(token('kept'));
      await store.record(token('revoked'));
      await store.record(token('short', { expiresAt: T0 + HOUR }));
      await store.revoke('revoked', T0);
      await store.revoke('short', T0);
      expect((await store.revokedUntilExpiry(T0)).sort()).toEqual(['revoked', 'short']);
      expect(await store.revokedUntilExpiry(T0 + 2 * HOUR)).toEqual(['revoked']);
    });

    it('shows a revocation made through one store to another on the same database', async () => {
      const { store, another } = await setup();
      const second = await another();
      await store.record(token('shared'));
      expect(await second.revokedUntilExpiry(T0)).toEqual([]);
      await second.revoke('shared', T0);
      expect(await store.revokedUntilExpiry(T0)).toEqual(['shared']);
    });

    it('keeps tokens across close and open', async () => {
      const { store, another } = await setup();
      await store.record(token('durable'));
      await store.close();
      expect(await (await another()).get('durable')).toMatchObject({ jti: 'durable' });
    });

    it('takes ids and partners as data, never as SQL', async () => {
      const { store } = await setup();
      const odd = "x'); DROP TABLE issued_tokens; --";
      await store.record(token(odd, { partner: odd }));
      expect((await store.get(odd))?.partner).toBe(odd);
      expect(await store.list({ partner: odd, includeExpired: true })).toHaveLength(1);
    });

    it('closes twice without error', async () => {
      const { store } = await setup();
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
