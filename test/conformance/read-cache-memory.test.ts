// The read cache's conformance suite on the embedded store (Keyv over a bounded LRU).
import {
  createMemoryStore,
  createReadCache,
  createReadCacheOver,
  type CacheStore,
} from '../../gateway/cache/index.js';
import { createLogger } from '../../gateway/index.js';
import { readCacheSuite } from './read-cache-suite.js';

const logger = createLogger({ level: 'silent' });

/** A store whose engine is down: every operation rejects, as a real outage would. */
const downStore: CacheStore = {
  getMany: () => Promise.reject(new Error('engine down')),
  setMany: () => Promise.reject(new Error('engine down')),
  setIfAbsent: () => Promise.reject(new Error('engine down')),
  deleteMany: () => Promise.reject(new Error('engine down')),
  close: () => Promise.resolve(),
};

readCacheSuite('memory', {
  tiered: false,
  create: (options = {}) =>
    createReadCache({
      store: 'memory',
      maxEntries: 1_000,
      maxBytes: 1024 * 1024,
      keyPrefix: 'test:',
      logger,
      ...options,
    }),
  createFailing: async () => createReadCacheOver({ store: downStore, storeName: 'down', logger }),
  createStore: async () => createMemoryStore({ maxEntries: 1_000, maxBytes: 1024 * 1024 }),
});
