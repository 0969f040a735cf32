/**
 * Two gateway instances on one PostgreSQL journal: a caller's key used on
 * one is answered from the first write on the other, with nothing sent
 * again; concurrent requests with one key across both place one order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGatewayOn,
  startPostgresDatabase,
  startSystems,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';
import { recordsReader, type RecordsReader } from './records.js';
import { orderInput, PLACE_ORDER, writesConfig } from './setup.js';

useHarness();
let systems: Systems;
let one: TestGateway;
let two: TestGateway;
let records: RecordsReader;

beforeAll(async () => {
  let url: string;
  [{ url }, systems] = await Promise.all([
    startPostgresDatabase('writes', { fsync: false }),
    startSystems(),
  ]);
  one = await startGatewayOn(writesConfig(systems, { journal: 'postgres', postgresUrl: url }));
  two = await startGatewayOn(writesConfig(systems, { journal: 'postgres', postgresUrl: url }));
  records = await recordsReader(systems);
});
afterAll(async () => {
  await one?.close();
  await two?.close();
  await records?.close();
});

describe('two gateway instances on one PostgreSQL journal', () => {
  it('replays on the second instance the answer the first gave for a key, sending nothing', async () => {
    const headers = { 'idempotency-key': `two-${Date.now()}` };
    const first = await one.graphql(PLACE_ORDER, { input: orderInput() }, { headers });
    expect(first.body.errors).toBeUndefined();
    const before = systems.counts();
    const again = await two.graphql(PLACE_ORDER, { input: orderInput() }, { headers });
    expect(again.body.data.placeOrder.id).toBe(first.body.data.placeOrder.id);
    expect(again.body.extensions?.write).toMatchObject({
      id: (first.body.extensions?.write as any).id,
      replayed: true,
    });
    const after = systems.counts();
    expect([
      after.storefront.createOrder,
      after.erp.CreateSalesOrder,
      after.billing.CreateInvoice,
    ]).toEqual([
      before.storefront.createOrder,
      before.erp.CreateSalesOrder,
      before.billing.CreateInvoice,
    ]);
    const other = await two.graphql(
      PLACE_ORDER,
      { input: orderInput({ note: 'changed' }) },
      { headers },
    );
    expect(other.status).toBe(422);
    expect(other.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('places one order for concurrent requests with one key on both instances', async () => {
    const headers = { 'idempotency-key': `both-${Date.now()}` };
    const customerId = 'cus_0004';
    const before = (await records.ordersOf(customerId)).length;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        (index % 2 === 0 ? one : two).graphql(
          PLACE_ORDER,
          { input: orderInput({ customerId }) },
          { headers },
        ),
      ),
    );
    const placed = answers.filter((answer) => answer.body.errors === undefined);
    const inUse = answers.filter(
      (answer) =>
        answer.status === 409 &&
        answer.body.errors?.[0]?.extensions?.code === 'IDEMPOTENCY_KEY_IN_USE',
    );
    expect(placed.length + inUse.length).toBe(8);
    expect(new Set(placed.map((answer) => answer.body.data.placeOrder.id)).size).toBe(1);
    expect((await records.ordersOf(customerId)).length).toBe(before + 1);
  });
});
