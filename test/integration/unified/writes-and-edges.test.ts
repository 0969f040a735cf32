/**
 * The unified schema's edges: caller values never pick a backend route,
 * money stays exact past 2^53 minor units, placeOrder writes through to the
 * storefront once per idempotency key, and invoiceEvents streams over SSE.
 */
import { randomUUID } from 'node:crypto';
import { fetch as undiciFetch } from 'undici';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../demo/common/catalogue.js';
import {
  startGatewayOn,
  startSystems,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';
import { unifiedDemoConfig } from '../../harness/demo-config.js';

useHarness();

const seed = catalogue();
let systems: Systems;
let gateway: TestGateway;

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
  gateway = await startGatewayOn(unifiedDemoConfig(systems));
});

beforeEach(() => systems.resetCounts());

/** Raises an invoice through billing's own subgraph (not the unified schema), as another system would. */
let invoiced = 0;
async function createInvoice(unitPriceMinor: string): Promise<{ id: string; orderId: string }> {
  // Billing raises one invoice per order, and every seeded order has one: bill orders it has not seen.
  invoiced += 1;
  const order = { ...seed.orders[0]!, id: `ord_test_${invoiced}` };
  const { body } = await gateway.graphql(
    `mutation ($orderId: String, $customerId: String, $lines: [CreateInvoiceRequestLineInput!]) { createInvoice(orderId: $orderId, customerId: $customerId, lines: $lines) { id orderId } }`,
    {
      orderId: order.id,
      customerId: order.customerId,
      lines: [{ sku: order.lines[0]!.sku, quantity: 1, unitPriceMinorOverride: unitPriceMinor }],
    },
    { path: '/graphql/billing' },
  );
  expect(body.errors).toBeUndefined();
  return body.data.createInvoice;
}

describe('caller values never choose a route', () => {
  // The storefront's contract says a SKU is ^SKU-[0-9]{5}$; the unified schema inherits it through the binding (issue 14).
  for (const sku of [
    '../orders',
    '..%2Forders',
    '%2E%2E%2Forders',
    'SKU-00001/../../orders',
    'a/b',
  ]) {
    it(`product(sku: ${JSON.stringify(sku)}) is refused at the edge and reaches no backend`, async () => {
      const { body } = await gateway.graphql(
        `query ($sku: ID!) { product(sku: $sku) { sku title } }`,
        { sku },
      );
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'sku',
        constraint: 'pattern',
      });
      expect(systems.totals()).toEqual({ storefront: 0, erp: 0, billing: 0 });
    });
  }

  it('an unknown SKU of the right shape reaches only getProductBySku', async () => {
    const { body } = await gateway.graphql(
      `query ($sku: ID!) { product(sku: $sku) { sku title } }`,
      { sku: 'SKU-99999' },
    );
    expect(body.data?.product ?? null).toBeNull();
    expect(systems.counts().storefront).toEqual({ getProductBySku: 1 });
    expect(systems.totals().erp + systems.totals().billing).toBe(0);
  });
});

describe('money', () => {
  it('keeps an invoice total past 2^53 minor units exact', async () => {
    const minor = '9007199254740993'; // 2^53 + 1: a float would print ...992
    const invoice = await createInvoice(minor);
    const { body } = await gateway.graphql(
      `query ($id: ID!) { invoice(id: $id) { id orderId status total { amount currencyCode } } }`,
      { id: invoice.id },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.invoice).toEqual({
      id: invoice.id,
      orderId: invoice.orderId,
      status: 'OPEN',
      total: { amount: '90071992547409.93', currencyCode: 'USD' },
    });
  });
});

