/**
 * Fail per field, not per request: with one system down, its fields are null
 * with errors naming the source and operation, and the rest arrives.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../../demo/common/catalogue.js';
import {
  startGatewayOn,
  startSystems,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';
import { NO_READ_CACHE, unifiedDemoConfig } from '../../harness/demo-config.js';

useHarness();

const seed = catalogue();
let systems: Systems;
let gateway: TestGateway;
const QUERY = `query ($sku: ID!) { product(sku: $sku) { sku title price { amount } stock { available } weightKg } }`;

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
  // A system down must show as nulls: without the read cache, which would serve what it holds;
  // short retry waits: a system that stays down is retried and still fails, without the default 0.5–30 s backoffs.
  gateway = await startGatewayOn(
    unifiedDemoConfig(systems, {
      pipeline: { ...NO_READ_CACHE.pipeline, retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    }),
  );
});

afterEach(() => {
  for (const system of systems.list) system.misbehaviour.set({});
});

interface WireError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

function errorAt(errors: readonly WireError[] | undefined, path: string): WireError | undefined {
  return errors?.find((error) => error.path?.join('.') === path);
}

describe('partial results', () => {
  const product = seed.products[7]!;

  it('billing down: price is null with a billing error, the rest arrives', async () => {
    systems.billing.misbehaviour.set({ unavailable: true });
    const { body } = await gateway.graphql(QUERY, { sku: product.sku });
    expect(body.data.product).toMatchObject({
      sku: product.sku,
      title: product.title,
      price: null,
    });
    expect(body.data.product.stock.available).toEqual(expect.any(Number));
    expect(body.errors).toHaveLength(1);
    expect(errorAt(body.errors, 'product.price')?.extensions).toMatchObject({
      source: 'billing',
      operation: 'getPrice',
      code: expect.stringMatching(/^SOURCE_/),
    });
  });

  it('erp down: stock and weight are null with erp errors, price and title arrive', async () => {
    systems.erp.misbehaviour.set({ unavailable: true });
    const { body } = await gateway.graphql(QUERY, { sku: product.sku });
    expect(body.data.product).toMatchObject({
      sku: product.sku,
      title: product.title,
      stock: null,
      weightKg: null,
    });
    expect(body.data.product.price.amount).toEqual(expect.any(String));
    expect(errorAt(body.errors, 'product.stock')?.extensions).toMatchObject({
      source: 'erp',
      operation: 'getStockLevels',
    });
    expect(errorAt(body.errors, 'product.weightKg')?.extensions).toMatchObject({
      source: 'erp',
      operation: 'getItem',
    });
    expect(body.errors).toHaveLength(2);
  });

  it('storefront down: product is null with a storefront error', async () => {
    systems.storefront.misbehaviour.set({ unavailable: true });
    // A product this file has not read: the storefront's answers are cacheable (max-age), and a cached one would be served.
    const { body } = await gateway.graphql(QUERY, { sku: seed.products[8]!.sku });
    expect(body.data).toEqual({ product: null });
    expect(errorAt(body.errors, 'product')?.extensions).toMatchObject({
      source: 'storefront',
      operation: 'getProductBySku',
    });
  });

  it('billing down in a list: every price is null, one error per product, titles and stock arrive', async () => {
    systems.billing.misbehaviour.set({ unavailable: true });
    const { body } = await gateway.graphql(
      `{ products(first: 3) { edges { node { sku title price { amount } stock { available } } } } }`,
    );
    const nodes = body.data.products.edges.map((edge: { node: unknown }) => edge.node);
    expect(nodes).toHaveLength(3);
    for (const node of nodes)
      expect(node).toMatchObject({
        price: null,
        stock: { available: expect.any(Number) },
        title: expect.any(String),
      });
    expect(body.errors).toHaveLength(3);
    // The three prices were one batch call, so each error names the batch operation that failed.
    for (const error of body.errors ?? [])
      expect(error.extensions).toMatchObject({ source: 'billing', operation: 'batchGetPrices' });
  });

  it('no message carries a URL or a stack', async () => {
    systems.erp.misbehaviour.set({ unavailable: true });
    const { text } = await gateway.graphql(QUERY, { sku: product.sku });
    expect(text).not.toMatch(/127\.0\.0\.1|https?:\/\/|\bat .+\.ts:\d+/);
  });
});

describe('partial results when a system is slow', () => {
  const product = seed.products[9]!;
  let slowGateway: TestGateway;

  beforeAll(async () => {
    // The erp's calls get a 300 ms deadline; the erp is then told to take 1.5 s.
    slowGateway = await startGatewayOn(
      unifiedDemoConfig(systems, NO_READ_CACHE, { timeoutMs: { erp: 300 } }),
    );
  });

  it('erp too slow: its fields are null with SOURCE_TIMEOUT, the rest arrives', async () => {
    systems.erp.misbehaviour.set({ latencyMs: 1_500 });
    const { body } = await slowGateway.graphql(QUERY, { sku: product.sku });
    expect(body.data.product).toMatchObject({
      sku: product.sku,
      title: product.title,
      stock: null,
      weightKg: null,
    });
    expect(body.data.product.price.amount).toEqual(expect.any(String));
    expect(errorAt(body.errors, 'product.stock')?.extensions).toMatchObject({
      code: 'SOURCE_TIMEOUT',
      source: 'erp',
      operation: 'getStockLevels',
    });
    expect(errorAt(body.errors, 'product.weightKg')?.extensions).toMatchObject({
      code: 'SOURCE_TIMEOUT',
      source: 'erp',
      operation: 'getItem',
    });
    expect(errorAt(body.errors, 'product.stock')?.message).toMatch(
      /^erp did not answer getStockLevels within 300 ms\.$/,
    );
  });
});
