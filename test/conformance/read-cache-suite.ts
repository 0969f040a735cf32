/**
 * The read cache's conformance suite: what every store behind a ReadCache
 * must do, run by one small file per store (read-cache-memory.test.ts,
 * read-cache-redis.test.ts), the way Keyv's storage adapters each run
 * `@keyv/test-suite`. Tests assert outcomes and counts, never durations;
 * the TTL tests wait past a short TTL and check what is left.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type {
  CacheEntry,
  CacheStore,
  CacheTicket,
  ReadCache,
  ReadCacheOptions,
} from '../../gateway/cache/index.js';

export interface ReadCacheSubject {
  /** True when a shared store sits behind a memory tier (entries evicted from memory are still served). */
  readonly tiered: boolean;
  /**
   * A new cache on an empty store (or a fresh `keyPrefix` of a shared one);
   * the runner registers it for cleanup. Unset options take the suite's choice.
   */
  create(
    options?: Partial<Pick<ReadCacheOptions, 'maxEntries' | 'maxBytes' | 'keyPrefix'>>,
  ): Promise<ReadCache>;
  /** A cache whose store fails every operation (an engine that is down). */
  createFailing(): Promise<ReadCache>;
  /** The bare store the cache sits on (CacheStore, store.ts), empty; the runner registers it for cleanup. */
  createStore(): Promise<CacheStore>;
}

/** An entry fresh for `freshMs` and kept for `staleMs` more. */
export function entryOf(
  value: unknown,
  tags: readonly string[] = [],
  freshMs = 60_000,
  staleMs = 0,
): CacheEntry {
  const now = Date.now();
  return {
    value,
    storedAt: now,
    freshUntil: now + freshMs,
    staleUntil: now + freshMs + staleMs,
    tags,
  };
}

async function put(
  cache: ReadCache,
  key: string,
  entry: CacheEntry,
  ticket?: CacheTicket,
): Promise<void> {
  await cache.setMany([{ key, entry, ticket: ticket ?? (await cache.ticket(entry.tags)) }]);
}

async function one(cache: ReadCache, key: string): Promise<CacheEntry | undefined> {
  const [entry] = await cache.getMany([key]);
  return entry;
}