describe('placeOrder', () => {
  const customer = seed.customers[2]!;
  const lines = [
    { sku: seed.products[10]!.sku, quantity: 2 },
    { sku: seed.products[11]!.sku, quantity: 1 },
  ];
  const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status customer { id } lines { sku quantity } total { amount } } }`;

  it('creates the order in the storefront, once per idempotency key', async () => {
    const idempotencyKey = randomUUID();
    const first = await gateway.graphql(PLACE, {
      input: { customerId: customer.id, lines, note: 'leave at the door', idempotencyKey },
    });
    expect(first.body.errors).toBeUndefined();
    const placed = first.body.data.placeOrder;
    expect(placed).toMatchObject({ status: 'PENDING', customer: { id: customer.id }, lines });

    // Read back from the storefront itself, not through the gateway.
    const direct = await undiciFetch(`${systems.storefront.url}/orders/${placed.id}`);
    expect(direct.status).toBe(200);
    const stored = (await direct.json()) as {
      id: string;
      customerId: string;
      note: string;
      lines: Array<{ sku: string; quantity: number }>;
    };
    expect(stored).toMatchObject({
      id: placed.id,
      customerId: customer.id,
      note: 'leave at the door',
    });
    expect(stored.lines.map(({ sku, quantity }) => ({ sku, quantity }))).toEqual(lines);

    const replay = await gateway.graphql(PLACE, {
      input: { customerId: customer.id, lines, note: 'leave at the door', idempotencyKey },
    });
    expect(replay.body.data.placeOrder.id).toBe(placed.id);
    const other = await gateway.graphql(PLACE, {
      input: {
        customerId: customer.id,
        lines,
        note: 'leave at the door',
        idempotencyKey: randomUUID(),
      },
    });
    expect(other.body.data.placeOrder.id).not.toBe(placed.id);
    // The replay is answered from the write journal: the storefront sees the first and the other key only.
    expect(systems.counts().storefront.createOrder).toBe(2);
  });

  it('a storefront refusal is a field error naming the operation', async () => {
    const { body } = await gateway.graphql(PLACE, {
      input: { customerId: customer.id, lines: [{ sku: 'SKU-99999', quantity: 1 }] },
    });
    expect(body.data.placeOrder).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'WRITE_FAILED',
      system: 'storefront',
      operation: 'createOrder',
    });
  });
});

/** An invoiceEvents subscription over SSE, read until the first event whose data holds `marker`. */
async function openInvoiceEvents(selection: string, marker: string) {
  const controller = new AbortController();
  const response = await undiciFetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: `subscription { invoiceEvents { ${selection} } }` }),
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  // Started at once, so the first read is pending while billing's watch opens.
  const read = (async () => {
    while (!new RegExp(`event: next\ndata: .*"${marker}"`).test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  })();
  return {
    read,
    arrived: (): boolean => /event: next/.test(text),
    event(): { kind: string; invoice: unknown } {
      const line = text
        .split('\n')
        .find((candidate) => candidate.startsWith('data: ') && candidate.includes(marker));
      return JSON.parse((line as string).slice('data: '.length)).data.invoiceEvents;
    },
    async close(): Promise<void> {
      controller.abort();
      await reader.cancel().catch(() => undefined);
    },
  };
}

describe('invoiceEvents', () => {
  it('delivers an event over SSE when billing raises an invoice', async () => {
    const stream = await openInvoiceEvents(
      'kind invoiceId invoice { id orderId status }',
      'invoiceId',
    );
    try {
      let invoice: { id: string; orderId: string } | undefined;
      // Raise invoices until one arrives on the stream (the watch may open just after the first).
      for (let attempt = 0; attempt < 20 && !stream.arrived(); attempt += 1) {
        invoice = await createInvoice('1999');
        await Promise.race([stream.read, new Promise((resolve) => setTimeout(resolve, 100))]);
      }
      await stream.read;
      const event = stream.event();
      expect(event.kind).toBe('CREATED');
      expect(event.invoice).toMatchObject({
        orderId: expect.stringMatching(/^ord_test_/),
        status: 'OPEN',
      });
      expect(invoice).toBeDefined();
    } finally {
      await stream.close();
    }
  });

  it("streams the invoice a placeOrder raised (the playground example's hint: place an order in another tab)", async () => {
    const stream = await openInvoiceEvents('kind invoice { orderId status }', 'orderId');
    try {
      // The order is placed once billing counted the watch.
      await expect
        .poll(() => systems.counts().billing.WatchInvoiceEvents ?? 0, { timeout: 30_000 })
        .toBeGreaterThan(0);
      const customer = seed.customers[1]!;
      const placed = await gateway.graphql(
        `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`,
        {
          input: { customerId: customer.id, lines: [{ sku: seed.products[2]!.sku, quantity: 1 }] },
        },
      );
      expect(placed.body.errors).toBeUndefined();
      await stream.read;
      expect(stream.event()).toEqual({
        kind: 'CREATED',
        invoice: { orderId: placed.body.data.placeOrder.id, status: 'OPEN' },
      });
    } finally {
      await stream.close();
    }
  });
});
