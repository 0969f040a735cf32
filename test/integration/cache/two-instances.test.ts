// Two gateway instances' read caches on one real Redis: shared entries,
// invalidations and deletions that reach the other instance's memory tier,
// and the bound on staleness when a pub/sub message is lost.
import { createClient } from '@keyv/redis';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createReadCache,
  type CacheEntry,
  type ReadCache,
  type ReadCacheOptions,
} from '../../../gateway/cache/index.js';
import { createLogger } from '../../../gateway/index.js';
import { startRedis, track, useHarness, type TestRedis } from '../../harness/index.js';

useHarness();
const logger = createLogger({ level: 'silent' });
let redis: TestRedis;
let raw: ReturnType<typeof createClient>;
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedis();
  raw = createClient({ url: redis.url });
  await raw.connect();
});
afterAll(async () => {
  if (raw?.isOpen) await raw.close();
});

/** Two instances on one Redis and one key prefix, as two gateways of one deployment. */
async function twoInstances(
  options: Partial<ReadCacheOptions> = {},
): Promise<{ a: ReadCache; b: ReadCache; prefix: string }> {
  prefixes += 1;
  const prefix = `two-${prefixes}:`;
  const make = async (name: string): Promise<ReadCache> =>
    track(
      await createReadCache({
        store: 'redis',
        redisUrl: redis.url,
        maxEntries: 100,
        maxBytes: 1024 * 1024,
        keyPrefix: prefix,
        logger,
        memoryTierTtlMs: 60_000,
        ...options,
      }),
      name,
    );
  return { a: await make('instance a'), b: await make('instance b'), prefix };
}

function entryOf(value: unknown, tags: readonly string[]): CacheEntry {
  const now = Date.now();
  return { value, storedAt: now, freshUntil: now + 60_000, staleUntil: now + 120_000, tags };
}

/** Polls (bounded) until `done()`; pub/sub delivery is asynchronous. */
async function eventually(done: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    if (done()) return;
    await sleep(10);
  }
  throw new Error(`never happened: ${what}`);
}

