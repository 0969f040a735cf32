/**
 * capturePayment: the lost-answer story. A client that retries a
 * capture with the same key (after a timeout, say) captures the money once;
 * billing's own write log says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGatewayOn,
  startSystems,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';
import { orderInput, PLACE_ORDER, tempDir, writesConfig } from './setup.js';

useHarness();
let systems: Systems;
let gateway: TestGateway;
beforeAll(async () => {
  systems = await startSystems();
  gateway = await startGatewayOn(
    writesConfig(systems, { sqlitePath: `${tempDir()}/journal.db` }, {}, { billing: 1_000 }),
  );
});
afterAll(async () => {
  await gateway?.close();
});

const CAPTURE = `mutation($input: CapturePaymentInput!) { capturePayment(input: $input) { id invoiceId status amount { amount currencyCode } } }`;

async function openInvoice(): Promise<{ id: string; amountMinor: string; currency: string }> {
  const placed = await gateway.graphql(PLACE_ORDER, { input: orderInput() });
  const id = placed.body.data.placeOrder.invoices[0].id as string;
  const invoice = await gateway.graphql(
    'query($id: String) { getInvoice(id: $id) { total { amountMinor currency } } }',
    { id },
    { path: '/graphql/billing' },
  );
  return {
    id,
    amountMinor: String(invoice.body.data.getInvoice.total.amountMinor),
    currency: invoice.body.data.getInvoice.total.currency,
  };
}

describe('capturePayment', () => {
  it('captures once when the client retries with the same key after the answer was lost', async () => {
    const invoice = await openInvoice();
    const input = {
      invoiceId: invoice.id,
      amountMinor: invoice.amountMinor,
      currencyCode: invoice.currency,
      card: { scheme: 'visa', last4: '4242', expMonth: 12, expYear: 2030 },
    };
    const headers = { 'idempotency-key': `capture-${Date.now()}` };
    // Billing captures, then never answers: the gateway's retry carries the same key and billing answers from it.
    systems.billing.misbehaviour.set({
      operations: ['CapturePayment'],
      hangAfterApply: 1,
    } as never);
    const first = await gateway.graphql(CAPTURE, { input }, { headers });
    systems.billing.misbehaviour.set({});
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.capturePayment).toMatchObject({
      invoiceId: invoice.id,
      status: 'CAPTURED',
    });
    const again = await gateway.graphql(CAPTURE, { input }, { headers });
    expect(again.body.data.capturePayment).toEqual(first.body.data.capturePayment);
    expect(again.body.extensions?.write).toMatchObject({ replayed: true });
    const captures = systems.billing
      .records()
      .writes.filter(
        (write) =>
          write.operation === 'CapturePayment' && write.id === first.body.data.capturePayment.id,
      );
    expect(captures).toHaveLength(1);
  });

  it('refunds once per key', async () => {
    const invoice = await openInvoice();
    const captured = await gateway.graphql(CAPTURE, {
      input: {
        invoiceId: invoice.id,
        amountMinor: invoice.amountMinor,
        currencyCode: invoice.currency,
        card: { scheme: 'visa', last4: '4242', expMonth: 12, expYear: 2030 },
      },
    });
    const paymentId = captured.body.data.capturePayment.id as string;
    const REFUND = `mutation($input: RefundPaymentInput!) { refundPayment(input: $input) { id status refunded { amount } } }`;
    const input = {
      paymentId,
      amountMinor: '100',
      currencyCode: invoice.currency,
      reason: 'damaged',
    };
    const headers = { 'idempotency-key': `refund-${Date.now()}` };
    const first = await gateway.graphql(REFUND, { input }, { headers });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.refundPayment.status).toBe('PARTIALLY_REFUNDED');
    await gateway.graphql(REFUND, { input }, { headers });
    expect(
      systems.billing
        .records()
        .writes.filter((write) => write.operation === 'RefundPayment' && write.id === paymentId),
    ).toHaveLength(1);
  });
});
