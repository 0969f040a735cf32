/**
 * placeOrder over the three real demo systems: the storefront order, the
 * erp sales order and billing's invoice, each checked in the system's own
 * records; the journal's record; the caller's idempotency key.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  orderInput,
  PLACE_ORDER,
  startWriteFixture,
  useHarness,
  type RecordsReader,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';

useHarness();
let systems: Systems;
let gateway: TestGateway;
let records: RecordsReader;

beforeAll(async () => {
  ({ systems, gateway, records } = await startWriteFixture());
});

describe('placeOrder', () => {
  it('writes the order to every system, once, and answers the Order with its invoices', async () => {
    systems.resetCounts();
    const response = await gateway.graphql(PLACE_ORDER, { input: orderInput() });
    expect(response.body.errors).toBeUndefined();
    const order = response.body.data.placeOrder;
    expect(order.id).toMatch(/^ord_/);
    expect(order.invoices).toHaveLength(1);
    const write = response.body.extensions?.write as any;
    expect(write).toMatchObject({ state: 'succeeded', replayed: false, mutation: 'placeOrder' });
    expect(write.steps.map((step: any) => [step.system, step.operation, step.state])).toEqual([
      ['storefront', 'createOrder', 'succeeded'],
      ['erp', 'createSalesOrder', 'succeeded'],
      ['billing', 'createInvoice', 'succeeded'],
    ]);
    expect(await records.order(order.id)).toEqual({
      storefront: 'PENDING',
      erp: 1,
      billing: ['INVOICE_STATUS_OPEN'],
    });
  });

  it('replays the first answer for the same Idempotency-Key and input, sending nothing again', async () => {
    const headers = { 'idempotency-key': `same-${Date.now()}` };
    const first = await gateway.graphql(PLACE_ORDER, { input: orderInput() }, { headers });
    expect(first.body.errors).toBeUndefined();
    const counts = JSON.stringify(systems.counts());
    const again = await gateway.graphql(PLACE_ORDER, { input: orderInput() }, { headers });
    expect(again.body.data.placeOrder.id).toBe(first.body.data.placeOrder.id);
    expect(again.body.extensions?.write).toMatchObject({
      id: (first.body.extensions?.write as any).id,
      replayed: true,
      state: 'succeeded',
    });
    // No write was sent again (reads of the answer's invoices are reads).
    const before = JSON.parse(counts);
    const after = systems.counts();
    expect(after.storefront.createOrder).toBe(before.storefront.createOrder);
    expect(after.erp.CreateSalesOrder).toBe(before.erp.CreateSalesOrder);
    expect(after.billing.CreateInvoice).toBe(before.billing.CreateInvoice);
    expect(await records.order(first.body.data.placeOrder.id)).toEqual({
      storefront: 'PENDING',
      erp: 1,
      billing: ['INVOICE_STATUS_OPEN'],
    });
  });

  it('refuses the same key with another input: 422 IDEMPOTENCY_KEY_REUSED, nothing sent', async () => {
    const headers = { 'idempotency-key': `reused-${Date.now()}` };
    await gateway.graphql(PLACE_ORDER, { input: orderInput() }, { headers });
    const before = JSON.stringify(systems.counts());
    const other = await gateway.graphql(
      PLACE_ORDER,
      { input: orderInput({ note: 'another' }) },
      { headers },
    );
    expect(other.status).toBe(422);
    expect(other.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(JSON.stringify(systems.counts())).toBe(before);
  });

  it('takes the key from input.idempotencyKey too', async () => {
    const key = `arg-${Date.now()}`;
    const first = await gateway.graphql(PLACE_ORDER, {
      input: orderInput({ idempotencyKey: key }),
    });
    const again = await gateway.graphql(PLACE_ORDER, {
      input: orderInput({ idempotencyKey: key }),
    });
    expect(again.body.data.placeOrder.id).toBe(first.body.data.placeOrder.id);
    expect(again.body.extensions?.write).toMatchObject({ replayed: true });
  });

  it('places one order for many concurrent requests with one key: the others get 409 IDEMPOTENCY_KEY_IN_USE or the first answer', async () => {
    const headers = { 'idempotency-key': `concurrent-${Date.now()}` };
    const customerId = 'cus_0003';
    const before = (await records.ordersOf(customerId)).length;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        gateway.graphql(PLACE_ORDER, { input: orderInput({ customerId }) }, { headers }),
      ),
    );
    const placed = answers.filter((answer) => answer.body.errors === undefined);
    const inUse = answers.filter(
      (answer) => answer.body.errors?.[0]?.extensions?.code === 'IDEMPOTENCY_KEY_IN_USE',
    );
    expect(placed.length + inUse.length).toBe(6);
    expect(placed.length).toBeGreaterThanOrEqual(1);
    for (const answer of inUse) expect(answer.status).toBe(409);
    expect(new Set(placed.map((answer) => answer.body.data.placeOrder.id)).size).toBe(1);
    expect((await records.ordersOf(customerId)).length).toBe(before + 1);
    expect(await records.order(placed[0]?.body.data.placeOrder.id)).toMatchObject({ erp: 1 });
  });

  it('refuses input that fails validation at the edge before the journal: the key stays unused', async () => {
    const headers = { 'idempotency-key': `edge-${Date.now()}` };
    const refused = await gateway.graphql(
      PLACE_ORDER,
      { input: orderInput({ lines: [{ sku: 'SKU-00001', quantity: 1000 }] }) },
      { headers },
    );
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const placed = await gateway.graphql(PLACE_ORDER, { input: orderInput() }, { headers });
    expect(placed.body.errors).toBeUndefined();
    expect(placed.body.extensions?.write).toMatchObject({ replayed: false, state: 'succeeded' });
  });

  it('refuses a malformed key with 400 IDEMPOTENCY_KEY_INVALID', async () => {
    const refused = await gateway.graphql(
      PLACE_ORDER,
      { input: orderInput() },
      { headers: { 'idempotency-key': 'x'.repeat(300) } },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_INVALID');
  });
});
