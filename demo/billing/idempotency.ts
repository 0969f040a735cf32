/**
 * The idempotency-key metadata on billing's writes, as payment APIs do it: the
 * first successful answer to a key is kept and answered again for a retry of
 * the same RPC with the same request, without applying the write twice; the
 * key with another request (or another RPC) is refused. Failures are not
 * kept: nothing was applied, so a retry may try again. Handlers are
 * synchronous, so two calls with one key never interleave inside a write.
 */
import { createHash } from 'node:crypto';
import { status as Status } from '@grpc/grpc-js';
import { RpcFailure } from './failure.js';

type Wire = Record<string, unknown>;

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Keys are kept a day, as the contract says. */
export const KEY_TTL_MS = 24 * 3_600_000;
/** At most this many keys; the oldest go first. */
const MAX_KEYS = 100_000;

interface Entry {
  method: string;
  fingerprint: string;
  answer: Wire;
  expiresAt: number;
}

/** JSON with object keys sorted, so field order never makes two requests differ. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface BillingIdempotency {
  /**
   * Runs `write` once per key: answers the kept result for a known key and the
   * same request, fails FAILED_PRECONDITION for a known key and another
   * request, INVALID_ARGUMENT for a malformed key. Without a key, just runs it.
   */
  run(method: string, key: string | undefined, request: Wire, write: () => Wire): Wire;
  /**
   * True when `key` has an unexpired kept answer, so `run` would answer
   * without writing (the kept result, or FAILED_PRECONDITION for another
   * request): the server lets such a call pass its injected faults, which are
   * for new work only.
   */
  knows(key: string | undefined): boolean;
  readonly size: number;
}

export function createBillingIdempotency(now: () => number = Date.now): BillingIdempotency {
  const entries = new Map<string, Entry>();
  return {
    get size() {
      return entries.size;
    },
    knows(key) {
      const known = key === undefined ? undefined : entries.get(key);
      return known !== undefined && known.expiresAt > now();
    },
    run(method, key, request, write) {
      if (key === undefined) return write();
      if (!KEY_PATTERN.test(key))
        throw new RpcFailure(
          Status.INVALID_ARGUMENT,
          'idempotency-key must be 1 to 255 visible ASCII characters',
        );
      const at = now();
      const fingerprint = createHash('sha256').update(canonical(request)).digest('base64url');
      const known = entries.get(key);
      if (known && known.expiresAt > at) {
        if (known.method !== method || known.fingerprint !== fingerprint) {
          throw new RpcFailure(
            Status.FAILED_PRECONDITION,
            `idempotency-key was already used with a different ${known.method === method ? 'request' : `RPC (${known.method})`}; use a new key for a new write`,
          );
        }
        return known.answer;
      }
      const answer = write();
      entries.delete(key);
      for (const [id, entry] of entries) {
        if (entry.expiresAt > at && entries.size < MAX_KEYS) break;
        entries.delete(id);
      }
      entries.set(key, { method, fingerprint, answer, expiresAt: at + KEY_TTL_MS });
      return answer;
    },
  };
}
