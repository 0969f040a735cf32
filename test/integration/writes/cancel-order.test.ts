/**
 * cancelOrder over the three real demo systems (issue 10): the storefront
 * order, the erp sales order (its stock released) and billing's invoice,
 * each checked in the system's own records; each system refusing in turn;
 * the caller's key applied once; the products' cached stock dropped (the
 * SKUs come from the order step's answer). And a write past the request's deadline:
 * the caller hears WRITE_INCOMPLETE, the write settles once in the background.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  orderInput,
  PLACE_ORDER,
  startWriteFixture,
  useHarness,
  WRITE_PIPELINE,
  type RecordsReader,
  type Systems,
  type TestGateway,
  type WriteFixture,
} from '../../harness/index.js';

useHarness();
let fixture: WriteFixture;
let systems: Systems;
let gateway: TestGateway;
let records: RecordsReader;

beforeAll(async () => {
  fixture = await startWriteFixture();
  ({ systems, gateway, records } = fixture);
});
afterEach(() => {
  for (const system of systems.list) system.misbehaviour.set({});
});

const CANCEL = `mutation($id: ID!, $reason: String) {
  cancelOrder(id: $id, reason: $reason) { id status }
}`;

async function placed(): Promise<string> {
  const response = await gateway.graphql(PLACE_ORDER, { input: orderInput() });
  expect(response.body.errors).toBeUndefined();
  return response.body.data.placeOrder.id;
}

async function cancel(id: string, headers: Record<string, string> = {}): Promise<any> {
  return (await gateway.graphql(CANCEL, { id, reason: 'changed my mind' }, { headers })).body;
}

/** The cancellations each system applied for the order (its own write log). */
function cancellations(orderId: string): Record<string, number> {
  const erp = systems.erp
    .records()
    .writes.filter(
      (write) => write.operation === 'CancelSalesOrder' && write.externalReference === orderId,
    );
  const billing = systems.billing
    .records()
    .writes.filter(
      (write) => write.operation === 'VoidInvoice' && write.externalReference === orderId,
    );
  const storefront = systems.storefront
    .records()
    .writes.filter((write) => write.operation === 'cancelOrder' && write.id === orderId);
  return { storefront: storefront.length, erp: erp.length, billing: billing.length };
}

/** The erp's reservations still held for the order's sales order. */
function reserved(orderId: string): number {
  const order = (systems.erp.records().salesOrders as any[]).find(
    (candidate) => candidate.externalReference === orderId,
  );
  return (order?.reservations ?? []).length;
}

describe('cancelOrder', () => {
  it('cancels the order everywhere, once: stock released, invoice voided', async () => {
    const id = await placed();
    expect(reserved(id)).toBeGreaterThan(0);
    const body = await cancel(id);
    expect(body.errors).toBeUndefined();
    expect(body.data.cancelOrder).toEqual({ id, status: 'CANCELLED' });
    expect(
      body.extensions.write.steps.map((step: any) => [step.system, step.operation, step.state]),
    ).toEqual([
      ['billing', 'findInvoiceByOrder', 'succeeded'],
      ['erp', 'findSalesOrderByExternalReference', 'succeeded'],
      ['storefront', 'cancelOrder', 'succeeded'],
      ['erp', 'cancelSalesOrder', 'succeeded'],
      ['billing', 'voidInvoice', 'succeeded'],
      ['billing', 'refundInvoice', 'skipped'],
    ]);
    expect(await records.order(id)).toEqual({ storefront: 'CANCELLED', erp: 0, billing: [] });
    expect(cancellations(id)).toEqual({ storefront: 1, erp: 1, billing: 1 });
    expect(reserved(id)).toBe(0);
  });

  it('the same Idempotency-Key twice cancels once', async () => {
    const id = await placed();
    const headers = { 'idempotency-key': `cancel-${id}` };
    const first = await cancel(id, headers);
    expect(first.errors).toBeUndefined();
    systems.resetCounts();
    const again = await cancel(id, headers);
    expect(again.data.cancelOrder).toEqual(first.data.cancelOrder);
    expect(again.extensions.write).toMatchObject({ id: first.extensions.write.id, replayed: true });
    expect(systems.totals()).toEqual({ storefront: 0, erp: 0, billing: 0 });
    expect(cancellations(id)).toEqual({ storefront: 1, erp: 1, billing: 1 });
  });
});

