/**
 * The unified schema over the real demo systems: every binding of
 * schema/commerce.graphql answers what the systems hold, and a query costs
 * one backend call per source per level (counted by the demo systems).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

/** "1999" minor units of USD → "19.99". */
function major(minor: bigint): string {
  const text = minor.toString().padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
}

function stockOf(sku: string): { onHand: number; reserved: number } {
  const rows = seed.stock.filter((row) => row.sku === sku);
  return {
    onHand: rows.reduce((sum, row) => sum + row.onHand, 0),
    reserved: rows.reduce((sum, row) => sum + row.reserved, 0),
  };
}

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
  // Counts the calls each query makes: without the read cache, which would answer repeats.
  gateway = await startGatewayOn(unifiedDemoConfig(systems, NO_READ_CACHE));
});

beforeEach(() => systems.resetCounts());

describe('unified schema bindings', () => {
  it('product(sku) joins the storefront, the erp and billing', async () => {
    const product = seed.products[3]!;
    const { body } = await gateway.graphql(
      `query ($sku: ID!) { product(sku: $sku) {
        sku id title description category brand status createdAt weightKg
        variants { id sku size colour } images { url altText }
        price { amount currencyCode }
        stock { available onHand reserved warehouses { warehouse onHand reserved available } }
      } }`,
      { sku: product.sku },
    );
    expect(body.errors).toBeUndefined();
    const got = body.data.product;
    expect(got).toMatchObject({
      sku: product.sku,
      id: product.id,
      title: product.title,
      description: product.description,
      category: product.category,
      brand: product.brand,
      status: product.status.toUpperCase(),
    });
    expect(got.variants).toEqual(
      product.variants.map((variant) => ({
        id: variant.id,
        sku: variant.sku,
        size: variant.size,
        colour: variant.color,
      })),
    );
    expect(got.images).toEqual(
      product.images.map((image) => ({ url: image.url, altText: image.alt })),
    );
    const price = seed.prices.find((candidate) => candidate.sku === product.sku)!;
    expect(got.price).toEqual({ amount: major(price.amountMinor), currencyCode: price.currency });
    const stock = stockOf(product.sku);
    expect(got.stock).toMatchObject({
      onHand: stock.onHand,
      reserved: stock.reserved,
      available: stock.onHand - stock.reserved,
    });
    expect(got.stock.warehouses).toHaveLength(
      seed.stock.filter((row) => row.sku === product.sku).length,
    );
    for (const row of got.stock.warehouses) expect(row.available).toBe(row.onHand - row.reserved);
    expect(Number(got.weightKg)).toBeCloseTo(product.weightGrams / 1000, 6);
    expect(new Date(got.createdAt).toISOString()).toBe(new Date(product.createdAt).toISOString());
    expect(systems.counts()).toEqual({
      storefront: { getProductBySku: 1 },
      erp: { GetItem: 1, GetStockLevels: 1 },
      billing: { GetPrice: 1 },
    });
  });

  it('products(first: 50) with title, stock and price costs one call per source', async () => {
    const { body } = await gateway.graphql(
      `{ products(first: 50) { edges { cursor node { sku title stock { available } price { amount currencyCode } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
    );
    expect(body.errors).toBeUndefined();
    const { edges, pageInfo } = body.data.products;
    expect(edges).toHaveLength(50);
    expect(pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: null,
    });
    expect(edges[49].cursor).toBe(pageInfo.endCursor);
    for (const { node } of edges) {
      const product = seed.products.find((candidate) => candidate.sku === node.sku)!;
      expect(node.title).toBe(product.title);
      const stock = stockOf(node.sku);
      expect(node.stock.available).toBe(stock.onHand - stock.reserved);
      expect(node.price.amount).toBe(
        major(seed.prices.find((candidate) => candidate.sku === node.sku)!.amountMinor),
      );
    }
    expect(systems.counts()).toEqual({
      storefront: { listProducts: 1 },
      erp: { GetStockLevels: 1 },
      billing: { BatchGetPrices: 1 },
    });

    // The next page starts after the backend's cursor.
    systems.resetCounts();
    const next = await gateway.graphql(
      `query ($after: String) { products(first: 5, after: $after) { edges { node { sku } } pageInfo { hasPreviousPage startCursor } } }`,
      { after: pageInfo.endCursor },
    );
    expect(next.body.errors).toBeUndefined();
    expect(next.body.data.products.pageInfo).toEqual({
      hasPreviousPage: true,
      startCursor: pageInfo.endCursor,
    });
    expect(
      next.body.data.products.edges.map((edge: { node: { sku: string } }) => edge.node.sku),
    ).not.toContain(edges[0].node.sku);
    expect(systems.counts().storefront).toEqual({ listProducts: 1 });
  });

  it('order(id) with lines, products, stock, price and invoices costs one call per source per level', async () => {
    const order = seed.orders.find(
      (candidate) => new Set(candidate.lines.map((line) => line.sku)).size >= 2,
    )!;
    const { body } = await gateway.graphql(
      `query ($id: ID!) { order(id: $id) {
        id status placedOn total { amount currencyCode }
        customer { id email }
        lines { sku quantity unitPrice { amount } product { title stock { available } price { amount } } }
        invoices { id orderId status total { amount } }
      } }`,
      { id: order.id },
    );
    expect(body.errors).toBeUndefined();
    const got = body.data.order;
    expect(got.id).toBe(order.id);
    expect(got.status).toBe(order.status.toUpperCase());
    expect(got.placedOn).toBe(order.createdAt.slice(0, 10));
    expect(got.customer).toEqual({
      id: order.customerId,
      email: seed.customers.find((customer) => customer.id === order.customerId)!.email,
    });
    expect(got.lines.map((line: { sku: string }) => line.sku)).toEqual(
      order.lines.map((line) => line.sku),
    );
    for (const line of got.lines) {
      expect(line.product.title).toBe(
        seed.products.find((product) => product.sku === line.sku)!.title,
      );
      const stock = stockOf(line.sku);
      expect(line.product.stock.available).toBe(stock.onHand - stock.reserved);
    }
    expect(got.invoices).toHaveLength(1);
    expect(got.invoices[0]).toMatchObject({
      id: order.id.replace('ord_', 'inv_'),
      orderId: order.id,
      status: order.status === 'cancelled' ? 'VOID' : order.status === 'pending' ? 'OPEN' : 'PAID',
    });
    // Level 1: getOrder; level 2: getCustomer + one listProducts for every line's product + listInvoices;
    // level 3: one GetStockLevels and one BatchGetPrices for all the lines' products.
    expect(systems.counts()).toEqual({
      storefront: { getOrder: 1, getCustomer: 1, listProducts: 1 },
      erp: { GetStockLevels: 1 },
      billing: { ListInvoices: 1, BatchGetPrices: 1 },
    });
  });
});

describe('endpoints', () => {
  it('serves the unified schema at /graphql without the binding directives, and each source at /graphql/<name>', async () => {
    const { body } = await gateway.graphql('{ __schema { directives { name } types { name } } }');
    const directives = body.data.__schema.directives.map(
      (directive: { name: string }) => directive.name,
    );
    const types = body.data.__schema.types.map((type: { name: string }) => type.name);
    expect(directives).not.toEqual(expect.arrayContaining(['fetch']));
    expect(
      directives.filter((name: string) =>
        ['fetch', 'from', 'compute', 'connection', 'entity', 'enumFrom'].includes(name),
      ),
    ).toEqual([]);
    expect(types).toEqual(
      expect.arrayContaining(['Product', 'Money', 'StockLevel', 'ProductConnection']),
    );
    expect(types).not.toContain('_Bindings');
    const own = await gateway.graphql(
      '{ getProduct(productId: "prod_00001") { sku } }',
      undefined,
      { path: '/graphql/storefront' },
    );
    expect(own.body.data).toEqual({ getProduct: { sku: seed.products[0]!.sku } });
  });
});

describe('operations without a batch', () => {
  it("cost one deduplicated call per distinct key: a customer's orders with their invoices", async () => {
    const customer = seed.customers.find(
      (candidate) => seed.orders.filter((order) => order.customerId === candidate.id).length >= 3,
    )!;
    const orders = seed.orders.filter((order) => order.customerId === customer.id);
    const { body } = await gateway.graphql(
      `query ($id: ID!) { customer(id: $id) { id email orders(first: 50) { edges { node { id customer { id } invoices { id orderId } } } pageInfo { hasNextPage } } } }`,
      { id: customer.id },
    );
    expect(body.errors).toBeUndefined();
    const nodes = body.data.customer.orders.edges.map((edge: { node: unknown }) => edge.node);
    expect(nodes.map((node: { id: string }) => node.id).sort()).toEqual(
      orders.map((order) => order.id).sort(),
    );
    for (const node of nodes) {
      expect(node.customer).toEqual({ id: customer.id });
      expect(node.invoices).toEqual([{ id: node.id.replace('ord_', 'inv_'), orderId: node.id }]);
    }
    // billing's listInvoices has no batch: one call per order. Every order's customer is the
    // customer already loaded in this request, so the loader answers it without a call.
    expect(systems.counts()).toEqual({
      storefront: { getCustomer: 1, listCustomerOrders: 1 },
      erp: {},
      billing: { ListInvoices: orders.length },
    });
  });
});

describe('the playground examples (schema/examples)', () => {
  const folder = new URL('../../../schema/examples/', import.meta.url);
  const files = readdirSync(folder).filter((name) => name.endsWith('.graphql'));

  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(3));

  const isSubscription = (text: string): boolean =>
    /^\s*subscription\b/m.test(text.replace(/^#.*$/gm, ''));

  for (const name of files.filter((file) =>
    isSubscription(readFileSync(new URL(file, folder), 'utf8')),
  )) {
    it(`${name} is accepted as a subscription over server-sent events`, async () => {
      const query = readFileSync(new URL(name, folder), 'utf8');
      const controller = new AbortController();
      const response = await gateway.fetch(`/graphql?query=${encodeURIComponent(query)}`, {
        headers: { accept: 'text/event-stream' },
        signal: controller.signal,
      });
      try {
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toContain('text/event-stream');
      } finally {
        controller.abort();
        await response.body?.cancel().catch(() => undefined);
      }
    });
  }

  for (const name of files.filter(
    (file) => !isSubscription(readFileSync(new URL(file, folder), 'utf8')),
  )) {
    it(`${name} answers from every system it names without errors`, async () => {
      const { body } = await gateway.graphql(readFileSync(new URL(name, folder), 'utf8'));
      expect(body.errors).toBeUndefined();
      expect(
        Object.values(body.data as Record<string, unknown>).every((value) => value !== null),
      ).toBe(true);
      expect(systems.totals().storefront).toBeGreaterThan(0);
    });
  }
});
