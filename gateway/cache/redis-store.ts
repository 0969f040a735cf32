/**
 * The shared store: Keyv on Redis through `@keyv/redis`. Keys are prefixed
 * with `keyPrefix` here (Keyv's and the adapter's own namespaces are off),
 * so what is in Redis is exactly `<keyPrefix>e:<key>` and
 * `<keyPrefix>t:<tag>`, JSON values with Redis TTLs (PX). Every operation
 * is bounded by `operationTimeoutMs`, so a Redis that hangs is a miss, not
 * a stuck request. The connection belongs to redis-connection.ts.
 */
import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import { KEYV_OPTIONS, toKeyvEntries, toStoredValues } from './memory-store.js';
import type { RedisClient } from './redis-connection.js';
import type { CacheStore } from './store.js';

export interface RedisStoreOptions {
  readonly client: RedisClient;
  readonly keyPrefix: string;
  readonly operationTimeoutMs: number;
}

async function within<T>(ms: number, operation: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`redis ${operation} did not answer within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createRedisStore(options: RedisStoreOptions): CacheStore {
  // throwOnErrors: a failure reaches the read cache (which logs and counts
  // it) instead of only an 'error' event and an answer that looks like a miss.
  const adapter = new KeyvRedis<string>(options.client, {
    throwOnConnectError: true,
    throwOnErrors: true,
  });
  const keyv = new Keyv({ store: adapter, ...KEYV_OPTIONS });
  const prefixed = (keys: readonly string[]): string[] =>
    keys.map((key) => `${options.keyPrefix}${key}`);
  const { operationTimeoutMs: ms } = options;
  return {
    async getMany(keys) {
      if (keys.length === 0) return [];
      return toStoredValues(await within(ms, 'getMany', keyv.getManyRaw(prefixed(keys))));
    },
    async setMany(writes) {
      const entries = toKeyvEntries(writes).map((entry) => ({
        ...entry,
        key: `${options.keyPrefix}${entry.key}`,
      }));
      if (entries.length > 0) await within(ms, 'setMany', keyv.setMany(entries));
    },
    async setIfAbsent(writes) {
      // SET key value PX ttl NX GET (Redis ≥ 7.0): one atomic command per key
      // that both creates the value when absent and answers what was there,
      // so instances racing on one key all learn the one winner. In Keyv's
      // envelope ({ value, expires }), so getMany reads it like every other value.
      const now = Date.now();
      const answers = await within(
        ms,
        'setIfAbsent',
        Promise.all(
          writes.map(async (write) => {
            const ttl = Math.max(1, Math.ceil(write.ttlMs));
            const previous = await options.client.set(
              `${options.keyPrefix}${write.key}`,
              JSON.stringify({ value: write.value, expires: now + ttl }),
              { expiration: { type: 'PX', value: ttl }, condition: 'NX', GET: true },
            );
            if (previous === null || previous === undefined) return write.value;
            const held = KEYV_OPTIONS.deserialize(String(previous)) as
              { value?: unknown } | undefined;
            return held !== null && typeof held === 'object' ? held.value : undefined;
          }),
        ),
      );
      return answers;
    },
    async deleteMany(keys) {
      if (keys.length > 0) await within(ms, 'deleteMany', keyv.deleteMany(prefixed(keys)));
    },
    async close() {
      // The connection is closed by its owner (redis-connection.ts).
    },
  };
}
