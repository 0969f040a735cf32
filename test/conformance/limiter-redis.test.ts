// The limiter store's conformance suite on Redis (node-redis), against a private redis-server started for this file.
import { beforeAll } from 'vitest';
import { createLogger } from '../../gateway/index.js';
import { createRedisLimiterStore } from '../../gateway/limits/index.js';
import { freePorts, startRedis, track, useHarness, type TestRedis } from '../harness/index.js';
import { limiterSuite } from './limiter-suite.js';

useHarness();
const logger = createLogger({ level: 'silent' });
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
});

limiterSuite('redis', {
  shared: true,
  async create(prefix) {
    return track(
      await createRedisLimiterStore({ url: redis.url, keyPrefix: prefix, logger }),
      'limiter store',
    );
  },
  async createFailing(prefix) {
    // Nothing listens on that port: Redis is down from start-up on.
    const [port] = await freePorts(1);
    return track(
      await createRedisLimiterStore({
        url: `redis://127.0.0.1:${port}`,
        keyPrefix: prefix,
        logger,
        connectTimeoutMs: 200,
      }),
      'limiter store on a closed port',
    );
  },
});
