/**
 * The read cache (issue 9, section 3): stores, tag invalidation and
 * createReadCache. The pipeline's cache step imports only from here.
 * docs/cache.md explains what is stored where and how it fails.
 */
export { createReadCache } from './create-read-cache.js';
export type {
  CacheEntry,
  CacheTicket,
  CacheWrite,
  ReadCache,
  ReadCacheOptions,
  ReadCacheStats,
} from './types.js';
export type { CacheStore, StoredValue, StoreWrite } from './store.js';
export { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { TAG_VERSION_TTL_MS } from './tag-versions.js';
export { createReadCacheOver, type ReadCacheOverOptions } from './read-cache.js';