describe('cancelOrder of a paid order', () => {
  const CAPTURE = `mutation($input: CapturePaymentInput!) { capturePayment(input: $input) { id status } }`;

  it('refunds the invoice instead of voiding it (the void is skipped), once', async () => {
    const placedOrder = (await gateway.graphql(PLACE_ORDER, { input: orderInput() })).body.data
      .placeOrder;
    const id = placedOrder.id as string;
    const invoiceId = placedOrder.invoices[0].id as string;
    const invoice = () =>
      (systems.billing.records().invoices as any[]).find((candidate) => candidate.id === invoiceId);
    const total = invoice();
    const captured = await gateway.graphql(CAPTURE, {
      input: {
        invoiceId,
        amountMinor: total.totalMinor,
        currencyCode: total.currency,
        card: { scheme: 'visa', last4: '4242', expMonth: 12, expYear: 2030 },
      },
    });
    expect(captured.body.errors).toBeUndefined();
    expect(invoice().status).toBe('PAID');
    const body = await cancel(id);
    expect(body.errors).toBeUndefined();
    expect(body.data.cancelOrder).toEqual({ id, status: 'CANCELLED' });
    expect(body.extensions.write.state).toBe('succeeded');
    expect(
      body.extensions.write.steps.map((step: any) => [step.operation, step.state]).slice(4),
    ).toEqual([
      ['voidInvoice', 'skipped'],
      ['refundInvoice', 'succeeded'],
    ]);
    // Billing's own records: the invoice refunded in full, its payment given back once, no void.
    expect(invoice()).toMatchObject({ status: 'REFUNDED', refundedMinor: total.totalMinor });
    const refunds = (systems.billing.records().refunds as any[]).filter(
      (refund) => refund.invoiceId === invoiceId,
    );
    expect(refunds.map((refund) => refund.amountMinor)).toEqual([total.totalMinor]);
    expect(cancellations(id)).toEqual({ storefront: 1, erp: 1, billing: 0 });
    expect(reserved(id)).toBe(0);
  });
});

describe('cancelOrder and the read cache', () => {
  const STOCK = `query($sku: ID!) { product(sku: $sku) { stock { available } } }`;

  it("drops the order's products' cached stock: the next read asks the erp and shows the release", async () => {
    // Stock cached for 10 minutes: only the invalidation can make the next read ask the erp.
    const cached = await fixture.startGateway({
      pipeline: {
        ...WRITE_PIPELINE,
        cache: { enabled: true },
        sources: {
          ...WRITE_PIPELINE.sources,
          erp: { operations: { getStockLevels: { cache: { ttlMs: 600_000 } } } },
        },
      },
    });
    try {
      const id = await placed();
      const skus = ['SKU-00001', 'SKU-00002'];
      const stock = async (): Promise<number[]> => {
        const out: number[] = [];
        for (const sku of skus) {
          const body = (await cached.graphql(STOCK, { sku })).body;
          expect(body.errors).toBeUndefined();
          out.push(body.data.product.stock.available);
        }
        return out;
      };
      const before = await stock();
      systems.resetCounts();
      expect(await stock()).toEqual(before);
      expect(systems.counts().erp).toEqual({});
      const body = (await cached.graphql(CANCEL, { id, reason: 'cache' })).body;
      expect(body.errors).toBeUndefined();
      systems.resetCounts();
      // The order held 2 of SKU-00001 and 1 of SKU-00002 (orderInput): both released.
      expect(await stock()).toEqual([before[0]! + 2, before[1]! + 1]);
      expect(systems.counts().erp.GetStockLevels).toBeGreaterThanOrEqual(1);
    } finally {
      await cached.close();
    }
  });
});

