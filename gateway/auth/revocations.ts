/**
 * What every instance knows of revocations: the set of revoked, unexpired
 * jtis, reloaded from the registry every `auth.revocationRefreshMs`. A
 * revocation therefore takes effect on every instance within one refresh
 * interval (plus one query's time) of `token revoke` returning. Polling a
 * small set rather than pub/sub: it works the same on SQLite and
 * PostgreSQL, survives a missed message by construction, and the set stays
 * small (only revoked tokens not yet expired). If the registry cannot be
 * read, the last set is kept and a warning logged; it is never emptied.
 */
import type { Logger } from '../logger.js';
import type { TokenStore } from './token-store.js';

export interface RevocationList {
  has(jti: string): boolean;
  /** Reloads now (also what each tick does). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

export interface RevocationListOptions {
  /** Opens the registry; undefined while it does not exist yet (tried again each tick). */
  open(): Promise<TokenStore | undefined>;
  refreshMs: number;
  logger: Logger;
  /** Also run on each tick (the key file's reload). */
  onTick?: () => Promise<void>;
  now?: () => number;
}

export async function startRevocationList(options: RevocationListOptions): Promise<RevocationList> {
  const now = options.now ?? Date.now;
  let store: TokenStore | undefined;
  let revoked: ReadonlySet<string> = new Set();
  let failing = false;
  let running: Promise<void> | undefined;
  const load = async (): Promise<void> => {
    try {
      store ??= await options.open();
      if (store !== undefined) revoked = new Set(await store.revokedUntilExpiry(now()));
      if (failing)
        options.logger.info('The token registry answers again; revocations are current.');
      failing = false;
    } catch (error) {
      if (!failing)
        options.logger.warn(
          'The token registry cannot be read; the last known revocations stay in force.',
          { code: (error as { code?: unknown }).code },
        );
      failing = true;
    }
    try {
      await options.onTick?.();
    } catch (error) {
      options.logger.warn('The signing keys could not be reloaded; the last ones stay in force.', {
        code: (error as { code?: unknown }).code,
      });
    }
  };
  const refresh = (): Promise<void> => (running ??= load().finally(() => (running = undefined)));
  await refresh();
  const timer = setInterval(() => void refresh(), options.refreshMs);
  timer.unref();
  return {
    has: (jti) => revoked.has(jti),
    refresh,
    async close() {
      clearInterval(timer);
      await running;
      await store?.close();
    },
  };
}
