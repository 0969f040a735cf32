/**
 * The typed client of demo/client against a real gateway serving the unified
 * schema over the three real demo systems: what a frontend team gets when it
 * copies the example. The expected values come from the demo catalogue.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { catalogue, type CatalogueOrder } from '../../../demo/common/catalogue.js';
import {
  createCommerceClient,
  type CommerceClient,
  type CurrencyCode,
  type OrderStatus,
  type ProductStatus,
  type Warehouse,
} from '../../../demo/client/index.js';
import {
  closeAll,
  startGatewayOn,
  startSystems,
  unifiedDemoConfig,
  useHarness,
  type Systems,
} from '../../harness/index.js';

useHarness();

const seed = catalogue();

/** Minor units of a USD amount as the schema's Decimal: exact, two places. */
function usd(minor: bigint): string {
  return `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
}

function priceOf(sku: string): bigint {
  const price = seed.prices.find((entry) => entry.sku === sku);
  if (!price) throw new Error(`no seed price for ${sku}`);
  return price.amountMinor;
}

function stockOf(sku: string): { onHand: number; reserved: number } {
  const rows = seed.stock.filter((entry) => entry.sku === sku);
  return {
    onHand: rows.reduce((sum, row) => sum + row.onHand, 0),
    reserved: rows.reduce((sum, row) => sum + row.reserved, 0),
  };
}

let systems: Systems;
let client: CommerceClient;

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
  // The demo as `npm start` serves it: the unified schema and the batch declarations.
  const gateway = await startGatewayOn(unifiedDemoConfig(systems));
  client = createCommerceClient(`${gateway.url}/graphql`);
});

afterAll(closeAll);

describe('the typed commerce client on the unified schema', () => {
  it('reads a product with its price from billing and its stock from the erp', async () => {
    const product = seed.products[6];
    if (!product) throw new Error('seed has no 7th product');
    const { data, errors } = await client.productBySku(product.sku);
    expect(errors).toEqual([]);
    const found = data.product;
    if (!found) throw new Error(`${product.sku} not found`);
    expectTypeOf(found.status).toEqualTypeOf<ProductStatus>();
    expectTypeOf(found.price).toEqualTypeOf<
      { __typename?: 'Money'; amount: string; currencyCode: CurrencyCode } | null | undefined
    >();
    expectTypeOf(found.stock?.available).toEqualTypeOf<number | undefined>();
    expect(found).toMatchObject({
      sku: product.sku,
      title: product.title,
      description: product.description,
      status: product.status.toUpperCase(),
    });
    expect(found.price).toEqual({ amount: usd(priceOf(product.sku)), currencyCode: 'USD' });
    const stock = stockOf(product.sku);
    expect(found.stock).toMatchObject({
      onHand: stock.onHand,
      reserved: stock.reserved,
      available: stock.onHand - stock.reserved,
    });
    const warehouses: Warehouse[] = found.stock?.warehouses.map((row) => row.warehouse) ?? [];
    expect(warehouses.sort()).toEqual(['WH_CENTRAL', 'WH_EAST', 'WH_WEST']);
  });

  it('answers null, not an error, for an unknown SKU', async () => {
    const { data } = await client.productBySku('SKU-99999');
    expect(data.product).toBeNull();
  });

  it('pages through products with the cursor of the previous page', async () => {
    systems.resetCounts();
    const first = await client.products({ first: 3 });
    expect(first.errors).toEqual([]);
    // One request from the client; one call per system behind it.
    expect(systems.totals()).toEqual({ storefront: 1, erp: 1, billing: 1 });
    expect(first.data.products.edges.map((edge) => edge.node.sku)).toEqual(
      seed.products.slice(0, 3).map((product) => product.sku),
    );
    expect(first.data.products.pageInfo.hasNextPage).toBe(true);
    const after = first.data.products.pageInfo.endCursor;
    expectTypeOf(after).toEqualTypeOf<string | null | undefined>();
    const second = await client.products({ first: 3, after });
    expect(second.data.products.edges.map((edge) => edge.node.sku)).toEqual(
      seed.products.slice(3, 6).map((product) => product.sku),
    );
    const node = second.data.products.edges[0]?.node;
    expect(node?.price?.amount).toBe(usd(priceOf(node?.sku ?? '')));
    expect(node?.stock?.available).toBe(
      stockOf(node?.sku ?? '').onHand - stockOf(node?.sku ?? '').reserved,
    );
  });

  it('reads an order with its lines, their products and the invoices billing raised', async () => {
    const order = seed.orders[0] as CatalogueOrder;
    const { data, errors } = await client.order(order.id);
    expect(errors).toEqual([]);
    const found = data.order;
    if (!found) throw new Error(`${order.id} not found`);
    expectTypeOf(found.status).toEqualTypeOf<OrderStatus>();
    expect(found).toMatchObject({
      id: order.id,
      status: order.status.toUpperCase(),
      createdAt: order.createdAt,
    });
    expect(
      found.lines.map((line) => ({
        sku: line.sku,
        quantity: line.quantity,
        title: line.product?.title,
      })),
    ).toEqual(
      order.lines.map((line) => ({
        sku: line.sku,
        quantity: line.quantity,
        title: seed.products.find((product) => product.sku === line.sku)?.title,
      })),
    );
    for (const line of found.lines)
      expect(line.product?.price?.amount).toBe(usd(priceOf(line.sku)));
    const invoiceTotal = order.lines.reduce(
      (sum, line) => sum + priceOf(line.sku) * BigInt(line.quantity),
      0n,
    );
    expect(found.invoices).toEqual([
      {
        id: order.id.replace('ord_', 'inv_'),
        status: expect.any(String),
        total: { amount: usd(invoiceTotal), currencyCode: 'USD' },
      },
    ]);
  });

  it('places an order and reads it back', async () => {
    const customer = seed.customers[3];
    const [a, b] = seed.products.filter((product) => product.status === 'active');
    if (!customer || !a || !b) throw new Error('seed too small');
    const lines = [
      { sku: a.sku, quantity: 2 },
      { sku: b.sku, quantity: 1 },
    ];
    const placed = await client.placeOrder({
      customerId: customer.id,
      lines,
      note: 'codegen client test',
      idempotencyKey: randomUUID(),
    });
    expect(placed.errors).toEqual([]);
    const created = placed.data.placeOrder;
    if (!created) throw new Error('no order placed');
    expect(created.lines).toEqual(lines);
    expect(created.total.currencyCode).toBe('USD');
    const { data } = await client.order(created.id);
    expect(data.order?.lines.map((line) => line.product?.title)).toEqual([a.title, b.title]);
    expect(systems.totals().storefront).toBeGreaterThan(0);
  });
});
