/**
 * The read cache's keys and tags (CACHE-API.md): a key names one answer
 * (`<source>:<operation>:<stable JSON of args>`), a tag names what the
 * answer is about (`Product:SKU-00042`). The step, the invalidation API and
 * the schema's @invalidates all build them here, so they always agree.
 *
 * The stable JSON is hand-written (20 lines): it only has to sort object
 * keys, and a dependency for that is more than the code.
 */
import { createHash } from 'node:crypto';
import type { Args } from '../../sources/common/index.js';

/** Longest argument text kept readable in a key, in characters; longer ones are hashed (a hostile 1 MiB argument must not become a 1 MiB Redis key). */
export const MAX_KEY_ARGS_CHARS = 512;

/** JSON with object keys sorted, so `{ a, b }` and `{ b, a }` are one key. Undefined properties are left out, as JSON.stringify does. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : stableJson(item))).join(',')}]`;
  const parts: string[] = [];
  for (const name of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[name];
    if (item !== undefined) parts.push(`${JSON.stringify(name)}:${stableJson(item)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The key of one answer. `caller` is the identity the backend call is made
 * as, when a source calls with per-caller credentials: the answer may then
 * depend on who asks, so it is kept apart (docs/cache.md, "Who shares an entry").
 */
export function cacheKey(source: string, operation: string, args: Args, caller?: string): string {
  let text = stableJson(args);
  if (text.length > MAX_KEY_ARGS_CHARS)
    text = `#${createHash('sha256').update(text).digest('base64url')}`;
  return caller === undefined
    ? `${source}:${operation}:${text}`
    : `${source}:${operation}:${text}|caller:${caller}`;
}

/** The tag of everything cached about one entity, e.g. `Product:SKU-00042`. */
export function entityTag(type: string, key: unknown): string {
  return `${type}:${typeof key === 'object' && key !== null ? stableJson(key) : String(key)}`;
}

/** Tags of an entity key value: a list-typed key (erp's itemCode: [String!]) names each of its items. */
export function entityTags(type: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value))
    return value
      .filter((item) => item !== undefined && item !== null)
      .map((item) => entityTag(type, item));
  return [entityTag(type, value)];
}
