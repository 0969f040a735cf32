/**
 * Per-request loaders: batches through `invokeMany`, and for operations
 * without a batch, deduplicated calls with a concurrency cap. The operations
 * here are plain Operation objects that count their calls (no transport).
 */
import { describe, expect, it } from 'vitest';
import { createLoaders } from '../../../gateway/loaders.js';
import type { Args, Operation } from '../../../sources/common/index.js';

/** An operation that answers its args after `release()` and records how many calls ran at once. */
function countingOperation(kind: Operation['kind'] = 'query') {
  const calls: Args[] = [];
  let running = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];
  const operation: Operation = {
    name: 'getThing',
    kind,
    idempotent: kind === 'query',
    async invoke(args) {
      calls.push(args);
      running += 1;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => waiting.push(resolve));
      running -= 1;
      return { ...args };
    },
  };
  const releaseAll = async (): Promise<void> => {
    // Each release lets a queued call start, which waits in turn; loop until none is left.
    for (let round = 0; round < 100; round += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      if (waiting.length === 0 && running === 0) return;
      waiting.splice(0).forEach((resolve) => resolve());
    }
  };
  return { operation, calls, peak: () => peak, releaseAll };
}

describe('createLoaders without a batch', () => {
  it('deduplicates identical query calls of one request', async () => {
    const { operation, calls, releaseAll } = countingOperation();
    const loaders = createLoaders();
    const answers = Promise.all(
      Array.from({ length: 20 }, () =>
        loaders.call('billing', operation, { orderId: 'ord_1' }, {}),
      ),
    );
    await releaseAll();
    expect(await answers).toHaveLength(20);
    expect(calls).toHaveLength(1);
  });

  it('caps how many distinct calls run at once, and runs them all', async () => {
    const { operation, calls, peak, releaseAll } = countingOperation();
    const loaders = createLoaders({ maxConcurrentCalls: 3 });
    const answers = Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        loaders.call('billing', operation, { orderId: `ord_${index}` }, {}),
      ),
    );
    await releaseAll();
    expect((await answers).map((answer) => (answer as Args).orderId)).toEqual(
      Array.from({ length: 10 }, (_, index) => `ord_${index}`),
    );
    expect(calls).toHaveLength(10);
    expect(peak()).toBe(3);
  });

  it('never merges two identical writes', async () => {
    const { operation, calls, releaseAll } = countingOperation('mutation');
    const loaders = createLoaders();
    const answers = Promise.all([
      loaders.call('storefront', operation, { sku: 'a' }, {}),
      loaders.call('storefront', operation, { sku: 'a' }, {}),
    ]);
    await releaseAll();
    await answers;
    expect(calls).toHaveLength(2);
  });

  it('sends a single key as a one-element list when the batch key is list-typed (keyIsList)', async () => {
    const received: Args[] = [];
    const operation: Operation = {
      name: 'getStockLevels',
      kind: 'query',
      idempotent: true,
      async invoke(args) {
        received.push(args);
        return [{ itemCode: 'SKU-1', onHand: 1 }];
      },
      batch: { key: 'itemCode', invokeMany: async (keys) => keys.map(() => []) },
    };
    expect(
      await createLoaders().call('erp', operation, { itemCode: 'SKU-1' }, {}, { keyIsList: true }),
    ).toEqual([{ itemCode: 'SKU-1', onHand: 1 }]);
    expect(received).toEqual([{ itemCode: ['SKU-1'] }]);
  });

  it('a list-keyed batch of one answered with no row is SOURCE_NOT_FOUND, not an empty list (issue 14: invented zero stock)', async () => {
    const operation: Operation = {
      name: 'getStockLevels',
      kind: 'query',
      idempotent: true,
      invoke: async () => [],
      batch: { key: 'itemCode', invokeMany: async (keys) => keys.map(() => []) },
    };
    await expect(
      createLoaders().call('erp', operation, { itemCode: 'SKU-1' }, {}, { keyIsList: true }),
    ).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND', source: 'erp' });
  });
});
