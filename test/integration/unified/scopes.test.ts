/**
 * Scopes over HTTP on the demo: gateways whose callers hold different scopes
 * (auth.anonymousScopes stands in for a token's scopes until tokens land; the
 * enforcement is the same). A field outside the scopes is null with FORBIDDEN
 * and its backend is never called; a root field outside them fails the
 * operation with 403; escalation through fragments, aliases and nested paths
 * fails; introspection shows only what the scopes allow.
 */
import { getIntrospectionQuery } from 'graphql';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../demo/common/catalogue.js';
import {
  NO_READ_CACHE,
  startGatewayOn,
  startSystems,
  unifiedDemoConfig,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';

useHarness();

const seed = catalogue();
const sku = seed.products[3]!.sku;
const orderId = seed.orders[0]!.id;
let systems: Systems;
/** A catalogue-and-orders partner: no prices, stock, customers or writes. */
let partner: TestGateway;
/** A gateway for partners with nothing given to anonymous callers. */
let closed: TestGateway;

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
  partner = await startGatewayOn(
    unifiedDemoConfig(systems, {
      ...NO_READ_CACHE,
      auth: { anonymousScopes: ['catalog:read', 'orders:read'] },
    }),
  );
  closed = await startGatewayOn(
    unifiedDemoConfig(systems, { ...NO_READ_CACHE, auth: { anonymousScopes: [] } }),
  );
});

beforeEach(() => systems.resetCounts());

type WireError = {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
};
const codes = (errors: readonly WireError[] | undefined): Record<string, unknown> =>
  Object.fromEntries(
    (errors ?? []).map((error) => [error.path?.join('.') ?? '', error.extensions?.code]),
  );

describe('fields outside the scopes', () => {
  it('are null with FORBIDDEN at their path; the rest arrives; their backends are never called', async () => {
    const { status, body } = await partner.graphql(
      `query ($sku: ID!) { product(sku: $sku) { sku title price { amount } stock { available } weightKg } }`,
      { sku },
    );
    expect(status).toBe(200);
    expect(body.data.product).toMatchObject({
      sku,
      title: seed.products[3]!.title,
      price: null,
      stock: null,
    });
    expect(body.data.product.weightKg).toEqual(expect.any(String));
    expect(codes(body.errors)).toEqual({
      'product.price': 'FORBIDDEN',
      'product.stock': 'FORBIDDEN',
    });
    expect(
      body.errors?.find((error) => error.path?.join('.') === 'product.price')?.extensions,
    ).toMatchObject({ field: 'Product.price', requiredScopes: 'prices:read' });
    const counts = systems.counts();
    expect(counts.billing).toEqual({});
    expect(counts.erp.GetStockLevels).toBeUndefined();
  });

  it('cannot be reached through aliases and fragments', async () => {
    const query = `
      query ($sku: ID!) {
        a: product(sku: $sku) { ...Priced }
        b: product(sku: $sku) { ... on Product { p1: price { amount } p2: price { currencyCode } } }
      }
      fragment Priced on Product { title cost: price { amount } }`;
    const { body } = await partner.graphql(query, { sku });
    expect(body.data).toEqual({
      a: { title: expect.any(String), cost: null },
      b: { p1: null, p2: null },
    });
    expect(codes(body.errors)).toEqual({
      'a.cost': 'FORBIDDEN',
      'b.p1': 'FORBIDDEN',
      'b.p2': 'FORBIDDEN',
    });
    expect(systems.counts().billing).toEqual({});
  });

  it('keep their rule on nested paths: order.lines.product.price needs prices:read', async () => {
    const { body } = await partner.graphql(
      `query ($id: ID!) { order(id: $id) { id lines { sku product { title price { amount } } } customer { email } } }`,
      { id: orderId },
    );
    expect(body.data.order.id).toBe(orderId);
    expect(body.data.order.customer).toBeNull();
    for (const line of body.data.order.lines)
      expect(line.product).toMatchObject({ title: expect.any(String), price: null });
    const errors = codes(body.errors);
    expect(errors['order.customer']).toBe('FORBIDDEN');
    expect(
      Object.keys(errors).filter((path) => /^order\.lines\.\d+\.product\.price$/.test(path)),
    ).toHaveLength(body.data.order.lines.length);
    expect(systems.counts().billing).toEqual({});
    expect(systems.counts().storefront.getCustomer).toBeUndefined();
    expect(systems.counts().storefront.listCustomers).toBeUndefined();
  });
});

