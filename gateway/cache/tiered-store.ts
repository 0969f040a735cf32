/**
 * Two tiers: this instance's memory store in front of the shared Redis
 * store. Reads try memory first and fill it from Redis; writes go to Redis,
 * then to memory; deletions go to Redis, then memory, then to every other
 * instance through the invalidation bus.
 *
 * How stale may a memory copy be? A copy lives at most `localTtlMs`
 * (never longer than in Redis). A deletion on another instance drops it as
 * soon as the message arrives. While the bus is not listening, memory is
 * cleared and neither read nor written, so a lost subscription costs Redis
 * round trips, not stale answers. A message lost without a disconnect is
 * covered by `localTtlMs` alone: that is the bound.
 *
 * The race a memory tier adds: a read fetches a value from Redis, a
 * deletion drops the key here, then the read's fill puts the old value
 * back. Every local deletion bumps `epoch`; a fill that started in an older
 * epoch is not written, and one that a deletion overtook while writing is
 * undone.
 */
import type { MemoryStore } from './memory-store.js';
import type { CacheStore, StoredValue, StoreWrite } from './store.js';

export interface TieredStoreOptions {
  readonly local: MemoryStore;
  readonly remote: CacheStore;
  /** Longest life of a memory copy, ms. */
  readonly localTtlMs: number;
  /** Is the invalidation bus listening? Until it is, memory is bypassed. */
  listening(): boolean;
  /** Tells the other instances to drop `keys` from memory. */
  publish(keys: readonly string[]): Promise<void>;
}

export interface TieredStore extends CacheStore {
  /** Another instance deleted `keys`: drop the memory copies. */
  dropLocal(keys: readonly string[]): void;
  /** Messages may have been lost: drop every memory copy. */
  clearLocal(): void;
  /** Keys (entries and tag versions) answered from memory since start-up. */
  readonly memoryHits: number;
  /** Keys other instances told this one to drop. */
  readonly keysDropped: number;
}

export function createTieredStore(options: TieredStoreOptions): TieredStore {
  const { local, remote } = options;
  let epoch = 0;
  let memoryHits = 0;
  let keysDropped = 0;

  async function fill(startedIn: number, writes: readonly StoreWrite[]): Promise<void> {
    const capped = writes
      .map((write) => ({ ...write, ttlMs: Math.min(write.ttlMs, options.localTtlMs) }))
      .filter((write) => write.ttlMs > 0);
    if (capped.length === 0 || startedIn !== epoch || !options.listening()) return;
    await local.setMany(capped);
    if (startedIn !== epoch) await local.deleteMany(capped.map((write) => write.key));
  }

  return {
    async getMany(keys) {
      if (!options.listening()) return remote.getMany(keys);
      const startedIn = epoch;
      const near = await local.getMany(keys);
      const missing = keys.flatMap((key, index) => (near[index] === undefined ? [index] : []));
      memoryHits += keys.length - missing.length;
      if (missing.length === 0) return near;
      const far = await remote.getMany(missing.map((index) => keys[index] as string));
      const answer: Array<StoredValue | undefined> = [...near];
      const now = Date.now();
      const writes: StoreWrite[] = [];
      missing.forEach((index, position) => {
        const found = far[position];
        answer[index] = found;
        if (found !== undefined)
          writes.push({
            key: keys[index] as string,
            value: found.value,
            ttlMs: found.expiresAt - now,
          });
      });
      await fill(startedIn, writes);
      return answer;
    },
    async setMany(writes) {
      const startedIn = epoch;
      await remote.setMany(writes);
      await fill(startedIn, writes);
    },
    async setIfAbsent(writes) {
      // Decided in Redis alone (the memory tier cannot see other instances'
      // writes); the memory tier then holds whatever won there.
      const startedIn = epoch;
      const held = await remote.setIfAbsent(writes);
      const fills: StoreWrite[] = [];
      writes.forEach((write, index) => {
        if (held[index] !== undefined) fills.push({ ...write, value: held[index] });
      });
      await fill(startedIn, fills);
      return held;
    },
    async deleteMany(keys) {
      let failure: unknown;
      // Redis first: an instance that drops its copy on our message and
      // reads again must find the key gone.
      await remote.deleteMany(keys).catch((error: unknown) => {
        failure = error;
      });
      epoch += 1;
      await local.deleteMany(keys);
      await options.publish(keys).catch((error: unknown) => {
        failure ??= error;
      });
      if (failure !== undefined) throw failure;
    },
    dropLocal(keys) {
      epoch += 1;
      keysDropped += keys.length;
      void local.deleteMany(keys);
    },
    clearLocal() {
      epoch += 1;
      void local.clear();
    },
    get memoryHits() {
      return memoryHits;
    },
    get keysDropped() {
      return keysDropped;
    },
    async close() {
      epoch += 1;
      await local.close();
    },
  };
}
