/**
 * Tag invalidation across instances, without clocks.
 *
 * Every tag has a version: a random token kept in the same store as the
 * entries, under `t:<tag>`. A ticket reads the versions of its tags before
 * the backend call, creating a fresh token for a tag that has none. An entry
 * is stored with the versions of its ticket, and a read serves it only while
 * each of its tags still has that version. Invalidating a tag deletes its
 * version, so every entry stored before is invisible at once, on every
 * instance that reads the same store, whatever the clocks say.
 *
 * Why random tokens and deletion, not counters: the store contract has no
 * atomic increment (Keyv has none), and it needs none. A token is never
 * reused, so the only question a read asks is "same token or not", and every
 * way a version can change (invalidation, expiry, eviction from a full LRU,
 * two instances creating one at the same moment) answers "not": the entry
 * becomes a miss, never a stale hit. The race the ticket exists for: an
 * invalidation during the backend call deletes the version the ticket read,
 * so the answer of that call is refused by setMany, or, if it lands after
 * setMany's check, never matches on read.
 */
import { randomUUID } from 'node:crypto';

/** How long a tag's version lives in the store: entries of a tag live no longer (they become misses). 24 h. */
export const TAG_VERSION_TTL_MS = 24 * 60 * 60 * 1000;

/** The store key of an entry. */
export function entryKey(key: string): string {
  return `e:${key}`;
}

/** The store key of a tag's version. */
export function versionKey(tag: string): string {
  return `t:${tag}`;
}

/** A fresh version token (122 random bits: never reused in practice). */
export function newVersion(): string {
  return randomUUID();
}

/** A stored version as the store returned it; anything but a string is no version. */
export function asVersion(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Tags without duplicates, in first-seen order. */
export function uniqueTags(tags: Iterable<string>): string[] {
  return [...new Set(tags)];
}
