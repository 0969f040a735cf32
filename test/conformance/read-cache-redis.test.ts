// The read cache's conformance suite on Redis (@keyv/redis) behind a memory
// tier, against a private redis-server started for this file.
import { beforeAll } from 'vitest';
import { createReadCache } from '../../gateway/cache/index.js';
import { connectRedis } from '../../gateway/cache/redis-connection.js';
import { createRedisStore } from '../../gateway/cache/redis-store.js';
import { createLogger } from '../../gateway/index.js';
import { freePorts, startRedis, track, useHarness, type TestRedis } from '../harness/index.js';
import { readCacheSuite } from './read-cache-suite.js';

useHarness();
const logger = createLogger({ level: 'silent' });
let redis: TestRedis;
let caches = 0;

beforeAll(async () => {
  redis = await startRedis();
});

readCacheSuite('redis', {
  tiered: true,
  async create(options = {}) {
    caches += 1;
    const cache = await createReadCache({
      store: 'redis',
      redisUrl: redis.url,
      maxEntries: 1_000,
      maxBytes: 1024 * 1024,
      keyPrefix: `suite-${caches}:`,
      logger,
      ...options,
    });
    return track(cache, 'read cache');
  },
  async createFailing() {
    // Nothing listens on that port: Redis is down from start-up on.
    const [port] = await freePorts(1);
    const cache = await createReadCache({
      store: 'redis',
      redisUrl: `redis://127.0.0.1:${port}`,
      maxEntries: 1_000,
      maxBytes: 1024 * 1024,
      keyPrefix: 'down:',
      logger,
      connectTimeoutMs: 200,
    });
    return track(cache, 'read cache on a closed port');
  },
  async createStore() {
    // The Redis store alone (no memory tier), on a fresh key prefix.
    caches += 1;
    const connection = track(
      await connectRedis({
        url: redis.url,
        connectTimeoutMs: 2_000,
        operationTimeoutMs: 2_000,
        logger,
      }),
      'redis connection',
    );
    return createRedisStore({
      client: connection.client,
      keyPrefix: `store-${caches}:`,
      operationTimeoutMs: 2_000,
    });
  },
});