describe('two instances on one Redis', () => {
  it('share entries: one stores, the other reads it from Redis, then from its memory tier', async () => {
    const { a, b } = await twoInstances();
    await a.setMany([
      {
        key: 'price:SKU-1',
        entry: entryOf({ cents: 1999 }, ['Product:SKU-1']),
        ticket: await a.ticket(['Product:SKU-1']),
      },
    ]);
    const [first] = await b.getMany(['price:SKU-1']);
    expect(first?.value).toEqual({ cents: 1999 });
    expect(b.stats().memoryTierHits).toBe(0);
    const [second] = await b.getMany(['price:SKU-1']);
    expect(second?.value).toEqual({ cents: 1999 });
    expect(b.stats().memoryTierHits).toBe(2); // the entry and its tag's version
  });

  it("an invalidation on one instance hides the entry held in the other one's memory tier", async () => {
    const { a, b } = await twoInstances();
    await a.setMany([
      {
        key: 'stock:SKU-2',
        entry: entryOf(7, ['Product:SKU-2']),
        ticket: await a.ticket(['Product:SKU-2']),
      },
    ]);
    await b.getMany(['stock:SKU-2']); // into b's memory tier
    const hitsBefore = b.stats().memoryTierHits;
    expect((await b.getMany(['stock:SKU-2']))[0]?.value).toBe(7);
    expect(b.stats().memoryTierHits).toBe(hitsBefore + 2); // served from memory, not Redis

    await a.invalidateTags(['Product:SKU-2']);
    await eventually(() => b.stats().invalidationsReceived >= 1, 'b receives the invalidation');
    expect(await b.getMany(['stock:SKU-2'])).toEqual([undefined]);
    expect(await a.getMany(['stock:SKU-2'])).toEqual([undefined]);
  });

  it("a key deletion on one instance reaches the other one's memory tier", async () => {
    const { a, b } = await twoInstances();
    await a.setMany([
      { key: 'orders:C-1', entry: entryOf(['O-1'], []), ticket: await a.ticket([]) },
    ]);
    await b.getMany(['orders:C-1']);
    const hitsBefore = b.stats().memoryTierHits;
    await a.deleteKeys(['orders:C-1']);
    await eventually(() => b.stats().invalidationsReceived >= 1, 'b receives the deletion');
    expect(await b.getMany(['orders:C-1'])).toEqual([undefined]);
    expect(b.stats().memoryTierHits).toBe(hitsBefore); // the miss was not answered from memory
  });

  it('an instance ignores its own messages and malformed ones on the channel', async () => {
    const { a, b, prefix } = await twoInstances();
    await raw.publish(`${prefix}invalidations`, 'not json');
    await raw.publish(`${prefix}invalidations`, JSON.stringify({ from: 'someone', keys: [1, 2] }));
    await a.setMany([{ key: 'k', entry: entryOf('v', ['T:1']), ticket: await a.ticket(['T:1']) }]);
    await a.invalidateTags(['T:1']);
    await eventually(() => b.stats().invalidationsReceived >= 1, 'b receives the valid message');
    expect(a.stats().invalidationsReceived).toBe(0);
    expect(b.stats().invalidationsReceived).toBe(1); // one tag version key; the malformed messages dropped nothing
  });

  it('a lost message costs at most memoryTierTtlMs of staleness', async () => {
    const memoryTierTtlMs = 2_000;
    const { a, b, prefix } = await twoInstances({ memoryTierTtlMs });
    await a.setMany([
      {
        key: 'price:SKU-3',
        entry: entryOf(5, ['Product:SKU-3']),
        ticket: await a.ticket(['Product:SKU-3']),
      },
    ]);
    await b.getMany(['price:SKU-3']); // into b's memory tier
    // An invalidation whose message never arrives: the version goes, nobody publishes.
    await raw.del(`${prefix}t:Product:SKU-3`);
    const hitsBefore = b.stats().memoryTierHits;
    expect((await b.getMany(['price:SKU-3']))[0]?.value).toBe(5); // stale, from memory: the price of a lost message
    expect(b.stats().memoryTierHits).toBe(hitsBefore + 2);
    await sleep(memoryTierTtlMs + 200);
    expect(await b.getMany(['price:SKU-3'])).toEqual([undefined]);
    expect(b.stats().invalidationsReceived).toBe(0);
  });

  it('keeps what it stores in Redis under the key prefix, with TTLs', async () => {
    const { a, prefix } = await twoInstances();
    const entry = entryOf('v', ['Product:SKU-4']);
    await a.setMany([{ key: 'k', entry, ticket: await a.ticket(['Product:SKU-4']) }]);
    const entryTtl = await raw.pTTL(`${prefix}e:k`);
    expect(entryTtl).toBeGreaterThan(0);
    expect(entryTtl).toBeLessThanOrEqual(entry.staleUntil - entry.storedAt);
    const versionTtl = await raw.pTTL(`${prefix}t:Product:SKU-4`);
    expect(versionTtl).toBeGreaterThan(0);
    expect(versionTtl).toBeLessThanOrEqual(24 * 60 * 60 * 1000);
    expect(JSON.parse((await raw.get(`${prefix}e:k`)) as string).value.e).toEqual(entry);
  });

  it('a corrupt or foreign value under the prefix is a miss, not a failure', async () => {
    const { a, prefix } = await twoInstances();
    await raw.set(`${prefix}e:garbage`, 'not json at all', { PX: 60_000 });
    await raw.set(
      `${prefix}e:foreign`,
      JSON.stringify({ value: { something: 'else' }, expires: Date.now() + 60_000 }),
      { PX: 60_000 },
    );
    await raw.set(`${prefix}e:number`, '42', { PX: 60_000 });
    await a.setMany([{ key: 'good', entry: entryOf('good', []), ticket: await a.ticket([]) }]);
    const read = await a.getMany(['garbage', 'foreign', 'number', 'good']);
    expect(read.map((entry) => entry?.value)).toEqual([undefined, undefined, undefined, 'good']);
    expect(a.stats()).toMatchObject({ misses: 3, hits: 1, failures: 0 });
  });
  it('two instances reading a new tag at once agree on one version (SET NX): what each stores, both serve', async () => {
    const { a, b, prefix } = await twoInstances();
    // 10 new tags; each instance takes a ticket for every one at the same moment, as two gateways
    // answering the same product page would. Without set-if-absent, the later version write wins
    // and the other instance's answer is refused (or becomes a miss).
    const tags = Array.from({ length: 10 }, (_, index) => `Product:SKU-RACE-${index}`);
    const pairs = await Promise.all(
      tags.map((tag) => Promise.all([a.ticket([tag]), b.ticket([tag])])),
    );
    await Promise.all(
      pairs.map(([ticketA, ticketB], index) =>
        Promise.all([
          a.setMany([
            {
              key: `a:${index}`,
              entry: entryOf(`a${index}`, [tags[index] as string]),
              ticket: ticketA,
            },
          ]),
          b.setMany([
            {
              key: `b:${index}`,
              entry: entryOf(`b${index}`, [tags[index] as string]),
              ticket: ticketB,
            },
          ]),
        ]),
      ),
    );
    expect(a.stats()).toMatchObject({ sets: 10, refused: 0 });
    expect(b.stats()).toMatchObject({ sets: 10, refused: 0 });
    const keys = tags.flatMap((_, index) => [`a:${index}`, `b:${index}`]);
    const expected = tags.flatMap((_, index) => [`a${index}`, `b${index}`]);
    expect((await a.getMany(keys)).map((entry) => entry?.value)).toEqual(expected);
    expect((await b.getMany(keys)).map((entry) => entry?.value)).toEqual(expected);
    // One version per tag in Redis.
    expect(await raw.keys(`${prefix}t:Product:SKU-RACE-*`)).toHaveLength(10);
  });
});
