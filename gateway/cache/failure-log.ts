/**
 * Logs store failures without flooding: a cache whose Redis is down fails on
 * every request, and one warning per request would bury every other log
 * line. The first failure after a success is logged at once; later ones are
 * counted and summed up at most once per `quietMs`; the first success after
 * failures logs the recovery. Hand-written: it is a counter and a clock, and
 * the gateway's logger (gateway/logger.ts) has no rate limiting of its own.
 */
import type { Logger } from '../logger.js';

export interface FailureLog {
  /** Records a failed store operation (`operation` names it, e.g. "getMany"). */
  failed(operation: string, error: unknown): void;
  /** Records a successful store operation. */
  succeeded(): void;
  /** Failures recorded since start-up. */
  readonly count: number;
}

/** @param quietMs least time between two warnings while failures go on. @default 60000 (1 min) */
export function createFailureLog(logger: Logger, store: string, quietMs = 60_000): FailureLog {
  let count = 0;
  let failing = false;
  let lastLoggedAt = 0;
  let unlogged = 0;
  return {
    failed(operation, error) {
      count += 1;
      const now = Date.now();
      if (!failing || now - lastLoggedAt >= quietMs) {
        logger.warn('read cache store failed; serving misses', {
          store,
          operation,
          error,
          failuresNotLogged: unlogged,
        });
        lastLoggedAt = now;
        unlogged = 0;
      } else {
        unlogged += 1;
      }
      failing = true;
    },
    succeeded() {
      if (!failing) return;
      failing = false;
      logger.info('read cache store answers again', { store, failuresNotLogged: unlogged });
      unlogged = 0;
    },
    get count() {
      return count;
    },
  };
}
