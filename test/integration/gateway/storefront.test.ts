/**
 * The gateway in front of the real demo storefront over real HTTP: reads,
 * a write that the storefront keeps, errors, limits, health and endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAll,
  demoConfig,
  startGatewayOn,
  startSystems,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';

let systems: Systems;
let gateway: TestGateway;

beforeAll(async () => {
  systems = await startSystems(['storefront']);
  gateway = await startGatewayOn(
    demoConfig(systems, { limits: { maxDepth: 4, maxBodyBytes: 8192 } }),
  );
});

afterAll(async () => {
  await gateway?.close();
  await systems?.close();
  await closeAll();
});

describe('reads through the namespaced endpoint', () => {
  it('answers a product by id', async () => {
    const { body } = await gateway.graphql(
      '{ storefront { getProduct(productId: "prod_00001") { id sku } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.storefront.getProduct).toEqual({ id: 'prod_00001', sku: 'SKU-00001' });
  });

  it('answers a page of products', async () => {
    const { body } = await gateway.graphql(
      '{ storefront { listProducts(limit: 3) { items { id } nextCursor } } }',
    );
    expect(body.data.storefront.listProducts.items.map((item: { id: string }) => item.id)).toEqual([
      'prod_00001',
      'prod_00002',
      'prod_00003',
    ]);
    expect(typeof body.data.storefront.listProducts.nextCursor).toBe('string');
  });

  it("answers a customer's orders", async () => {
    const { body } = await gateway.graphql(
      'query ($id: String!) { storefront { listCustomerOrders(customerId: $id, limit: 50) { items { id customerId } } } }',
      { id: 'cus_0002' },
    );
    const items = body.data.storefront.listCustomerOrders.items as Array<{
      id: string;
      customerId: string;
    }>;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((order) => order.customerId === 'cus_0002')).toBe(true);
  });

  it('answers GET queries and serves the per-source endpoint with unprefixed types', async () => {
    const get = await gateway.graphql(
      '{ storefront { getProduct(productId: "prod_00002") { __typename id } } }',
      undefined,
      { method: 'GET' },
    );
    expect(get.body.data.storefront.getProduct).toEqual({
      __typename: 'StorefrontProduct',
      id: 'prod_00002',
    });
    const own = await gateway.graphql(
      '{ getProduct(productId: "prod_00002") { __typename id } }',
      undefined,
      { path: '/graphql/storefront' },
    );
    expect(own.body.data.getProduct).toEqual({ __typename: 'Product', id: 'prod_00002' });
  });
});

describe('writes', () => {
  it('creates an order that the storefront then holds', async () => {
    const { body } = await gateway.graphql(
      'mutation ($input: StorefrontNewOrderInput!) { storefront { createOrder(input: $input) { id customerId status lines { sku quantity } } } }',
      { input: { customerId: 'cus_0003', lines: [{ sku: 'SKU-00007', quantity: 2 }] } },
    );
    expect(body.errors).toBeUndefined();
    const created = body.data.storefront.createOrder as { id: string; customerId: string };
    expect(created.customerId).toBe('cus_0003');
    // Read it back from the storefront itself, not through the gateway.
    const direct = await fetch(`${systems.storefront.url}/orders/${created.id}`);
    expect(direct.status).toBe(200);
    expect(await direct.json()).toMatchObject({
      id: created.id,
      customerId: 'cus_0003',
      lines: [{ sku: 'SKU-00007', quantity: 2 }],
    });
  });
});

describe('errors and limits', () => {
  it('turns a 404 into a GraphQL error with code, source, operation and httpStatus, and no URL or stack', async () => {
    const { body } = await gateway.graphql(
      '{ storefront { getProduct(productId: "prod_99999") { id } } }',
    );
    expect(body.data.storefront.getProduct).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'SOURCE_NOT_FOUND',
      source: 'storefront',
      operation: 'getProduct',
      httpStatus: 404,
    });
    const text = JSON.stringify(body);
    expect(text).not.toContain(systems.storefront.url);
    expect(text).not.toMatch(/127\.0\.0\.1|\bat .*\.ts:\d+/);
  });

  it('refuses a query past maxDepth and an aliased flood, without calling the storefront', async () => {
    systems.resetCounts();
    const deep = await gateway.graphql(
      '{ storefront { listCustomerOrders(customerId: "cus_0001") { items { total { amount } } } } }',
    );
    expect(deep.body.data).toBeUndefined();
    expect(deep.body.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_DEPTH_EXCEEDED',
      limit: 4,
    });
    systems.resetCounts();
    const aliases = Array.from(
      { length: 16 },
      (_, i) => `p${i}: getProduct(productId: "prod_00001") { id }`,
    ).join(' ');
    const flood = await gateway.graphql(`{ storefront { ${aliases} } }`);
    expect(flood.body.errors?.[0]?.extensions?.code).toBe('LIMIT_ALIASES_EXCEEDED');
    expect(systems.totals().storefront).toBe(0);
  });

  it('answers 413 to a body over maxBodyBytes', async () => {
    const response = await gateway.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename } # ${'z'.repeat(9000)}` }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('health', () => {
  it('/healthz is ok and /readyz turns 503 when its only source, the storefront, is gone', async () => {
    expect((await gateway.fetch('/healthz')).status).toBe(200);
    expect((await gateway.fetch('/readyz')).status).toBe(200);
    await systems.storefront.close();
    const response = await gateway.fetch('/readyz');
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text).sources.storefront.ok).toBe(false);
    expect(text).not.toContain(systems.storefront.url);
  });
});
