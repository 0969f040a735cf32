import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBilling } from '../../../demo/billing/index.js';
import type { DemoSystem } from '../../../demo/common/system.js';
import {
  createBillingClient,
  type BillingClient,
  type BillingWire as Wire,
} from '../../harness/index.js';

let billing: DemoSystem;
let client: BillingClient;

const call = (method: string, request: Wire, metadata?: grpc.Metadata): Promise<Wire> =>
  client.call(method, request, { metadata });
const codeOf = async (promise: Promise<unknown>): Promise<string> =>
  (await client.statusOf(promise)).code;

beforeAll(async () => {
  billing = await startBilling();
  client = createBillingClient(billing, { deadlineMs: 5000 });
});

afterAll(async () => {
  client?.close();
  await billing?.close();
});

describe('demo billing', () => {
  it('answers prices for many SKUs in one call, leaving unknown ones out', async () => {
    billing.counter.reset();
    const answer = await call('BatchGetPrices', { skus: ['SKU-00001', 'SKU-00002', 'SKU-99999'] });
    expect(answer.prices.map((price: Wire) => price.sku)).toEqual(['SKU-00001', 'SKU-00002']);
    expect(answer.prices[0].unitPrice.amountMinor).toMatch(/^\d+$/);
    expect(answer.prices[0].unitPrice.currency).toBe('USD');
    expect(billing.counter.snapshot()).toEqual({ BatchGetPrices: 1 });
  });

  it('answers NOT_FOUND and INVALID_ARGUMENT with their status codes', async () => {
    expect(await codeOf(call('GetPrice', { sku: 'SKU-99999' }))).toBe('NOT_FOUND');
    expect(await codeOf(call('GetPrice', { sku: '' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(call('GetInvoice', { id: 'inv_nope' }))).toBe('NOT_FOUND');
  });

  it('seeds one invoice per catalogue order', async () => {
    const { invoices } = await call('ListInvoices', { orderId: 'ord_00001' });
    expect(invoices).toHaveLength(1);
    expect(invoices[0].id).toBe('inv_00001');
    expect(
      await codeOf(
        call('CreateInvoice', { orderId: 'ord_00001', lines: [{ sku: 'SKU-00001', quantity: 1 }] }),
      ),
    ).toBe('ALREADY_EXISTS');
  });

  it('creates, captures and refunds with exact int64 amounts past 2^53', async () => {
    const big = '9007199254740993';
    const invoice = await call('CreateInvoice', {
      orderId: 'ord_demo_big',
      lines: [{ sku: 'SKU-00003', quantity: 1, unitPriceMinorOverride: big }],
      metadata: { source: 'test' },
    });
    expect(invoice.total.amountMinor).toBe(big);
    expect(invoice.metadata).toEqual({ source: 'test' });
    expect(invoice.status).toBe('INVOICE_STATUS_OPEN');

    const metadata = new grpc.Metadata();
    metadata.set('idempotency-key', 'capture-big-1');
    const capture = {
      invoiceId: invoice.id,
      amount: { amountMinor: big, currency: 'USD' },
      card: { brand: 'visa', last4: '4242' },
    };
    const payment = await call('CapturePayment', capture, metadata);
    expect(payment.amount.amountMinor).toBe(big);
    expect(payment.method).toBe('card');
    // The same idempotency key answers the same payment instead of capturing twice.
    expect((await call('CapturePayment', capture, metadata)).id).toBe(payment.id);
    expect((await call('GetInvoice', { id: invoice.id })).captured.amountMinor).toBe(big);

    const tooMuch = {
      paymentId: payment.id,
      amount: { amountMinor: '9007199254740994', currency: 'USD' },
    };
    expect(await codeOf(call('RefundPayment', tooMuch))).toBe('FAILED_PRECONDITION');
    const refunded = await call('RefundPayment', {
      paymentId: payment.id,
      amount: { amountMinor: '1', currency: 'USD' },
    });
    expect(refunded.refunded.amountMinor).toBe('1');
    expect(refunded.status).toBe('PAYMENT_STATUS_PARTIALLY_REFUNDED');
  });

  it('streams invoice events as invoices are created', async () => {
    const stream = client.raw.WatchInvoiceEvents({}) as grpc.ClientReadableStream<Wire>;
    const events: Wire[] = [];
    const twoEvents = new Promise<void>((done) => {
      stream.on('data', (event: Wire) => {
        events.push(event);
        if (events.length === 2) done();
      });
    });
    stream.on('error', () => {});
    // The watcher is registered once the server has admitted the call; wait until it counts it.
    while (!billing.counter.snapshot().WatchInvoiceEvents)
      await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
    const created = await call('CreateInvoice', {
      orderId: 'ord_demo_stream',
      lines: [{ sku: 'SKU-00004', quantity: 2 }],
    });
    await call('CapturePayment', {
      invoiceId: created.id,
      amount: created.total,
      bankTransfer: { iban: 'DE00', reference: 'r' },
    });
    await twoEvents;
    stream.cancel();
    expect(events.map((event) => event.kind)).toEqual(['KIND_CREATED', 'KIND_PAID']);
    expect(events[1]!.invoice.status).toBe('INVOICE_STATUS_PAID');
    expect(BigInt(events[1]!.sequence)).toBe(BigInt(events[0]!.sequence) + 1n);
  });

  it('misbehaves on demand with the matching status codes', async () => {
    try {
      billing.misbehaviour.set({ unavailable: true });
      expect(await codeOf(call('GetPrice', { sku: 'SKU-00001' }))).toBe('UNAVAILABLE');
      billing.misbehaviour.set({ rateLimited: true });
      expect(await codeOf(call('GetPrice', { sku: 'SKU-00001' }))).toBe('RESOURCE_EXHAUSTED');
      billing.misbehaviour.set({ errorRate: 1 });
      expect(await codeOf(call('GetPrice', { sku: 'SKU-00001' }))).toBe('INTERNAL');
    } finally {
      billing.misbehaviour.set({});
    }
    expect(await codeOf(call('GetPrice', { sku: 'SKU-00001' }))).toBe('OK');
  });

  it('closes twice without error', async () => {
    const other = await startBilling();
    await other.close();
    await other.close();
  });
});