export function readCacheSuite(name: string, subject: ReadCacheSubject): void {
  describe(`read cache conformance: ${name}`, () => {
    describe('values', () => {
      it('returns what was stored, JSON values of every kind, as a copy', async () => {
        const cache = await subject.create();
        const value = {
          title: 'Ærø café ☕ 𝄞',
          colon: ':base64:not-a-buffer',
          doubleColon: '::x',
          numbers: [0, -1.5, 1e21, Number.MAX_SAFE_INTEGER],
          flags: [true, false],
          nested: { list: [{ a: null }, [], {}], empty: '' },
        };
        const entry: CacheEntry = {
          ...entryOf(value, ['Product:SKU-1']),
          http: { v: 1, resh: { etag: '"abc"' } },
        };
        await put(cache, 'storefront:getProduct:{"sku":"SKU-1"}', entry);
        const read = await one(cache, 'storefront:getProduct:{"sku":"SKU-1"}');
        expect(read).toEqual(entry);
        (read?.value as { title: string }).title = 'changed by a caller';
        expect((await one(cache, 'storefront:getProduct:{"sku":"SKU-1"}'))?.value).toEqual(value);
      });

      it('keeps a cached "not found" (null value, notFound: true) apart from a miss', async () => {
        const cache = await subject.create();
        const notFound: CacheEntry = { ...entryOf(null, ['Product:SKU-404']), notFound: true };
        await put(cache, 'missing', notFound);
        expect(await cache.getMany(['missing', 'never-stored'])).toEqual([notFound, undefined]);
      });

      it('answers getMany in the order and length of its keys, with undefined for misses and repeats kept', async () => {
        const cache = await subject.create();
        const first = entryOf({ n: 1 });
        const third = entryOf({ n: 3 });
        await cache.setMany([
          { key: 'k1', entry: first, ticket: await cache.ticket([]) },
          { key: 'k3', entry: third, ticket: await cache.ticket([]) },
        ]);
        expect(await cache.getMany(['k3', 'k2', 'k1', 'k3'])).toEqual([
          third,
          undefined,
          first,
          third,
        ]);
        expect(await cache.getMany([])).toEqual([]);
      });

      it('deleteKeys drops exactly those keys', async () => {
        const cache = await subject.create();
        await put(cache, 'a', entryOf('a'));
        await put(cache, 'b', entryOf('b'));
        await cache.deleteKeys(['a', 'not-there']);
        expect((await cache.getMany(['a', 'b'])).map((entry) => entry?.value)).toEqual([
          undefined,
          'b',
        ]);
      });
    });

    describe('expiry', () => {
      it('drops an entry after its staleUntil and keeps the others', async () => {
        const cache = await subject.create();
        await put(cache, 'short', entryOf('short', [], 60, 40)); // gone 100 ms from now
        await put(cache, 'long', entryOf('long', [], 60_000));
        await sleep(250);
        expect((await cache.getMany(['short', 'long'])).map((entry) => entry?.value)).toEqual([
          undefined,
          'long',
        ]);
      });

      it('serves an entry past freshUntil until staleUntil (the step decides how to use it)', async () => {
        const cache = await subject.create();
        const now = Date.now();
        const stale: CacheEntry = {
          value: 'stale',
          storedAt: now - 10_000,
          freshUntil: now - 5_000,
          staleUntil: now + 60_000,
          tags: [],
        };
        await put(cache, 'stale', stale);
        expect(await one(cache, 'stale')).toEqual(stale);
      });

      it('refuses an entry that is already past staleUntil', async () => {
        const cache = await subject.create();
        const now = Date.now();
        await put(cache, 'dead', {
          value: 'dead',
          storedAt: now - 2_000,
          freshUntil: now - 1_000,
          staleUntil: now - 1,
          tags: [],
        });
        expect(await one(cache, 'dead')).toBeUndefined();
        expect(cache.stats().refused).toBe(1);
        expect(cache.stats().sets).toBe(0);
      });
    });

    describe('tags', () => {
      it('invalidating a tag hides every entry with it and no other', async () => {
        const cache = await subject.create();
        await put(cache, 'price', entryOf(1, ['Product:SKU-1']));
        await put(cache, 'stock', entryOf(2, ['Product:SKU-1', 'Warehouse:W1']));
        await put(cache, 'other', entryOf(3, ['Product:SKU-2']));
        await put(cache, 'untagged', entryOf(4));
        await cache.invalidateTags(['Product:SKU-1', 'Customer:never-used']);
        expect(
          (await cache.getMany(['price', 'stock', 'other', 'untagged'])).map(
            (entry) => entry?.value,
          ),
        ).toEqual([undefined, undefined, 3, 4]);
      });

      it('stores again after an invalidation with a ticket taken after it', async () => {
        const cache = await subject.create();
        await put(cache, 'price', entryOf('old', ['Product:SKU-1']));
        await cache.invalidateTags(['Product:SKU-1']);
        await put(cache, 'price', entryOf('new', ['Product:SKU-1']));
        expect((await one(cache, 'price'))?.value).toBe('new');
      });

      it('ticket race: an invalidation between ticket and setMany makes the answer unstorable', async () => {
        const cache = await subject.create();
        const ticket = await cache.ticket(['Product:SKU-1', 'Product:SKU-2']);
        await cache.invalidateTags(['Product:SKU-2']); // the write lands while the backend answers
        await cache.setMany([
          { key: 'both', entry: entryOf('both', ['Product:SKU-1', 'Product:SKU-2']), ticket },
          { key: 'first', entry: entryOf('first', ['Product:SKU-1']), ticket },
        ]);
        expect((await cache.getMany(['both', 'first'])).map((entry) => entry?.value)).toEqual([
          undefined,
          'first',
        ]);
        expect(cache.stats().refused).toBe(1);
        expect(cache.stats().sets).toBe(1);
      });

      it('an invalidation after setMany hides what that ticket stored', async () => {
        const cache = await subject.create();
        const ticket = await cache.ticket(['Order:O-1']);
        await cache.setMany([{ key: 'order', entry: entryOf('order', ['Order:O-1']), ticket }]);
        await cache.invalidateTags(['Order:O-1']);
        await cache.setMany([
          { key: 'order-again', entry: entryOf('again', ['Order:O-1']), ticket },
        ]);
        expect(await cache.getMany(['order', 'order-again'])).toEqual([undefined, undefined]);
      });

      it('refuses a ticket from another cache and tags the ticket did not read', async () => {
        const cache = await subject.create();
        const other = await subject.create();
        const foreign = await other.ticket(['Product:SKU-1']);
        const narrow = await cache.ticket(['Product:SKU-1']);
        await cache.setMany([
          { key: 'foreign', entry: entryOf('x', ['Product:SKU-1']), ticket: foreign },
          { key: 'wider', entry: entryOf('y', ['Product:SKU-1', 'Product:SKU-9']), ticket: narrow },
          { key: 'forged', entry: entryOf('z', []), ticket: { tags: [] } },
        ]);
        expect(await cache.getMany(['foreign', 'wider', 'forged'])).toEqual([
          undefined,
          undefined,
          undefined,
        ]);
        expect(cache.stats().refused).toBe(3);
      });
    });

    describe('the store contract: setIfAbsent', () => {
      it('writes an absent key and answers its value; a present key keeps its value and answers it', async () => {
        const store = await subject.createStore();
        expect(await store.setIfAbsent([{ key: 't:new', value: 'first', ttlMs: 60_000 }])).toEqual([
          'first',
        ]);
        await store.setMany([{ key: 't:held', value: 'held', ttlMs: 60_000 }]);
        expect(
          await store.setIfAbsent([
            { key: 't:new', value: 'second', ttlMs: 60_000 },
            { key: 't:held', value: 'other', ttlMs: 60_000 },
          ]),
        ).toEqual(['first', 'held']);
        expect((await store.getMany(['t:new', 't:held'])).map((stored) => stored?.value)).toEqual([
          'first',
          'held',
        ]);
      });

      it('treats an expired value as absent, and what it writes expires', async () => {
        const store = await subject.createStore();
        await store.setMany([{ key: 't:old', value: 'old', ttlMs: 50 }]);
        await sleep(200);
        expect(await store.setIfAbsent([{ key: 't:old', value: 'new', ttlMs: 50 }])).toEqual([
          'new',
        ]);
        await sleep(200);
        expect(await store.getMany(['t:old'])).toEqual([undefined]);
      });

      it('of many writers racing on one key, one wins and every writer is told the same value', async () => {
        const store = await subject.createStore();
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, writer) =>
            store.setIfAbsent([{ key: 't:raced', value: `writer-${writer}`, ttlMs: 60_000 }]),
          ),
        );
        const winners = new Set(answers.map(([value]) => value));
        expect(winners.size).toBe(1);
        expect((await store.getMany(['t:raced']))[0]?.value).toBe([...winners][0]);
      });
    });

    describe('tickets taken at once', () => {
      it("agree on a new tag's version, so entries stored with each are all served", async () => {
        const cache = await subject.create();
        const tags = ['Product:SKU-NEW-1', 'Product:SKU-NEW-2'];
        // Not serialised (cache-tickets.ts is the pipeline's, not the cache's): every ticket sees no version yet.
        const tickets = await Promise.all(Array.from({ length: 8 }, () => cache.ticket(tags)));
        await cache.setMany(
          tickets.map((ticket, index) => ({
            key: `k${index}`,
            entry: entryOf(index, tags),
            ticket,
          })),
        );
        expect(cache.stats().refused).toBe(0);
        expect(cache.stats().sets).toBe(8);
        expect(
          (await cache.getMany(tickets.map((_, index) => `k${index}`))).map(
            (entry) => entry?.value,
          ),
        ).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      });
    });

    describe('isolation', () => {
      it('two caches with different key prefixes share nothing', async () => {
        const left = await subject.create({ keyPrefix: `left-${Math.random()}:` });
        const right = await subject.create({ keyPrefix: `right-${Math.random()}:` });
        await put(left, 'k', entryOf('left', ['Product:SKU-1']));
        await put(right, 'k', entryOf('right', ['Product:SKU-1']));
        await left.invalidateTags(['Product:SKU-1']);
        await left.deleteKeys(['k']);
        expect(await one(left, 'k')).toBeUndefined();
        expect((await one(right, 'k'))?.value).toBe('right');
      });
    });

    describe('bounds of the memory tier', () => {
      it('holds at most maxEntries, dropping the least recently used', async () => {
        const cache = await subject.create({ maxEntries: 3 });
        for (const key of ['k1', 'k2', 'k3']) await put(cache, key, entryOf(key));
        await one(cache, 'k1'); // k1 is now more recent than k2
        const before = cache.stats().memoryTierHits;
        await put(cache, 'k4', entryOf('k4'));
        await put(cache, 'k5', entryOf('k5'));
        const read = (await cache.getMany(['k1', 'k2', 'k3', 'k4', 'k5'])).map(
          (entry) => entry?.value,
        );
        if (subject.tiered) {
          expect(read).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']); // Redis still has all of them
          expect(cache.stats().memoryTierHits - before).toBe(3); // k1, k4, k5 from memory
        } else {
          expect(read).toEqual(['k1', undefined, undefined, 'k4', 'k5']);
        }
      });

      it('holds at most maxBytes of JSON, and never a value larger than that', async () => {
        const cache = await subject.create({ maxBytes: 2_000 });
        const big = 'x'.repeat(600); // each entry is ~700 bytes stored: two fit, three do not
        for (const key of ['b1', 'b2', 'b3', 'b4']) await put(cache, key, entryOf(`${key}${big}`));
        await put(cache, 'huge', entryOf('y'.repeat(5_000)));
        const before = cache.stats().memoryTierHits;
        const read = (await cache.getMany(['b1', 'b2', 'b3', 'b4', 'huge'])).map((entry) =>
          entry === undefined ? undefined : String(entry.value).slice(0, 2),
        );
        if (subject.tiered) {
          expect(read).toEqual(['b1', 'b2', 'b3', 'b4', 'yy']);
          expect(cache.stats().memoryTierHits - before).toBe(2); // b3, b4
        } else {
          expect(read).toEqual([undefined, undefined, 'b3', 'b4', undefined]);
        }
      });
    });

    describe('a failing store', () => {
      it('is a miss, never a rejection, and every failure is counted', async () => {
        const cache = await subject.createFailing();
        const ticket = await cache.ticket(['Product:SKU-1']);
        await expect(
          cache.setMany([{ key: 'k', entry: entryOf('v', ['Product:SKU-1']), ticket }]),
        ).resolves.toBeUndefined();
        await expect(cache.getMany(['k', 'j'])).resolves.toEqual([undefined, undefined]);
        await expect(cache.invalidateTags(['Product:SKU-1'])).resolves.toBeUndefined();
        await expect(cache.deleteKeys(['k'])).resolves.toBeUndefined();
        const stats = cache.stats();
        expect(stats.failures).toBeGreaterThanOrEqual(4); // ticket, getMany, invalidateTags, deleteKeys
        expect(stats.hits).toBe(0);
        expect(stats.misses).toBe(2);
      });

      it('answers misses after close, and close can be called twice', async () => {
        const cache = await subject.create();
        await put(cache, 'k', entryOf('v'));
        await cache.close();
        await cache.close();
        await expect(cache.getMany(['k'])).resolves.toEqual([undefined]);
        await expect(cache.ticket(['t'])).resolves.toEqual({ tags: ['t'] });
      });
    });
  });
}
