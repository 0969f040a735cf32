/**
 * Takes the read cache's tickets one at a time per tag, within this process.
 *
 * The storefront, erp and billing reads of one product start together and
 * all carry the tag `Product:<sku>`. A tag seen for the first time gets its
 * version when a ticket is taken. The store creates it with set-if-absent
 * (store.ts), so tickets taken at once, here or on other instances, agree on
 * one version whatever the order; within this process, waiting for a ticket
 * in flight on the same tags also saves the others a round trip to the
 * store (they read the version the first created). Hand-written: a chain of
 * promises per tag.
 */
import type { CacheTicket, ReadCache } from '../cache/index.js';

export function serializeTickets(cache: ReadCache): ReadCache {
  const last = new Map<string, Promise<unknown>>();
  return {
    getMany: (keys) => cache.getMany(keys),
    async ticket(tags) {
      const unique = [...new Set(tags)];
      const before = unique.flatMap((tag) => last.get(tag) ?? []);
      const taken: Promise<CacheTicket> = Promise.all(before).then(() => cache.ticket(tags));
      for (const tag of unique) last.set(tag, taken);
      try {
        return await taken;
      } finally {
        for (const tag of unique) if (last.get(tag) === taken) last.delete(tag);
      }
    },
    setMany: (entries) => cache.setMany(entries),
    invalidateTags: (tags) => cache.invalidateTags(tags),
    deleteKeys: (keys) => cache.deleteKeys(keys),
    stats: () => cache.stats(),
    close: () => cache.close(),
  };
}
