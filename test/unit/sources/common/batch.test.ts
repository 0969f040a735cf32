import { describe, expect, it } from 'vitest';
import {
  SourceError,
  withBatches,
  type Args,
  type Operation,
} from '../../../../sources/common/index.js';

/** A real operation over an in-memory table, counting its calls. */
function tableOperation(
  name: string,
  rows: Array<Record<string, unknown>>,
  calls: Args[],
  shape: (items: unknown[]) => unknown = (items) => items,
): Operation {
  return {
    name,
    kind: 'query',
    idempotent: true,
    async invoke(args) {
      calls.push(args);
      const wanted = new Set((args.skus as string[]).map(String));
      return shape(rows.filter((row) => wanted.has(String(row.sku))));
    },
  };
}

const single: Operation = {
  name: 'getPrice',
  kind: 'query',
  idempotent: true,
  invoke: async () => null,
};

describe('withBatches (the DataLoader contract)', () => {
  const rows = [
    { sku: 'A', amount: 1 },
    { sku: 'B', amount: 2 },
    { sku: 'B', amount: 3 },
  ];

  it('answers in the order and length of the keys, SOURCE_NOT_FOUND for a key the answer left out, in one call', async () => {
    const calls: Args[] = [];
    const operations = withBatches(
      'billing',
      new Map([
        ['getPrice', single],
        ['listPrices', tableOperation('listPrices', rows, calls)],
      ]),
      {
        getPrice: { via: 'listPrices', key: 'sku', listArgument: 'skus', itemKey: 'sku' },
      },
    );
    const batch = operations.get('getPrice')?.batch;
    expect(batch?.key).toBe('sku');
    const answer = await batch!.invokeMany(['B', 'Z', 'A'], {}, { currency: 'USD' });
    expect(answer).toEqual([
      { sku: 'B', amount: 2 },
      expect.any(SourceError),
      { sku: 'A', amount: 1 },
    ]);
    expect(answer[1]).toMatchObject({
      code: 'SOURCE_NOT_FOUND',
      source: 'billing',
      operation: 'getPrice',
    });
    expect(calls).toEqual([{ currency: 'USD', skus: ['B', 'Z', 'A'] }]);
  });

  it('groups every matching item per key with many: true; a key left out is SOURCE_NOT_FOUND, never an empty list (issue 14: invented zero stock)', async () => {
    const calls: Args[] = [];
    const operations = withBatches(
      'erp',
      new Map([
        ['listPrices', tableOperation('listPrices', rows, calls, (items) => ({ rows: items }))],
      ]),
      {
        listPrices: { key: 'skus', itemKey: 'sku', resultPath: 'rows', many: true },
      },
    );
    const answer = await operations.get('listPrices')!.batch!.invokeMany(['B', 'C'], {});
    expect(answer[0]).toEqual([
      { sku: 'B', amount: 2 },
      { sku: 'B', amount: 3 },
    ]);
    expect(answer[1]).toMatchObject({ code: 'SOURCE_NOT_FOUND' });
  });

  it('names the contract, source and operation when the answer is not a list', async () => {
    const operations = withBatches(
      'billing',
      new Map([['listPrices', tableOperation('listPrices', rows, [], () => ({ nope: true }))]]),
      {
        listPrices: { key: 'skus', itemKey: 'sku' },
      },
    );
    const failure = await operations
      .get('listPrices')!
      .batch!.invokeMany(['A'], {})
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceError);
    expect(failure).toMatchObject({
      code: 'SOURCE_BATCH_CONTRACT',
      source: 'billing',
      operation: 'listPrices',
    });
    expect((failure as SourceError).message).toMatch(
      /should answer a list for a batch of 1 keys, instead got object/,
    );
  });

  it('refuses an item without the key it is matched by', async () => {
    const operations = withBatches(
      'billing',
      new Map([
        ['listPrices', tableOperation('listPrices', [{ sku: 'A' }], [], () => [{ amount: 1 }])],
      ]),
      {
        listPrices: { key: 'skus', itemKey: 'sku' },
      },
    );
    await expect(operations.get('listPrices')!.batch!.invokeMany(['A'], {})).rejects.toMatchObject({
      code: 'SOURCE_BATCH_CONTRACT',
    });
  });

  it('carries maxKeys to the batch and refuses a maxKeys that is not a whole number above 0', () => {
    const operations = new Map([['listPrices', tableOperation('listPrices', rows, [])]]);
    expect(
      withBatches('billing', operations, {
        listPrices: { key: 'skus', itemKey: 'sku', maxKeys: 100 },
      }).get('listPrices')?.batch?.maxKeys,
    ).toBe(100);
    expect(() =>
      withBatches('billing', operations, {
        listPrices: { key: 'skus', itemKey: 'sku', maxKeys: 0 },
      }),
    ).toThrow(
      /"batch.listPrices.maxKeys" of billing should be a whole number above 0, instead got 0/,
    );
  });

  it('refuses a declaration that names an operation the source lacks', () => {
    expect(() =>
      withBatches('billing', new Map([['getPrice', single]]), {
        getPrices: { key: 'sku', itemKey: 'sku' },
      }),
    ).toThrow(
      /"batch.getPrices" of billing names operation "getPrices", which billing does not have: did you mean "getPrice"\?/,
    );
    expect(() =>
      withBatches('billing', new Map([['getPrice', single]]), {
        getPrice: { via: 'nope', key: 'sku', itemKey: 'sku' },
      }),
    ).toThrow(/names operation "nope"/);
  });
});
