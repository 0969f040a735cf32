/**
 * The shared limiter store: counters in Redis (rate-limiter-flexible's
 * RateLimiterRedis on node-redis, the client @keyv/redis brings), so every
 * gateway instance on one Redis counts against the same window.
 *
 * Redis away: each counter falls back to an in-process one (the library's
 * insurance limiter), so requests are still limited, per instance, and
 * never fail or hang because the counter store is down. The client has no
 * offline queue and reconnects in the background.
 */
import { createClient } from '@keyv/redis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { decide, wholePoints } from './decision.js';
import type { LimiterStore, LimitCounter, LimitPolicy } from './store.js';

export interface RedisLimiterStoreOptions {
  /** e.g. "redis://127.0.0.1:6379". */
  readonly url: string;
  /** Prefix of every counter key, e.g. "switchboard:rl:". */
  readonly keyPrefix: string;
  readonly logger: Logger;
  /** How long start-up waits for Redis before going on with the fallback. @default 2000 */
  readonly connectTimeoutMs?: number;
}

function target(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return '(invalid url)';
  }
}

export async function createRedisLimiterStore(
  options: RedisLimiterStoreOptions,
): Promise<LimiterStore> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      reconnectStrategy: (retries: number) =>
        Math.min(100 * 2 ** retries, 2_000) + Math.floor(Math.random() * 100),
    },
    commandOptions: { timeout: 1_000 },
  });
  let down = false;
  client.on('error', (error: unknown) => {
    // One line per outage, not one per reconnect attempt; never the URL's credentials.
    if (down) return;
    down = true;
    options.logger.warn('rate limits: redis unreachable; counting per instance until it is back', {
      redis: target(options.url),
      error: error instanceof Error ? error.message : String(error),
    });
  });
  client.on('ready', () => {
    down = false;
  });
  const timer = new AbortController();
  const ready = await Promise.race([
    client.connect().then(
      () => true,
      () => false,
    ),
    sleep(connectTimeoutMs, false, { signal: timer.signal }).catch(() => false),
  ]);
  timer.abort();
  if (!ready)
    options.logger.warn(
      'rate limits: redis did not answer at start-up; counting per instance until it does',
      { redis: target(options.url) },
    );

  let closing: Promise<void> | undefined;
  return {
    kind: 'redis',
    counter(policy: LimitPolicy): LimitCounter {
      const shape = {
        keyPrefix: `${options.keyPrefix}${policy.name}`,
        points: policy.points,
        duration: policy.windowSeconds,
      };
      const limiter = new RateLimiterRedis({
        ...shape,
        storeClient: client,
        useRedisPackage: true,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(shape),
      });
      return {
        policy,
        consume: (key, points) => decide(policy, limiter.consume(key, wholePoints(points))),
      };
    },
    close() {
      closing ??= (async () => {
        if (!client.isOpen) return;
        if (!client.isReady) {
          client.destroy();
          return;
        }
        await client.close().catch(() => client.destroy());
      })();
      return closing;
    },
  };
}
