/**
 * createReadCache: the composition root of the read cache. It checks the
 * options, builds the stores the options ask for and hands back a ReadCache.
 */
import { GatewayError } from '../errors.js';
import { createMemoryStore } from './memory-store.js';
import { createReadCacheOver } from './read-cache.js';
import type { ReadCache, ReadCacheOptions } from './types.js';

function invalid(path: string, expected: string, got: unknown): GatewayError {
  const shown = typeof got === 'string' ? `'${got}'` : String(got);
  return new GatewayError({ code: 'CONFIG_INVALID', safeMessage: `cache.${path} should be ${expected}, instead got ${shown}.`, details: { path: `cache.${path}` } });
}

function checkPositiveInteger(options: ReadCacheOptions, name: 'maxEntries' | 'maxBytes' | 'memoryTierTtlMs' | 'operationTimeoutMs' | 'connectTimeoutMs'): void {
  const value = options[name];
  if (value === undefined && name !== 'maxEntries' && name !== 'maxBytes') return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw invalid(name, 'a positive integer', value);
}

/** Checks what the config layer may not have (a ReadCache can be built outside it, in tests and benches). */
function checkOptions(options: ReadCacheOptions): void {
  if (options.store !== 'memory' && options.store !== 'redis') throw invalid('store', '"memory" or "redis"', options.store);
  for (const name of ['maxEntries', 'maxBytes', 'memoryTierTtlMs', 'operationTimeoutMs', 'connectTimeoutMs'] as const) checkPositiveInteger(options, name);
  if (typeof options.keyPrefix !== 'string') throw invalid('keyPrefix', 'a string', options.keyPrefix);
  if (options.store === 'redis' && (typeof options.redisUrl !== 'string' || options.redisUrl.length === 0)) {
    throw new GatewayError({ code: 'CONFIG_INVALID', safeMessage: 'cache.redisUrl is required when cache.store is "redis" (e.g. "redis://127.0.0.1:6379").', details: { path: 'cache.redisUrl' } });
  }
}

/**
 * Builds the read cache.
 *
 * - store "memory": Keyv over a bounded LRU, for this process only.
 * - store "redis": Keyv on Redis (`@keyv/redis`), shared by every instance
 *   with the same `keyPrefix`, with a memory tier in front; invalidations and
 *   deletions reach the other instances' memory tiers through Redis pub/sub.
 *   A Redis that does not answer at start-up does not stop the gateway: the
 *   cache answers misses (logged once) until Redis answers.
 *
 * After start-up nothing it returns rejects: a failing store is a miss.
 *
 * @throws GatewayError CONFIG_INVALID for options out of range or a missing/invalid `redisUrl`.
 * @example
 * const cache = await createReadCache({ store: 'memory', maxEntries: 10_000, maxBytes: 64 * 1024 * 1024, keyPrefix: 'switchboard:', logger });
 */
export async function createReadCache(options: ReadCacheOptions): Promise<ReadCache> {
  checkOptions(options);
  if (options.store === 'memory') {
    const store = createMemoryStore({ maxEntries: options.maxEntries, maxBytes: options.maxBytes });
    return createReadCacheOver({ store, storeName: 'memory', logger: options.logger });
  }
  throw invalid('store', '"memory" (redis comes next)', options.store);
}
