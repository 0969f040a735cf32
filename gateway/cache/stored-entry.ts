/**
 * The form an entry takes in a store: the entry and the versions of its tags
 * at ticket time. Whatever a store hands back is `unknown` (another
 * deployment's Redis key, a corrupt value, an older format) and is narrowed
 * here; anything that does not fit is a miss.
 */
import type { CacheEntry } from './types.js';

export interface StoredEntry {
  /** The entry as setMany received it. */
  readonly e: CacheEntry;
  /** `v[i]` is the version of `e.tags[i]` that the entry's ticket read. */
  readonly v: readonly string[];
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The stored entry, or undefined when `value` is not one. */
export function parseStoredEntry(value: unknown): StoredEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { e, v } = value as { e?: unknown; v?: unknown };
  if (typeof e !== 'object' || e === null || !isStringArray(v)) return undefined;
  const entry = e as Partial<Record<keyof CacheEntry, unknown>>;
  if (
    !('value' in entry) ||
    !isFiniteNumber(entry.storedAt) ||
    !isFiniteNumber(entry.freshUntil) ||
    !isFiniteNumber(entry.staleUntil)
  )
    return undefined;
  if (!isStringArray(entry.tags) || entry.tags.length !== v.length) return undefined;
  if (entry.notFound !== undefined && typeof entry.notFound !== 'boolean') return undefined;
  return { e: e as CacheEntry, v };
}