describe('root fields outside the scopes', () => {
  it('fail the whole operation with 403 before anything is called', async () => {
    const { status, body } = await partner.graphql(
      `query ($sku: ID!, $id: ID!) { product(sku: $sku) { title } customer(id: $id) { email } }`,
      { sku, id: seed.customers[0]!.id },
    );
    expect(status).toBe(403);
    expect(body.data ?? null).toBeNull();
    expect(codes(body.errors)).toEqual({ customer: 'FORBIDDEN' });
    expect(systems.totals()).toEqual({ storefront: 0, erp: 0, billing: 0 });
  });

  it('through an alias or a fragment on the root too', async () => {
    const { status, body } = await partner.graphql(
      `query { ...Root } fragment Root on Query { who: customer(id: "cus_0001") { id } }`,
    );
    expect(status).toBe(403);
    expect(codes(body.errors)).toEqual({ who: 'FORBIDDEN' });
    expect(systems.totals().storefront).toBe(0);
  });

  it('a mutation without orders:write is refused and the storefront never sees it', async () => {
    const input = {
      customerId: seed.customers[0]!.id,
      lines: [{ sku, quantity: 1 }],
      idempotencyKey: 'scopes-test-1',
    };
    const { status, body } = await partner.graphql(
      `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`,
      { input },
    );
    expect(status).toBe(403);
    expect(codes(body.errors)).toEqual({ placeOrder: 'FORBIDDEN' });
    expect(body.errors?.[0]?.extensions).toMatchObject({ requiredScopes: 'orders:write' });
    expect(systems.totals().storefront).toBe(0);
  });

  it('with no anonymous scopes, nothing guarded runs', async () => {
    const { status, body } = await closed.graphql(
      `{ products(first: 2) { edges { node { sku } } } }`,
    );
    expect(status).toBe(403);
    expect(codes(body.errors)).toEqual({ products: 'FORBIDDEN' });
    expect(systems.totals()).toEqual({ storefront: 0, erp: 0, billing: 0 });
  });
});

describe('introspection', () => {
  const typeNames = (body: {
    data?: {
      __schema: { types: Array<{ name: string; fields: Array<{ name: string }> | null }> };
    } | null;
  }) =>
    new Map(
      (body.data?.__schema.types ?? []).map((type) => [
        type.name,
        (type.fields ?? []).map((field) => field.name),
      ]),
    );

  it('shows only what the scopes allow', async () => {
    const { body } = await partner.graphql(getIntrospectionQuery());
    expect(body.errors).toBeUndefined();
    const types = typeNames(body);
    expect(types.get('Query')).toEqual(['product', 'products', 'order']);
    expect(types.get('Product')).not.toContain('price');
    expect(types.get('Product')).not.toContain('stock');
    expect(types.get('Product')).toContain('title');
    expect(types.get('Order')).not.toContain('customer');
    expect(types.get('Order')).not.toContain('invoices');
    for (const hidden of [
      'Customer',
      'Invoice',
      'StockLevel',
      'Mutation',
      'PlaceOrderInput',
      'Subscription',
    ])
      expect(types.has(hidden), hidden).toBe(false);
  });

  it('answers __type for a hidden type with null', async () => {
    const { body } = await partner.graphql(`{ __type(name: "Customer") { name fields { name } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ __type: null });
  });

  it('with no scopes, shows no guarded field at all', async () => {
    const { body } = await closed.graphql(getIntrospectionQuery());
    expect(body.errors).toBeUndefined();
    const types = typeNames(body);
    expect(types.get('Query')).toEqual(['_noAccess']);
    expect(types.has('Product')).toBe(false);
  });
});
