/**
 * Billing's writes as a system of record, the way payment APIs make them safe
 * to repeat: the idempotency-key metadata on CreateInvoice, CapturePayment,
 * RefundPayment, VoidInvoice and SetPrice (same key and request: the first
 * answer, applied once; same key, other request: FAILED_PRECONDITION), voiding
 * and its refusals, and the write records. Real gRPC over 127.0.0.1 with
 * @grpc/grpc-js; counts records, never measures time.
 */
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

const call = (method: string, request: Wire, idempotencyKey?: string): Promise<Wire> =>
  client.call(method, request, { idempotencyKey });
const failure = (promise: Promise<unknown>) => client.statusOf(promise);

const usd = (amountMinor: string): Wire => ({ amountMinor, currency: 'USD' });
const invoiceRequest = (orderId: string): Wire => ({
  orderId,
  customerId: 'cus_0004',
  lines: [{ sku: 'SKU-00003', quantity: 2 }],
});
const records = (): Wire => billing.records() as Wire;

beforeAll(async () => {
  billing = await startBilling();
  client = createBillingClient(billing);
});

afterAll(async () => {
  client?.close();
  await billing?.close();
});

describe('billing writes', () => {
  it('CreateInvoice: the same key and request answer the first invoice, applied once; order_id is the external reference', async () => {
    const first = await call('CreateInvoice', invoiceRequest('ord_80001'), 'inv-key-1');
    const again = await call('CreateInvoice', invoiceRequest('ord_80001'), 'inv-key-1');
    expect(again).toEqual(first);
    const invoices = (records().invoices as Wire[]).filter(
      (invoice) => invoice.orderId === 'ord_80001',
    );
    expect(invoices).toEqual([
      expect.objectContaining({ id: first.id, status: 'OPEN', applied: { CreateInvoice: 1 } }),
    ]);
    expect((records().writes as Wire[]).filter((w) => w.idempotencyKey === 'inv-key-1')).toEqual([
      expect.objectContaining({ operation: 'CreateInvoice', externalReference: 'ord_80001' }),
    ]);
    // Without the key, the order id still stops a second invoice.
    expect((await failure(call('CreateInvoice', invoiceRequest('ord_80001')))).code).toBe(
      'ALREADY_EXISTS',
    );
  });

  it('the same key with another request, or another RPC, is FAILED_PRECONDITION saying so; nothing is applied', async () => {
    const before = (records().writes as Wire[]).length;
    const other = await failure(call('CreateInvoice', invoiceRequest('ord_80002'), 'inv-key-1'));
    expect(other.code).toBe('FAILED_PRECONDITION');
    expect(other.details).toContain('idempotency-key was already used with a different request');
    const otherRpc = await failure(
      call('SetPrice', { sku: 'SKU-00003', amount: usd('999') }, 'inv-key-1'),
    );
    expect(otherRpc).toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect(otherRpc.details).toContain('CreateInvoice');
    expect(
      (await failure(call('CreateInvoice', invoiceRequest('ord_80002'), 'bad key with spaces')))
        .code,
    ).toBe('INVALID_ARGUMENT');
    expect(
      (await failure(call('CreateInvoice', invoiceRequest('ord_80002'), 'k'.repeat(256)))).code,
    ).toBe('INVALID_ARGUMENT');
    expect((records().writes as Wire[]).length).toBe(before);
  });

  it('CapturePayment and RefundPayment: a retried key is applied once', async () => {
    const invoice = await call('CreateInvoice', invoiceRequest('ord_80003'), 'inv-key-3');
    const capture = {
      invoiceId: invoice.id,
      amount: invoice.total,
      card: { brand: 'visa', last4: '4242', expMonth: 1, expYear: 2031 },
    };
    const paid = await call('CapturePayment', capture, 'cap-key-3');
    expect(await call('CapturePayment', capture, 'cap-key-3')).toEqual(paid);
    const refund = { paymentId: paid.id, amount: usd('1'), reason: 'goodwill' };
    const refunded = await call('RefundPayment', refund, 'ref-key-3');
    expect(await call('RefundPayment', refund, 'ref-key-3')).toEqual(refunded);
    expect(refunded.refunded.amountMinor).toBe('1');
    expect(
      (await failure(call('RefundPayment', { ...refund, amount: usd('2') }, 'ref-key-3'))).code,
    ).toBe('FAILED_PRECONDITION');

    const payment = (records().payments as Wire[]).find((p) => p.id === paid.id);
    expect(payment).toMatchObject({
      invoiceId: invoice.id,
      refundedMinor: '1',
      applied: { CapturePayment: 1, RefundPayment: 1 },
    });
    expect((records().refunds as Wire[]).filter((r) => r.paymentId === paid.id)).toEqual([
      expect.objectContaining({
        amountMinor: '1',
        reason: 'goodwill',
        idempotencyKey: 'ref-key-3',
      }),
    ]);
  });

  it('FindInvoiceByOrder answers the invoice of an order (its natural key), NOT_FOUND when none', async () => {
    const created = await call('CreateInvoice', invoiceRequest('ord_80009'));
    expect(await call('FindInvoiceByOrder', { orderId: 'ord_80009' })).toEqual(created);
    expect((await failure(call('FindInvoiceByOrder', { orderId: 'ord_89999' }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await failure(call('FindInvoiceByOrder', {}))).code).toBe('INVALID_ARGUMENT');
  });

  it('VoidInvoice voids an unpaid invoice; voiding it again is a no-op success; a paid one must be refunded instead', async () => {
    const open = await call('CreateInvoice', invoiceRequest('ord_80004'));
    const voided = await call(
      'VoidInvoice',
      { invoiceId: open.id, reason: 'order cancelled' },
      'void-key-4',
    );
    expect(voided.status).toBe('INVOICE_STATUS_VOID');
    expect(
      await call('VoidInvoice', { invoiceId: open.id, reason: 'order cancelled' }, 'void-key-4'),
    ).toEqual(voided);
    expect((await call('VoidInvoice', { invoiceId: open.id })).status).toBe('INVOICE_STATUS_VOID');
    expect((records().invoices as Wire[]).find((i) => i.id === open.id)).toMatchObject({
      status: 'VOID',
      applied: { CreateInvoice: 1, VoidInvoice: 1 },
    });

    const paid = await call('CreateInvoice', invoiceRequest('ord_80005'));
    await call('CapturePayment', {
      invoiceId: paid.id,
      amount: paid.total,
      bankTransfer: { iban: 'DE02120300000000202051', reference: 'x' },
    });
    const refused = await failure(call('VoidInvoice', { invoiceId: paid.id }));
    expect(refused.code).toBe('FAILED_PRECONDITION');
    expect(refused.details).toContain('refund');
    expect((await failure(call('VoidInvoice', { invoiceId: 'inv_99999' }))).code).toBe('NOT_FOUND');
    // A void invoice takes no money.
    expect(
      (
        await failure(
          call('CapturePayment', {
            invoiceId: open.id,
            amount: open.total,
            card: { brand: 'visa', last4: '1111', expMonth: 1, expYear: 2031 },
          }),
        )
      ).code,
    ).toBe('FAILED_PRECONDITION');
  });

  it('SetPrice changes the price GetPrice answers, honours the key, and refuses bad input', async () => {
    const set = await call('SetPrice', { sku: 'SKU-00050', amount: usd('12345') }, 'price-key-1');
    expect(set.unitPrice).toEqual(usd('12345'));
    expect(
      await call('SetPrice', { sku: 'SKU-00050', amount: usd('12345') }, 'price-key-1'),
    ).toEqual(set);
    expect((await call('GetPrice', { sku: 'SKU-00050' })).unitPrice).toEqual(usd('12345'));
    // The same price again is no change.
    await call('SetPrice', { sku: 'SKU-00050', amount: usd('12345') });
    expect((records().priceChanges as Wire[]).filter((c) => c.sku === 'SKU-00050')).toEqual([
      expect.objectContaining({ toMinor: '12345', currency: 'USD', idempotencyKey: 'price-key-1' }),
    ]);
    expect(
      (records().writes as Wire[]).filter(
        (w) => w.operation === 'SetPrice' && w.id === 'SKU-00050',
      ),
    ).toHaveLength(1);

    expect((await failure(call('SetPrice', { sku: 'SKU-00050', amount: usd('0') }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      (
        await failure(
          call('SetPrice', { sku: 'SKU-00050', amount: { amountMinor: '5', currency: 'EUR' } }),
        )
      ).code,
    ).toBe('INVALID_ARGUMENT');
    expect((await failure(call('SetPrice', { sku: '', amount: usd('5') }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect((await failure(call('SetPrice', { sku: 'SKU 1', amount: usd('5') }))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
