/**
 * The store contract: the few operations the read cache needs of a
 * key-value engine. Every engine (memory, Redis, the two tiers together)
 * implements it and runs the one conformance suite
 * (test/conformance/read-cache-suite.ts), as Keyv's storage adapters run
 * `@keyv/test-suite`.
 *
 * The contract is deliberately tiny (get many, set many, set if absent,
 * delete many) so that tag invalidation needs nothing more: a tag's version
 * is one more key (see tag-versions.ts), created with `setIfAbsent` so that
 * two instances creating it at once agree on one. Stores reject on failure; the read cache above them
 * turns every failure into a miss, logs it and counts it, in one place.
 */

/** A value as a store hands it back. */
export interface StoredValue {
  /** The value as it was set, after a JSON round trip (a fresh copy on every read). */
  readonly value: unknown;
  /** When the store drops it, ms since the epoch. */
  readonly expiresAt: number;
}

/** One value to store. */
export interface StoreWrite {
  readonly key: string;
  /** JSON-serialisable. */
  readonly value: unknown;
  /** Time to live in ms, > 0; the store drops the value after it. */
  readonly ttlMs: number;
}

export interface CacheStore {
  /**
   * Values by key, in the order and length of `keys`; undefined for a key
   * that is absent or expired. Rejects when the engine fails.
   */
  getMany(keys: readonly string[]): Promise<Array<StoredValue | undefined>>;
  /** Stores every value with its TTL (ms). Rejects when the engine fails; some values may then be stored. */
  setMany(writes: readonly StoreWrite[]): Promise<void>;
  /**
   * Stores each value only when its key holds none (Redis `SET NX`), and
   * answers, in the order and length of `writes`, the value each key holds
   * afterwards: the one just written, or the one another writer stored
   * first (an expired value counts as none). Atomic per key: of many
   * writers racing on one key, on one instance or several sharing the
   * engine, exactly one value wins and every writer is told which.
   * `undefined` where the key vanished in between (deleted or evicted at
   * once): the caller must then assume nothing. Rejects when the engine fails.
   */
  setIfAbsent(writes: readonly StoreWrite[]): Promise<unknown[]>;
  /**
   * Deletes the keys. With several tiers, from every tier of every instance
   * (see tiered-store.ts). Deleting an absent key is not an error. Rejects
   * when the engine fails.
   */
  deleteMany(keys: readonly string[]): Promise<void>;
  /** Releases connections and timers. Safe to call twice. */
  close(): Promise<void>;
}
