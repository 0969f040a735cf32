/**
 * Idempotency-Key on writes, in the manner of the IETF draft
 * "The Idempotency-Key HTTP Header Field": the first answer to a key is kept
 * and replayed for a retry with the same body; the same key with another
 * body is refused (422). Handlers are synchronous, so two requests with one
 * key can never interleave inside a write.
 */
import { createHash } from 'node:crypto';
import { HttpProblem, badRequest } from './problem.js';
import type { JsonReply } from './respond.js';

/** What the first request with a key got: a reply, or a problem the handler threw. */
export type Outcome = { reply: JsonReply } | { problem: HttpProblem };

interface Entry {
  fingerprint: string;
  outcome: Outcome;
  expiresAt: number;
}

export interface IdempotencyStore {
  /**
   * Runs `write` for a new key and remembers its outcome; for a known key with
   * the same fingerprint answers the remembered outcome with `replayed: true`.
   * Throws 422 when the key was used with a different request, 400 for a malformed key.
   */
  run(
    scope: string,
    key: string,
    fingerprint: string,
    write: () => JsonReply,
  ): Outcome & { replayed: boolean };
  /**
   * True when `key` has an unexpired outcome in `scope`, so `run` would answer
   * without writing (a replay, or a 422 for another request): the server lets
   * such a request pass its injected faults, which are for new work only.
   */
  knows(scope: string, key: string): boolean;
  readonly size: number;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Identifies one intended write: method, path and body. */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest('base64url');
}

/** One entry per caller and key: another caller's key of the same spelling is another key. */
const idOf = (scope: string, key: string): string => `${scope}\u0000${key}`;

export function createIdempotencyStore(options: {
  ttlMs: number;
  maxKeys: number;
  now?: () => number;
}): IdempotencyStore {
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order, so its first entries are the oldest.
  const entries = new Map<string, Entry>();

  const evict = (at: number): void => {
    for (const [id, entry] of entries) {
      if (entry.expiresAt > at && entries.size < options.maxKeys) break;
      entries.delete(id);
    }
  };

  return {
    get size() {
      return entries.size;
    },
    knows(scope, key) {
      const known = entries.get(idOf(scope, key));
      return known !== undefined && known.expiresAt > now();
    },
    run(scope, key, fingerprint, write) {
      if (!KEY_PATTERN.test(key))
        throw badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters.');
      const at = now();
      const id = idOf(scope, key);
      const known = entries.get(id);
      if (known && known.expiresAt > at) {
        if (known.fingerprint !== fingerprint) {
          throw new HttpProblem(
            422,
            'idempotency-key-reused',
            'This Idempotency-Key was already used with a different request; use a new key for a new write.',
          );
        }
        return { ...known.outcome, replayed: true };
      }
      let outcome: Outcome;
      try {
        outcome = { reply: write() };
      } catch (error) {
        // Only answers the client was meant to get are kept; a crash is not an answer.
        if (!(error instanceof HttpProblem)) throw error;
        outcome = { problem: error };
      }
      entries.delete(id);
      evict(at);
      entries.set(id, { fingerprint, outcome, expiresAt: at + options.ttlMs });
      return { ...outcome, replayed: false };
    },
  };
}
