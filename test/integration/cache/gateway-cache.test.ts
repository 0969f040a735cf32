/**
 * The read cache through the whole gateway, as `npm start` runs it
 * (unifiedDemoConfig: the erp's and billing's TTLs, the storefront's
 * Cache-Control), against the real demo systems and a real Redis. Counts
 * backend calls, never time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../demo/common/catalogue.js';
import {
  DEMO_PIPELINE,
  startGatewayOn,
  startRedis,
  startSystems,
  unifiedDemoConfig,
  useHarness,
  type Systems,
  type TestGateway,
  type TestRedis,
} from '../../harness/index.js';

useHarness();

const seed = catalogue();
const PAGE = `query ($first: Int) { products(first: $first) { edges { node { sku title stock { available } price { amount } } } } }`;
const PRODUCT = `query ($sku: ID!) { product(sku: $sku) { sku stock { available } price { amount } } }`;
const ORDERS = `query ($id: ID!) { customer(id: $id) { orders(first: 50) { edges { node { id } } } } }`;
const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`;

let systems: Systems;
let redis: TestRedis;
let prefixes = 0;

beforeAll(async () => {
  // Customer reads shared (public), so the customer's orders are stored and placeOrder's invalidation shows.
  systems = await startSystems(['storefront', 'erp', 'billing'], {
    storefront: { shareCustomerReads: true },
  });
  redis = await startRedis();
});

beforeEach(() => {
  for (const system of systems.list) system.misbehaviour.set({});
  systems.resetCounts();
});

/** A gateway with a fresh cache of its own (memory), or on the shared Redis under `prefix`. */
function gatewayOn(
  cache: { prefix?: string } = {},
  pipeline: object = DEMO_PIPELINE,
): Promise<TestGateway> {
  return startGatewayOn(
    unifiedDemoConfig(systems, {
      pipeline,
      ...(cache.prefix === undefined
        ? {}
        : { cache: { store: 'redis', redisUrl: redis.url, keyPrefix: cache.prefix } }),
    }),
  );
}

describe('reads', () => {
  it('the repeated 50-products query costs no backend call at all', async () => {
    const gateway = await gatewayOn();
    const first = await gateway.graphql(PAGE, { first: 50 });
    expect(first.body.errors).toBeUndefined();
    expect(systems.totals()).toEqual({ storefront: 1, erp: 1, billing: 1 });
    systems.resetCounts();
    const second = await gateway.graphql(PAGE, { first: 50 });
    expect(second.body).toEqual(first.body);
    expect(systems.totals()).toEqual({ storefront: 0, erp: 0, billing: 0 });
  });

  it('a page with 20 of 50 products cached asks the erp and billing once each, for the others', async () => {
    const gateway = await gatewayOn();
    await gateway.graphql(PAGE, { first: 20 });
    systems.resetCounts();
    const { body } = await gateway.graphql(PAGE, { first: 50 });
    expect(body.data.products.edges).toHaveLength(50);
    expect(systems.counts()).toEqual({
      storefront: { listProducts: 1 },
      erp: { GetStockLevels: 1 },
      billing: { BatchGetPrices: 1 },
    });
    // The 20 came from the cache: a page of those alone costs nothing but the storefront's list, itself cached.
    systems.resetCounts();
    await gateway.graphql(PAGE, { first: 20 });
    expect(systems.totals()).toEqual({ storefront: 0, erp: 0, billing: 0 });
  });

  it('identical requests at once make one call per system (single-flight across requests)', async () => {
    const gateway = await gatewayOn();
    for (const system of systems.list) system.misbehaviour.set({ latencyMs: 50 });
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => gateway.graphql(PRODUCT, { sku: seed.products[60]!.sku })),
    );
    for (const { body } of answers) expect(body).toEqual(answers[0]!.body);
    expect(systems.totals()).toEqual({ storefront: 1, erp: 1, billing: 1 });
  });

  it('stale-if-error: with the erp down, the stale stock arrives with a CACHE_STALE notice', async () => {
    // No retries: the one failed call is the count asserted below (retries are counted in test/integration/pipeline).
    const gateway = await gatewayOn(
      {},
      {
        sources: {
          erp: {
            retry: { maxAttempts: 1 },
            operations: { getStockLevels: { cache: { ttlMs: 1, staleIfErrorMs: 60_000 } } },
          },
        },
      },
    );
    const sku = seed.products[70]!.sku;
    const fresh = await gateway.graphql(PRODUCT, { sku });
    await sleep(10);
    systems.erp.misbehaviour.set({ unavailable: true });
    systems.resetCounts();
    const { body } = await gateway.graphql(PRODUCT, { sku });
    expect(body.errors).toBeUndefined();
    expect(body.data.product.stock).toEqual(fresh.body.data.product.stock);
    expect(body.extensions?.notices).toEqual([
      expect.objectContaining({
        code: 'CACHE_STALE',
        source: 'erp',
        operation: 'getStockLevels',
        details: expect.objectContaining({ ageMs: expect.any(Number) }),
      }),
    ]);
    expect(systems.counts().erp).toEqual({ GetStockLevels: 1 });
  });
});

