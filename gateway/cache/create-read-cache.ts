/**
 * createReadCache: the composition root of the read cache. It checks the
 * options, builds the stores the options ask for and hands back a ReadCache.
 */
import { GatewayError } from '../errors.js';
import { startInvalidationBus } from './invalidation-bus.js';
import { createMemoryStore } from './memory-store.js';
import { createReadCacheOver } from './read-cache.js';
import { connectRedis, redisTarget } from './redis-connection.js';
import { createRedisStore } from './redis-store.js';
import type { CacheStore } from './store.js';
import { createTieredStore } from './tiered-store.js';
import type { ReadCache, ReadCacheOptions } from './types.js';

function invalid(path: string, expected: string, got: unknown): GatewayError {
  const shown = typeof got === 'string' ? `'${got}'` : String(got);
  return new GatewayError({
    code: 'CONFIG_INVALID',
    safeMessage: `cache.${path} should be ${expected}, instead got ${shown}.`,
    details: { path: `cache.${path}` },
  });
}

function checkPositiveInteger(
  options: ReadCacheOptions,
  name: 'maxEntries' | 'maxBytes' | 'memoryTierTtlMs' | 'operationTimeoutMs' | 'connectTimeoutMs',
): void {
  const value = options[name];
  if (value === undefined && name !== 'maxEntries' && name !== 'maxBytes') return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    throw invalid(name, 'a positive integer', value);
}

/** Checks what the config layer may not have (a ReadCache can be built outside it, in tests and benches). */
function checkOptions(options: ReadCacheOptions): void {
  if (options.store !== 'memory' && options.store !== 'redis')
    throw invalid('store', '"memory" or "redis"', options.store);
  for (const name of [
    'maxEntries',
    'maxBytes',
    'memoryTierTtlMs',
    'operationTimeoutMs',
    'connectTimeoutMs',
  ] as const)
    checkPositiveInteger(options, name);
  if (typeof options.keyPrefix !== 'string')
    throw invalid('keyPrefix', 'a string', options.keyPrefix);
  if (
    options.store === 'redis' &&
    (typeof options.redisUrl !== 'string' || options.redisUrl.length === 0)
  ) {
    throw new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage:
        'cache.redisUrl is required when cache.store is "redis" (e.g. "redis://127.0.0.1:6379").',
      details: { path: 'cache.redisUrl' },
    });
  }
  if (options.store === 'redis' && !/^rediss?:$/.test(safeProtocol(options.redisUrl as string))) {
    // The URL may hold a password: the message shows neither the URL nor the password.
    throw new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage: 'cache.redisUrl should be a redis:// or rediss:// URL.',
      details: { path: 'cache.redisUrl' },
    });
  }
}

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}

/** @default values of the optional Redis options, ms. */
const REDIS_DEFAULTS = {
  memoryTierTtlMs: 5_000,
  operationTimeoutMs: 500,
  connectTimeoutMs: 2_000,
} as const;

async function createRedisReadCache(
  options: ReadCacheOptions & { redisUrl: string },
): Promise<ReadCache> {
  const memoryTierTtlMs = options.memoryTierTtlMs ?? REDIS_DEFAULTS.memoryTierTtlMs;
  const operationTimeoutMs = options.operationTimeoutMs ?? REDIS_DEFAULTS.operationTimeoutMs;
  const connectTimeoutMs = options.connectTimeoutMs ?? REDIS_DEFAULTS.connectTimeoutMs;
  const connection = await connectRedis({
    url: options.redisUrl,
    connectTimeoutMs,
    operationTimeoutMs,
    logger: options.logger,
  });
  const remote = createRedisStore({
    client: connection.client,
    keyPrefix: options.keyPrefix,
    operationTimeoutMs,
  });
  const local = createMemoryStore({ maxEntries: options.maxEntries, maxBytes: options.maxBytes });
  // The bus and the tiers refer to each other: the tiers ask whether the bus
  // listens and publish through it; the bus drops keys from the tiers.
  const tiers = createTieredStore({
    local,
    remote,
    localTtlMs: memoryTierTtlMs,
    listening: () => bus.listening,
    publish: (keys) => bus.publish(keys),
  });
  const bus = startInvalidationBus({
    publisher: connection.client,
    subscriber: connection.subscriber,
    channel: `${options.keyPrefix}invalidations`,
    logger: options.logger,
    onKeys: (keys) => tiers.dropLocal(keys),
    onGap: () => tiers.clearLocal(),
  });
  const store: CacheStore = {
    getMany: (keys) => tiers.getMany(keys),
    setMany: (writes) => tiers.setMany(writes),
    setIfAbsent: (writes) => tiers.setIfAbsent(writes),
    deleteMany: (keys) => tiers.deleteMany(keys),
    async close() {
      await bus.close();
      await tiers.close();
      await remote.close();
      await connection.close();
    },
  };
  return createReadCacheOver({
    store,
    storeName: `redis ${redisTarget(options.redisUrl)}`,
    logger: options.logger,
    storeStats: () => ({
      memoryTierHits: tiers.memoryHits,
      invalidationsReceived: tiers.keysDropped,
    }),
  });
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
  return createRedisReadCache({ ...options, redisUrl: options.redisUrl as string });
}
