/**
 * The embedded store: Keyv over a bounded LRU (lru-cache), for one process.
 * It is the whole cache with store "memory" and the memory tier in front of
 * Redis otherwise.
 *
 * Values are kept as JSON strings, not objects: the byte bound then measures
 * what is really held (the JSON length, as Redis would store it), and every
 * read returns a fresh copy, so no caller can change what another one reads.
 * lru-cache does the bounds (evicting the least recently used values first)
 * and the expiry; Keyv checks its own `expires` beside the value too.
 */
import { Keyv, type DeserializedData, type Deserialize } from 'keyv';
import { LRUCache } from 'lru-cache';
import type { CacheStore, StoredValue, StoreWrite } from './store.js';

export interface MemoryStoreOptions {
  /** Most values held at once; the least recently used go first. */
  readonly maxEntries: number;
  /** Most bytes held at once (key + JSON length, in UTF-16 code units); a single larger value is not stored. */
  readonly maxBytes: number;
}

/** The memory store, plus what the tiered store needs of its front tier. */
export interface MemoryStore extends CacheStore {
  /** Drops every value (after the invalidation channel was down and messages may be lost). */
  clear(): Promise<void>;
}

/**
 * Text that is not JSON (a corrupt or foreign value under our prefix) reads
 * as absent: Keyv does not catch a deserialiser's throw, and one bad value
 * would otherwise fail every getMany that includes its key.
 */
const parseOrAbsent: Deserialize = <Value>(text: string): DeserializedData<Value> | undefined => {
  try {
    return JSON.parse(text) as DeserializedData<Value>;
  } catch {
    return undefined;
  }
};

/**
 * Keyv's options for a store that our own code prefixes and serialises:
 * no namespace (the caller prefixes keys), plain JSON (our values hold no
 * Buffers, and native JSON is faster than Keyv's escaping serialiser), and
 * failures thrown rather than only emitted, so the read cache sees each one.
 */
export const KEYV_OPTIONS = {
  namespace: undefined,
  useKeyPrefix: false,
  serialize: JSON.stringify,
  deserialize: parseOrAbsent,
  throwOnErrors: true,
} as const;

/** Keyv's raw rows → the store contract's values. */
export function toStoredValues(
  rows: ReadonlyArray<{ value?: unknown; expires?: number | null } | undefined>,
): Array<StoredValue | undefined> {
  return rows.map((row) =>
    typeof row !== 'object' || row === null
      ? undefined
      : {
          value: row.value,
          expiresAt: typeof row.expires === 'number' ? row.expires : Number.POSITIVE_INFINITY,
        },
  );
}

/** Keyv wants whole milliseconds; a TTL below 1 ms would mean "forever" to it. */
export function toKeyvEntries(
  writes: readonly StoreWrite[],
): Array<{ key: string; value: unknown; ttl: number }> {
  return writes
    .filter((write) => write.ttlMs > 0)
    .map((write) => ({
      key: write.key,
      value: write.value,
      ttl: Math.max(1, Math.ceil(write.ttlMs)),
    }));
}

/**
 * Keyv calls `store.set(key, value, ttlMs)`, while lru-cache's third
 * argument is an options object (a number there throws), so the LRU is
 * handed to Keyv through this Map-like adapter, which also lets lru-cache
 * expire values itself.
 */
function keyvAdapterOf(lru: LRUCache<string, string>) {
  return {
    get: (key: string): string | undefined => lru.get(key),
    set: (key: string, value: string, ttl?: number): boolean => {
      lru.set(key, value, ttl === undefined ? {} : { ttl });
      return true;
    },
    delete: (key: string): boolean => lru.delete(key),
    clear: (): void => lru.clear(),
  };
}

export function createMemoryStore(options: MemoryStoreOptions): MemoryStore {
  const lru = new LRUCache<string, string>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    sizeCalculation: (value, key) => Math.max(1, value.length + key.length),
  });
  const keyv = new Keyv({ store: keyvAdapterOf(lru), ...KEYV_OPTIONS });
  return {
    async getMany(keys) {
      if (keys.length === 0) return [];
      return toStoredValues(await keyv.getManyRaw([...keys]));
    },
    async setMany(writes) {
      const entries = toKeyvEntries(writes);
      if (entries.length > 0) await keyv.setMany(entries);
    },
    async setIfAbsent(writes) {
      // Synchronously on the LRU (no await between the look and the write),
      // so it is atomic within the process: JavaScript runs one call at a
      // time. Written in Keyv's own envelope, so getMany reads it like every other.
      const now = Date.now();
      return writes.map((write) => {
        const held = lru.get(write.key);
        const current =
          held === undefined
            ? undefined
            : (parseOrAbsent(held) as { value?: unknown; expires?: unknown } | undefined);
        if (
          current !== undefined &&
          current !== null &&
          typeof current === 'object' &&
          (typeof current.expires !== 'number' || current.expires > now)
        )
          return current.value;
        if (write.ttlMs <= 0) return undefined;
        const ttl = Math.max(1, Math.ceil(write.ttlMs));
        lru.set(write.key, JSON.stringify({ value: write.value, expires: now + ttl }), { ttl });
        // A value larger than maxBytes is not kept: the key stays empty.
        return lru.has(write.key) ? write.value : undefined;
      });
    },
    async deleteMany(keys) {
      if (keys.length > 0) await keyv.deleteMany([...keys]);
    },
    async clear() {
      await keyv.clear();
    },
    async close() {
      lru.clear();
    },
  };
}
