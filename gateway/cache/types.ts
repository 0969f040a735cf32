/**
 * The read cache's public contract, agreed with the pipeline's cache step
 * (see CACHE-API.md in the lead's notes and docs/cache.md). The step imports
 * these from `gateway/cache/index.ts` only.
 */
import type { Logger } from '../logger.js';

/** One stored answer. JSON-serialisable throughout (Redis stores it as JSON). */
export interface CacheEntry {
  /** The answer in the subgraph's shape, or null for a cached "not found". */
  readonly value: unknown;
  /** True when the entry records that the backend said "not found" (SOURCE_NOT_FOUND). */
  readonly notFound?: boolean;
  /** When the answer was received, ms since the epoch. */
  readonly storedAt: number;
  /** Fresh until then (ms since epoch); served without a backend call. */
  readonly freshUntil: number;
  /** May be served stale (stale-while-revalidate / stale-if-error) until then; the store drops it after. */
  readonly staleUntil: number;
  /** Entity tags, e.g. "Product:SKU-00042"; invalidating a tag drops the entry. */
  readonly tags: readonly string[];
  /** REST only: http-cache-semantics `CachePolicy#toObject()` for revalidation (ETag / If-None-Match). */
  readonly http?: unknown;
}

/**
 * Taken before a backend call; an entry stored with it is refused if one of
 * its tags was invalidated meanwhile. Opaque: the versions it read stay
 * inside the cache that issued it, so a ticket works only with that cache.
 */
export interface CacheTicket {
  readonly tags: readonly string[];
}

/** What `setMany` stores: an entry, its key, and the ticket taken before the backend call. */
export interface CacheWrite {
  readonly key: string;
  readonly entry: CacheEntry;
  readonly ticket: CacheTicket;
}

/** Counters since start-up, for logs, tests and (later) metrics. */
export interface ReadCacheStats {
  /** Entries returned by getMany (fresh or stale). */
  readonly hits: number;
  /** Keys getMany answered with undefined (absent, expired, invalidated or failed). */
  readonly misses: number;
  /** Entries setMany wrote. */
  readonly sets: number;
  /** Entries setMany refused: a tag changed since the ticket, a ticket from elsewhere, already expired, tags not on the ticket. */
  readonly refused: number;
  /** Store operations that failed or timed out (each turned into misses or no-ops). */
  readonly failures: number;
  /** With Redis: keys (entries and tag versions) answered by this instance's memory tier, without a Redis round trip. */
  readonly memoryTierHits: number;
  /** With Redis: keys (entries and tag versions) other instances told this one to drop from its memory tier. */
  readonly invalidationsReceived: number;
}

export interface ReadCache {
  /** Entries by key, in the order of `keys`; undefined for a miss, for an expired entry and for one whose tags were invalidated after its ticket. Never rejects: a failing store is a miss (logged, counted). */
  getMany(keys: readonly string[]): Promise<Array<CacheEntry | undefined>>;
  /** Reads the current versions of `tags`, before the backend call whose answer will be stored. Never rejects. */
  ticket(tags: readonly string[]): Promise<CacheTicket>;
  /** Stores entries (TTL in the store = staleUntil - now). Skips an entry whose tags changed since its ticket. Never rejects. */
  setMany(entries: ReadonlyArray<CacheWrite>): Promise<void>;
  /** Drops every entry tagged with one of `tags`, here and (with Redis) on every other instance's memory tier. Never rejects. */
  invalidateTags(tags: readonly string[]): Promise<void>;
  /** Drops entries by key, here and on every other instance. Never rejects. */
  deleteKeys(keys: readonly string[]): Promise<void>;
  /** Counters since start-up. */
  stats(): ReadCacheStats;
  /** Closes the store's connections. Safe to call twice; the cache answers misses afterwards. */
  close(): Promise<void>;
}

export interface ReadCacheOptions {
  /** "memory": this process only. "redis": shared by every instance on that Redis, with a memory tier in front. */
  readonly store: 'memory' | 'redis';
  /** redis://… ; required when store is "redis". Never logged with its password. */
  readonly redisUrl?: string;
  /** Bounds of the memory tier (LRU): most entries and most bytes (JSON length). */
  readonly maxEntries: number;
  readonly maxBytes: number;
  /** Prefix of every key in a shared store, so two deployments can share one Redis. */
  readonly keyPrefix: string;
  readonly logger: Logger;
  /**
   * With Redis: the longest a memory-tier copy lives before it is read from
   * Redis again. Bounds how stale an instance can be when an invalidation
   * message from another instance is lost. @default 5000 (5 s)
   */
  readonly memoryTierTtlMs?: number;
  /**
   * With Redis: the longest one store operation may take before it counts as
   * failed (a miss); bounds what a hung Redis adds to a request. @default 500
   */
  readonly operationTimeoutMs?: number;
  /**
   * With Redis: how long start-up waits for Redis before going on without it
   * (misses, logged once) while the client keeps reconnecting. @default 2000 (2 s)
   */
  readonly connectTimeoutMs?: number;
}
