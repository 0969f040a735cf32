// A Redis that goes away, hangs or was never there: the read cache answers
// misses, never rejects, never hangs, logs without flooding and without the
// URL's password, and works again when Redis is back.
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReadCache, type CacheEntry, type ReadCache } from '../../../gateway/cache/index.js';
import { createLogger } from '../../../gateway/index.js';
import { freePorts, startRedis, track, useHarness, type TestRedis } from '../../harness/index.js';

useHarness();
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
});

function entryOf(value: unknown, tags: readonly string[] = []): CacheEntry {
  const now = Date.now();
  return { value, storedAt: now, freshUntil: now + 60_000, staleUntil: now + 60_000, tags };
}

function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }) };
}

async function roundTrip(cache: ReadCache, key: string): Promise<unknown> {
  await cache.setMany([{ key, entry: entryOf(key, ['T:1']), ticket: await cache.ticket(['T:1']) }]);
  return (await cache.getMany([key]))[0]?.value;
}

describe('read cache on a Redis that fails', () => {
  it("Redis stopping after start-up: misses (not the memory tier's copies), no rejection, then works again when it is back", async () => {
    const cache = track(
      await createReadCache({
        store: 'redis',
        redisUrl: redis.url,
        maxEntries: 100,
        maxBytes: 1 << 20,
        keyPrefix: 'outage:',
        logger: createLogger({ level: 'silent' }),
      }),
      'cache',
    );
    expect(await roundTrip(cache, 'before')).toBe('before');
    expect((await cache.getMany(['before']))[0]?.value).toBe('before'); // memory tier has it

    await redis.stop();
    // The subscription is gone: messages may be lost, so memory is not trusted.
    for (
      let attempt = 0;
      attempt < 500 && (await cache.getMany(['before']))[0] !== undefined;
      attempt += 1
    )
      await sleep(10);
    expect(await cache.getMany(['before'])).toEqual([undefined]);
    await expect(roundTrip(cache, 'during')).resolves.toBeUndefined();
    await expect(cache.invalidateTags(['T:1'])).resolves.toBeUndefined();
    await expect(cache.deleteKeys(['before'])).resolves.toBeUndefined();
    expect(cache.stats().failures).toBeGreaterThan(0);

    await redis.restart();
    let value: unknown;
    for (let attempt = 0; attempt < 500 && value === undefined; attempt += 1) {
      await sleep(20);
      value = await roundTrip(cache, 'after');
    }
    expect(value).toBe('after');
  });

  it('a hung Redis (SIGSTOP) is a miss after operationTimeoutMs, not a stuck request', async () => {
    const cache = track(
      await createReadCache({
        store: 'redis',
        redisUrl: redis.url,
        maxEntries: 100,
        maxBytes: 1 << 20,
        keyPrefix: 'hung:',
        logger: createLogger({ level: 'silent' }),
        operationTimeoutMs: 200,
      }),
      'cache',
    );
    const pid = redis.pid;
    process.kill(pid, 'SIGSTOP');
    try {
      await expect(cache.getMany(['a', 'b'])).resolves.toEqual([undefined, undefined]);
      await expect(cache.ticket(['T:1'])).resolves.toEqual({ tags: ['T:1'] });
      expect(cache.stats().failures).toBe(2);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('Redis absent at start-up: createReadCache resolves, serves misses, logs the outage without flooding and never the password', async () => {
    const { lines, logger } = capture();
    const [port] = await freePorts(1);
    const cache = track(
      await createReadCache({
        store: 'redis',
        redisUrl: `redis://switchboard:s3cr3t-pw@127.0.0.1:${port}`,
        maxEntries: 100,
        maxBytes: 1 << 20,
        keyPrefix: 'absent:',
        logger,
        connectTimeoutMs: 200,
      }),
      'cache',
    );
    for (let request = 0; request < 50; request += 1) {
      expect(await cache.getMany(['k'])).toEqual([undefined]);
    }
    expect(cache.stats()).toMatchObject({ misses: 50, failures: 50, hits: 0 });
    const warnings = lines.filter((line) => line.includes('"level":"warn"'));
    expect(warnings.some((line) => line.includes('did not answer at start-up'))).toBe(true);
    expect(warnings.filter((line) => line.includes('"operation":"getMany"'))).toHaveLength(1);
    expect(lines.join('\n')).not.toContain('s3cr3t-pw');
  });
});
