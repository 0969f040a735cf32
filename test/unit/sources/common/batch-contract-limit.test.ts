/**
 * Issue 13: a batch declaration repeated the contract's own limit
 * (`maxKeys: 100` where the OpenAPI parameter says `maxItems: 100`). The
 * limit now comes from the contract, and a declaration past it is refused.
 */
import { describe, expect, it } from 'vitest';
import { createRestSource } from '../../../../sources/rest/index.js';

const contract = 'demo/storefront/openapi.yaml';
const bySku = {
  via: 'listProducts',
  key: 'sku',
  listArgument: 'skus',
  itemKey: 'sku',
  resultPath: 'items',
};

describe('batch maxKeys from the contract', () => {
  it("takes the list argument's maxItems when the declaration leaves maxKeys out", async () => {
    const source = await createRestSource({
      name: 'storefront',
      contract,
      url: 'http://127.0.0.1:1',
      batch: { getProductBySku: bySku },
    });
    try {
      expect(source.operations.get('getProductBySku')?.batch?.maxKeys).toBe(100);
    } finally {
      await source.close();
    }
  });

  it('keeps a smaller declared maxKeys, and refuses a larger one naming the limit', async () => {
    const smaller = await createRestSource({
      name: 'storefront',
      contract,
      url: 'http://127.0.0.1:1',
      batch: { getProductBySku: { ...bySku, maxKeys: 25 } },
    });
    expect(smaller.operations.get('getProductBySku')?.batch?.maxKeys).toBe(25);
    await smaller.close();
    const refused = await createRestSource({
      name: 'storefront',
      contract,
      url: 'http://127.0.0.1:1',
      batch: { getProductBySku: { ...bySku, maxKeys: 150 } },
    }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((refused as Error).message).toMatch(/accepts at most 100 skus in one listProducts call/);
  });
});