describe('writes', () => {
  it('mutations are never cached: two placeOrder calls are two orders', async () => {
    const gateway = await gatewayOn();
    const input = {
      customerId: seed.customers[5]!.id,
      lines: [{ sku: seed.products[80]!.sku, quantity: 1 }],
    };
    const [a, b] = [
      await gateway.graphql(PLACE, { input }),
      await gateway.graphql(PLACE, { input }),
    ];
    expect(a.body.data.placeOrder.id).not.toBe(b.body.data.placeOrder.id);
    expect(systems.counts().storefront).toMatchObject({ createOrder: 2 });
  });

  it('placeOrder drops exactly what it touched: its SKUs and its customer refetch, the others stay cached', async () => {
    const gateway = await gatewayOn();
    const [ordered, other] = [seed.products[90]!.sku, seed.products[91]!.sku];
    const [buyer, bystander] = [seed.customers[6]!.id, seed.customers[7]!.id];
    for (const sku of [ordered, other]) await gateway.graphql(PRODUCT, { sku });
    for (const id of [buyer, bystander]) await gateway.graphql(ORDERS, { id });
    const before = (await gateway.graphql(ORDERS, { id: buyer })).body.data.customer.orders.edges
      .length;
    systems.resetCounts();
    const placed = await gateway.graphql(PLACE, {
      input: { customerId: buyer, lines: [{ sku: ordered, quantity: 1 }] },
    });
    expect(placed.body.errors).toBeUndefined();
    systems.resetCounts();
    await gateway.graphql(PRODUCT, { sku: other });
    await gateway.graphql(ORDERS, { id: bystander });
    expect(systems.totals()).toEqual({ storefront: 0, erp: 0, billing: 0 });
    await gateway.graphql(PRODUCT, { sku: ordered });
    const after = await gateway.graphql(ORDERS, { id: buyer });
    expect(after.body.data.customer.orders.edges).toHaveLength(before + 1);
    expect(systems.counts()).toEqual({
      storefront: { getProductBySku: 1, listCustomerOrders: 1 },
      erp: { GetStockLevels: 1 },
      billing: { GetPrice: 1 },
    });
  });
});

describe('two gateway instances on one Redis', () => {
  it('share entries: what one stored, the other reads without a backend call', async () => {
    prefixes += 1;
    const [one, two] = [
      await gatewayOn({ prefix: `gw-${prefixes}:` }),
      await gatewayOn({ prefix: `gw-${prefixes}:` }),
    ];
    const first = await one.graphql(PAGE, { first: 30 });
    systems.resetCounts();
    const second = await two.graphql(PAGE, { first: 30 });
    expect(second.body).toEqual(first.body);
    expect(systems.totals()).toEqual({ storefront: 0, erp: 0, billing: 0 });
  });

  it('share invalidations: a placeOrder on one makes the other refetch that SKU', async () => {
    prefixes += 1;
    const [one, two] = [
      await gatewayOn({ prefix: `gw-${prefixes}:` }),
      await gatewayOn({ prefix: `gw-${prefixes}:` }),
    ];
    const sku = seed.products[100]!.sku;
    await one.graphql(PRODUCT, { sku });
    await two.graphql(PRODUCT, { sku });
    systems.resetCounts();
    await one.graphql(PLACE, {
      input: { customerId: seed.customers[8]!.id, lines: [{ sku, quantity: 1 }] },
    });
    systems.resetCounts();
    await two.graphql(PRODUCT, { sku });
    expect(systems.counts()).toEqual({
      storefront: { getProductBySku: 1 },
      erp: { GetStockLevels: 1 },
      billing: { GetPrice: 1 },
    });
  });
});
