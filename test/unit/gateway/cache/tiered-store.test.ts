// The memory tier's race with deletions, on two real memory stores; the far
// one's reads can be held, as a slow Redis would hold them.
import { describe, expect, it } from 'vitest';
import { createMemoryStore, type CacheStore } from '../../../../gateway/cache/index.js';
import { createTieredStore } from '../../../../gateway/cache/tiered-store.js';

function heldStore(): { store: CacheStore; hold(): void; release(): void } {
  const inner = createMemoryStore({ maxEntries: 100, maxBytes: 1 << 20 });
  let gate: Promise<void> | undefined;
  let open = (): void => {};
  return {
    store: {
      async getMany(keys) {
        const values = await inner.getMany(keys); // read now, answer when released
        await gate;
        return values;
      },
      setMany: (writes) => inner.setMany(writes),
      setIfAbsent: (writes) => inner.setIfAbsent(writes),
      deleteMany: (keys) => inner.deleteMany(keys),
      close: () => inner.close(),
    },
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      open();
      gate = undefined;
    },
  };
}

function tiers(remote: CacheStore, listening = () => true) {
  const local = createMemoryStore({ maxEntries: 100, maxBytes: 1 << 20 });
  const published: string[][] = [];
  const tiered = createTieredStore({
    local,
    remote,
    localTtlMs: 60_000,
    listening,
    publish: async (keys) => void published.push([...keys]),
  });
  return { local, tiered, published };
}

describe('tiered store: memory in front of a shared store', () => {
  it('a read that fetched the old value does not put it back after another instance deleted the key', async () => {
    const far = heldStore();
    await far.store.setMany([{ key: 'k', value: 'old', ttlMs: 60_000 }]);
    const { local, tiered } = tiers(far.store);
    far.hold();
    const reading = tiered.getMany(['k']);
    await new Promise((resolve) => setImmediate(resolve)); // the far read has happened
    await far.store.deleteMany(['k']); // another instance deletes in Redis...
    tiered.dropLocal(['k']); // ...and its message arrives here
    far.release();
    expect((await reading)[0]?.value).toBe('old'); // this read started before the deletion
    expect(await local.getMany(['k'])).toEqual([undefined]); // but memory does not keep it
    expect((await tiered.getMany(['k']))[0]).toBeUndefined();
    expect(tiered.keysDropped).toBe(1);
  });

  it('deletes in the shared store, then in memory, then tells the other instances', async () => {
    const far = heldStore();
    const { local, tiered, published } = tiers(far.store);
    await tiered.setMany([{ key: 'k', value: 'v', ttlMs: 60_000 }]);
    expect((await local.getMany(['k']))[0]?.value).toBe('v');
    await tiered.deleteMany(['k']);
    expect(await far.store.getMany(['k'])).toEqual([undefined]);
    expect(await local.getMany(['k'])).toEqual([undefined]);
    expect(published).toEqual([['k']]);
  });

  it('neither reads nor fills memory while the invalidation channel is not listening', async () => {
    const far = heldStore();
    let listening = false;
    const { local, tiered } = tiers(far.store, () => listening);
    await tiered.setMany([{ key: 'k', value: 'v', ttlMs: 60_000 }]);
    await local.setMany([{ key: 'k', value: 'stale copy', ttlMs: 60_000 }]);
    expect((await tiered.getMany(['k']))[0]?.value).toBe('v');
    expect(tiered.memoryHits).toBe(0);
    listening = true;
    tiered.clearLocal();
    expect((await tiered.getMany(['k']))[0]?.value).toBe('v');
    expect((await tiered.getMany(['k']))[0]?.value).toBe('v');
    expect(tiered.memoryHits).toBe(1);
  });
});
