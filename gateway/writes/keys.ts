/**
 * Keys and hashes of the journal.
 *
 * Canonical JSON is hand-written (twenty lines): the input hash must not
 * depend on the order in which a client wrote its object's fields, and the
 * candidates on npm either allow values JSON cannot hold or are not among
 * our dependencies. Keys are sorted by UTF-16 code units, as RFC 8785 does;
 * numbers and strings are written by JSON.stringify.
 */
import { createHash } from 'node:crypto';
import type { JsonValue } from './model.js';

/** The JSON text of `value` with every object's keys sorted; same value, same text. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${(value as readonly JsonValue[]).map(canonicalJson).join(',')}]`;
  const object = value as { readonly [key: string]: JsonValue };
  const keys = Object.keys(object).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key] as JsonValue)}`).join(',')}}`;
}

/**
 * sha256 (hex) of the mutation's name and its canonical input: the same key
 * with another mutation or another input is a different request (422
 * IDEMPOTENCY_KEY_REUSED), the same input in another field order is not.
 */
export function inputHash(mutation: string, input: JsonValue): string {
  return createHash('sha256').update(canonicalJson({ mutation, input })).digest('hex');
}

/**
 * The idempotency key sent to the backend with step `index` of write
 * `writeId` (`kind` "do"), or with its compensation ("undo").
 *
 * It is derived from the write's id, and the write's id stands for the
 * caller's key: while the caller's key lives, every request with it resolves
 * to the same write, so a retried or replayed step carries the same key and
 * the backend applies it once. Once the caller's key has expired, reusing it
 * starts a new write with new step keys, which a backend still remembering
 * the old ones must not answer with the old write's results.
 */
export function stepKey(writeId: string, index: number, kind: 'do' | 'undo'): string {
  return `swb-${writeId}-${index}-${kind}`;
}
