/**
 * The read cache over any CacheStore: entries, tickets and tag versions
 * (tag-versions.ts explains the design), and the promise that a failing
 * store is a miss. Every store call goes through `guard`, which turns a
 * rejection into the fallback answer, logs it (failure-log.ts) and counts it;
 * nothing here rejects towards the pipeline.
 */
import type { Logger } from '../logger.js';
import { createFailureLog } from './failure-log.js';
import type { CacheStore, StoreWrite } from './store.js';
import { parseStoredEntry, type StoredEntry } from './stored-entry.js';
import {
  TAG_VERSION_TTL_MS,
  asVersion,
  entryKey,
  newVersion,
  uniqueTags,
  versionKey,
} from './tag-versions.js';
import type { CacheEntry, CacheTicket, ReadCache, ReadCacheStats } from './types.js';

export interface ReadCacheOverOptions {
  readonly store: CacheStore;
  /** Names the store in logs, e.g. "memory" or "redis". */
  readonly storeName: string;
  readonly logger: Logger;
  /** Counters the store keeps itself (the memory tier's), merged into `stats()`. */
  readonly storeStats?: () => Pick<ReadCacheStats, 'memoryTierHits' | 'invalidationsReceived'>;
}

export function createReadCacheOver(options: ReadCacheOverOptions): ReadCache {
  const { store } = options;
  const failures = createFailureLog(options.logger, options.storeName);
  // The versions each ticket read, by tag. A WeakMap keeps tickets opaque
  // (the step cannot forge or edit versions) and lets unused ones be collected.
  const tickets = new WeakMap<CacheTicket, ReadonlyMap<string, string>>();
  const counts = { hits: 0, misses: 0, sets: 0, refused: 0 };
  let closed = false;

  async function guard<T>(operation: string, fallback: T, run: () => Promise<T>): Promise<T> {
    if (closed) return fallback;
    try {
      const result = await run();
      failures.succeeded();
      return result;
    } catch (error) {
      failures.failed(operation, error);
      return fallback;
    }
  }

  /** Current versions of `tags` (undefined: none). */
  async function currentVersions(
    tags: readonly string[],
  ): Promise<Map<string, string | undefined>> {
    const unique = uniqueTags(tags);
    const stored = unique.length === 0 ? [] : await store.getMany(unique.map(versionKey));
    return new Map(unique.map((tag, index) => [tag, asVersion(stored[index]?.value)]));
  }

  function isCurrent(
    stored: StoredEntry,
    versions: ReadonlyMap<string, string | undefined>,
  ): boolean {
    return stored.e.tags.every((tag, index) => versions.get(tag) === stored.v[index]);
  }

  return {
    async getMany(keys) {
      const answer = await guard(
        'getMany',
        keys.map((): CacheEntry | undefined => undefined),
        async () => {
          if (keys.length === 0) return [];
          const now = Date.now();
          const found = (await store.getMany(keys.map(entryKey))).map((item) => {
            const stored = item === undefined ? undefined : parseStoredEntry(item.value);
            return stored !== undefined && stored.e.staleUntil > now ? stored : undefined;
          });
          const versions = await currentVersions(found.flatMap((stored) => stored?.e.tags ?? []));
          return found.map((stored) =>
            stored !== undefined && isCurrent(stored, versions) ? stored.e : undefined,
          );
        },
      );
      for (const entry of answer) {
        if (entry === undefined) counts.misses += 1;
        else counts.hits += 1;
      }
      return answer;
    },

    async ticket(tags) {
      const ticket: CacheTicket = { tags: [...tags] };
      const versions = await guard('ticket', undefined, async () => {
        const current = await currentVersions(tags);
        const created: Array<StoreWrite & { tag: string }> = [];
        const read = new Map<string, string>();
        for (const [tag, version] of current) {
          if (version !== undefined) read.set(tag, version);
          else
            created.push({
              tag,
              key: versionKey(tag),
              value: newVersion(),
              ttlMs: TAG_VERSION_TTL_MS,
            });
        }
        if (created.length > 0) {
          // Set-if-absent, not set: another ticket (here or on another
          // instance on the same store) may be creating the same tag's
          // version right now. Whoever wrote first wins and every ticket
          // reads the winner, so entries stored with either ticket agree.
          // A version gone at once (invalidated meanwhile) gets our fresh
          // token, which matches nothing stored: the entry is refused.
          const held = await store.setIfAbsent(created);
          created.forEach(({ tag, value }, index) =>
            read.set(tag, asVersion(held[index]) ?? (value as string)),
          );
        }
        return read;
      });
      // A ticket whose versions could not be read stores nothing (setMany refuses it).
      if (versions !== undefined) tickets.set(ticket, versions);
      return ticket;
    },

    async setMany(entries) {
      const now = Date.now();
      const accepted = entries.filter(({ entry, ticket }) => {
        const read = tickets.get(ticket);
        return (
          read !== undefined && entry.staleUntil > now && entry.tags.every((tag) => read.has(tag))
        );
      });
      counts.refused += entries.length - accepted.length;
      if (accepted.length === 0) return;
      await guard('setMany', undefined, async () => {
        // Refuse now what a read would refuse later: an answer whose tags were
        // invalidated during its backend call is not worth a write.
        const current = await currentVersions(accepted.flatMap(({ entry }) => entry.tags));
        const writes: StoreWrite[] = [];
        for (const { key, entry, ticket } of accepted) {
          const read = tickets.get(ticket) as ReadonlyMap<string, string>;
          const v = entry.tags.map((tag) => read.get(tag) as string);
          if (entry.tags.some((tag, index) => current.get(tag) !== v[index])) {
            counts.refused += 1;
            continue;
          }
          const stored: StoredEntry = { e: entry, v };
          writes.push({ key: entryKey(key), value: stored, ttlMs: entry.staleUntil - now });
        }
        if (writes.length > 0) await store.setMany(writes);
        counts.sets += writes.length;
      });
    },

    async invalidateTags(tags) {
      const unique = uniqueTags(tags);
      if (unique.length > 0)
        await guard('invalidateTags', undefined, () => store.deleteMany(unique.map(versionKey)));
    },

    async deleteKeys(keys) {
      if (keys.length > 0)
        await guard('deleteKeys', undefined, () =>
          store.deleteMany([...new Set(keys)].map(entryKey)),
        );
    },

    stats() {
      return {
        ...counts,
        failures: failures.count,
        memoryTierHits: 0,
        invalidationsReceived: 0,
        ...options.storeStats?.(),
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      await store.close().catch((error: unknown) =>
        options.logger.warn('read cache store did not close cleanly', {
          store: options.storeName,
          error,
        }),
      );
    },
  };
}