describe('cancelOrder when a system refuses', () => {
  it('storefront refuses: nothing is cancelled anywhere', async () => {
    const id = await placed();
    systems.storefront.misbehaviour.set({ operations: ['cancelOrder'], rejectNext: 1 });
    const body = await cancel(id);
    expect(body.errors[0].extensions).toMatchObject({
      code: 'WRITE_FAILED',
      state: 'compensated',
      system: 'storefront',
      step: 3,
      undone: [],
    });
    expect(await records.order(id)).toEqual({
      storefront: 'PENDING',
      erp: 1,
      billing: ['INVOICE_STATUS_OPEN'],
    });
    expect(cancellations(id)).toEqual({ storefront: 0, erp: 0, billing: 0 });
  });

  it('erp refuses: the storefront cancellation cannot be taken back, so the write is parked', async () => {
    const id = await placed();
    systems.erp.misbehaviour.set({ operations: ['CancelSalesOrder'], rejectNext: 1 });
    const body = await cancel(id);
    expect(body.data.cancelOrder).toBeNull();
    expect(body.errors[0].extensions).toMatchObject({
      code: 'WRITE_INCOMPLETE',
      state: 'dead-lettered',
      system: 'erp',
      step: 4,
    });
    expect(body.errors[0].message).toMatch(/cannot be reopened/);
    expect(await records.order(id)).toEqual({
      storefront: 'CANCELLED',
      erp: 1,
      billing: ['INVOICE_STATUS_OPEN'],
    });
    expect(cancellations(id)).toEqual({ storefront: 1, erp: 0, billing: 0 });
  });

  it('billing refuses: the order and sales order stay cancelled, the write is parked', async () => {
    const id = await placed();
    systems.billing.misbehaviour.set({ operations: ['VoidInvoice'], rejectNext: 1 });
    const body = await cancel(id);
    expect(body.errors[0].extensions).toMatchObject({
      code: 'WRITE_INCOMPLETE',
      state: 'dead-lettered',
      system: 'billing',
      step: 5,
    });
    expect(await records.order(id)).toEqual({
      storefront: 'CANCELLED',
      erp: 0,
      billing: ['INVOICE_STATUS_OPEN'],
    });
    expect(cancellations(id)).toEqual({ storefront: 1, erp: 1, billing: 0 });
  });
});

describe('a write past the request deadline', () => {
  it('answers WRITE_INCOMPLETE, never success, and the write settles once in the background', async () => {
    // The deadline (1 s) is shorter than the storefront's attempt timeout (3 s): the
    // request's time runs out while the step hangs, whatever the machine's speed.
    const short = await fixture.startGateway(
      { limits: { requestTimeoutMs: 1_000 } },
      { storefront: 3_000 },
    );
    try {
      const id = await placed();
      const headers = { 'idempotency-key': `late-${id}` };
      systems.storefront.misbehaviour.set({ operations: ['cancelOrder'], hangAfterApply: 1 });
      const first: any = (await short.graphql(CANCEL, { id, reason: 'late' }, { headers })).body;
      expect(first.data?.cancelOrder ?? null).toBeNull();
      expect(first.errors[0].extensions).toMatchObject({ code: 'WRITE_INCOMPLETE' });
      expect(['planned', 'running']).toContain(first.errors[0].extensions.state);
      // The same key answers 409 while the write is in flight, then its settled answer.
      let settled: any;
      for (let tries = 0; tries < 200 && settled === undefined; tries += 1) {
        const again = await short.graphql(CANCEL, { id, reason: 'late' }, { headers });
        const code = again.body.errors?.[0]?.extensions?.code;
        if (code === 'IDEMPOTENCY_KEY_IN_USE') await new Promise((done) => setTimeout(done, 100));
        else settled = again.body;
      }
      expect(settled.errors).toBeUndefined();
      expect(settled.data.cancelOrder).toEqual({ id, status: 'CANCELLED' });
      expect(settled.extensions.write).toMatchObject({ state: 'succeeded', replayed: true });
      expect(cancellations(id)).toEqual({ storefront: 1, erp: 1, billing: 1 });
    } finally {
      await short.close();
    }
  });
});
