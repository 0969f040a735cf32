/**
 * Entity prefetch (gateway/composition/prefetch.ts): when a field fetches an
 * @entity by its key, the entity's key-only fetches start beside it instead
 * of one level later. Proven with counts: with the storefront refusing every
 * call, the product never arrives, yet erp and billing were asked — they
 * could only have been asked before the storefront answered.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../demo/common/catalogue.js';
import { NO_READ_CACHE, unifiedDemoConfig } from '../../harness/demo-config.js';
import {
  startGatewayOn,
  startSystems,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';

useHarness();

const seed = catalogue();
let systems: Systems;
let gateway: TestGateway;

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
  // Counts the calls each query makes: without the read cache, which would answer repeats, and
  // without retries (they are counted in test/integration/pipeline).
  gateway = await startGatewayOn(
    unifiedDemoConfig(systems, {
      pipeline: { ...NO_READ_CACHE.pipeline, retry: { maxAttempts: 1 } },
    }),
  );
});

beforeEach(() => systems.resetCounts());
afterEach(() => {
  for (const system of systems.list) system.misbehaviour.set({});
});

describe('entity prefetch', () => {
  const sku = seed.products[11]!.sku;

  it('starts price and stock with the product lookup, not after it', async () => {
    systems.storefront.misbehaviour.set({ unavailable: true });
    const { body } = await gateway.graphql(
      'query ($sku: ID!) { product(sku: $sku) { title price { amount } stock { available } } }',
      { sku },
    );
    expect(body.data.product).toBeNull();
    expect(systems.counts()).toEqual({
      storefront: { getProductBySku: 1 },
      erp: { GetStockLevels: 1 },
      billing: { GetPrice: 1 },
    });
  });

  it('prefetches only the fields the query selects', async () => {
    systems.storefront.misbehaviour.set({ unavailable: true });
    await gateway.graphql(
      'query ($sku: ID!) { product(sku: $sku) { title stock { available } } }',
      { sku },
    );
    expect(systems.counts()).toEqual({
      storefront: { getProductBySku: 1 },
      erp: { GetStockLevels: 1 },
      billing: {},
    });
  });

  it('follows fragments, and leaves fields under @include to run in their turn', async () => {
    systems.storefront.misbehaviour.set({ unavailable: true });
    await gateway.graphql(
      'query ($sku: ID!, $withStock: Boolean!) { product(sku: $sku) { ...Priced ... on Product { stock @include(if: $withStock) { available } } } } fragment Priced on Product { price { amount } }',
      { sku, withStock: true },
    );
    expect(systems.counts()).toEqual({
      storefront: { getProductBySku: 1 },
      erp: {},
      billing: { GetPrice: 1 },
    });
  });

  it('keeps one call per source when the product exists: the prefetched call is the one the field uses', async () => {
    const { body } = await gateway.graphql(
      'query ($sku: ID!) { product(sku: $sku) { title price { amount } stock { available } } }',
      { sku },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.product.title).toBe(seed.products[11]!.title);
    expect(systems.counts()).toEqual({
      storefront: { getProductBySku: 1 },
      erp: { GetStockLevels: 1 },
      billing: { GetPrice: 1 },
    });
  });

  it('prefetches the products of order lines by their SKUs, batched across lines', async () => {
    const order = seed.orders.find((candidate) => candidate.lines.length >= 3)!;
    const { body } = await gateway.graphql(
      'query ($id: ID!) { order(id: $id) { lines { product { title price { amount } stock { available } } } } }',
      { id: order.id },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.order.lines).toHaveLength(order.lines.length);
    expect(systems.counts()).toEqual({
      storefront: { getOrder: 1, listProducts: 1 },
      erp: { GetStockLevels: 1 },
      billing: { BatchGetPrices: 1 },
    });
  });
});
