/**
 * placeOrder with each system failing in turn, checked in each system's own
 * records: a refusal undoes what came before it, last first; a transient
 * failure is retried with the step's key; a timeout after the request was
 * applied is settled by the key or the natural-key lookup; an undo that
 * fails parks the write, and replaying the dead letter finishes it once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteJournal, type WriteJournal } from '../../../gateway/writes/index.js';
import { createGateway, type Gateway } from '../../../gateway/index.js';
import { startSystems, track, useHarness, type Systems } from '../../harness/index.js';
import type { DemoSystemName } from '../../../demo/index.js';
import { appliedFor, PLACED } from './applied.js';
import { recordsReader, type RecordsReader } from './records.js';
import { orderInput, PLACE_ORDER, tempDir, writesConfig } from './setup.js';

useHarness();
let systems: Systems;
let gateway: Gateway;
let journal: WriteJournal;
let records: RecordsReader;

beforeAll(async () => {
  systems = await startSystems();
  const path = `${tempDir()}/journal.db`;
  gateway = await createGateway(
    writesConfig(
      systems,
      { sqlitePath: path },
      {},
      { storefront: 1_000, erp: 1_000, billing: 1_000 },
    ),
  );
  track(gateway, 'gateway');
  journal = await createSqliteJournal({ path });
  track(journal, 'journal reader');
  records = await recordsReader(systems);
});
afterAll(async () => {
  await records?.close();
});
afterEach(() => {
  for (const system of systems.list) system.misbehaviour.set({});
});

function misbehave(name: DemoSystemName, settings: Record<string, unknown>): void {
  systems[name].misbehaviour.set(settings as never);
}

async function placeOrder(input = orderInput()): Promise<{ status: number; body: any }> {
  const response = await gateway.fetch(
    new Request('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: PLACE_ORDER, variables: { input } }),
    }),
  );
  return { status: response.status, body: await response.json() };
}

/** The storefront order id the write created (step 1's answer), from the journal. */
async function orderIdOf(writeId: string): Promise<string> {
  const write = await journal.get(writeId);
  return (write?.steps[0]?.result as { id: string }).id;
}

describe('placeOrder when a system refuses', () => {
  it('storefront refuses: nothing happened anywhere, WRITE_FAILED names the system and step', async () => {
    systems.resetCounts();
    misbehave('storefront', { operations: ['createOrder'], rejectNext: 1 });
    const { body } = await placeOrder();
    expect(body.data.placeOrder).toBeNull();
    expect(body.errors[0].extensions).toMatchObject({
      code: 'WRITE_FAILED',
      system: 'storefront',
      step: 1,
      operation: 'createOrder',
      state: 'compensated',
      undone: [],
    });
    expect(body.extensions.write.state).toBe('compensated');
    expect(systems.counts().erp.CreateSalesOrder ?? 0).toBe(0);
    expect(systems.counts().billing.CreateInvoice ?? 0).toBe(0);
  });

  it('erp refuses: the storefront order is cancelled, billing never called', async () => {
    systems.resetCounts();
    misbehave('erp', { operations: ['CreateSalesOrder'], rejectNext: 1 });
    const { body } = await placeOrder();
    expect(body.errors[0].extensions).toMatchObject({
      code: 'WRITE_FAILED',
      system: 'erp',
      step: 2,
      state: 'compensated',
      undone: [{ step: 1, system: 'storefront', operation: 'createOrder' }],
    });
    expect(body.errors[0].message).toMatch(
      /erp refused step 2.*Undone: storefront createOrder \(step 1\)/,
    );
    const orderId = await orderIdOf(body.extensions.write.id);
    expect(await records.order(orderId)).toEqual({ storefront: 'CANCELLED', erp: 0, billing: [] });
    expect(systems.counts().billing.CreateInvoice ?? 0).toBe(0);
  });

  it('billing refuses: the erp sales order, then the storefront order, are cancelled (reverse order)', async () => {
    misbehave('billing', { operations: ['CreateInvoice'], rejectNext: 1 });
    const { body } = await placeOrder();
    expect(body.errors[0].extensions).toMatchObject({
      code: 'WRITE_FAILED',
      system: 'billing',
      step: 3,
      state: 'compensated',
    });
    const writeId = body.extensions.write.id as string;
    const orderId = await orderIdOf(writeId);
    expect(await records.order(orderId)).toEqual({ storefront: 'CANCELLED', erp: 0, billing: [] });
    expect(await records.cancelledSalesOrders(orderId)).toBe(1);
    const undone = (await journal.audit({ writeId }))
      .filter((entry) => entry.step?.state === 'compensated')
      .map((entry) => entry.step?.source);
    expect(undone).toEqual(['erp', 'storefront']);
    expect(appliedFor(systems, orderId)).toEqual({
      storefront: { createOrder: 1, cancelOrder: 1 },
      erp: { CreateSalesOrder: 1, CancelSalesOrder: 1 },
      billing: {},
    });
  });
});

describe('placeOrder when a system fails for a moment', () => {
  it.each([
    ['storefront', 'createOrder'],
    ['erp', 'CreateSalesOrder'],
    ['billing', 'CreateInvoice'],
  ] as const)(
    '%s unavailable once: sent again with the same key, applied once',
    async (system, operation) => {
      systems.resetCounts();
      misbehave(system, {
        operations: [operation],
        failNext: 1,
        failWith: 'unavailable',
        retryAfterMs: 0,
      });
      const { body } = await placeOrder();
      expect(body.errors).toBeUndefined();
      expect(body.extensions.write.state).toBe('succeeded');
      expect(systems.counts()[system][operation]).toBe(2);
      expect(await records.order(body.data.placeOrder.id)).toEqual({
        storefront: 'PENDING',
        erp: 1,
        billing: ['INVOICE_STATUS_OPEN'],
      });
      expect(appliedFor(systems, body.data.placeOrder.id)).toEqual(PLACED);
    },
  );
});

describe('placeOrder when the answer is lost after the system applied the step', () => {
  it.each([
    ['storefront', 'createOrder', 'hangAfterApply'],
    ['erp', 'CreateSalesOrder', 'hangAfterApply'],
    ['billing', 'CreateInvoice', 'hangAfterApply'],
    ['erp', 'CreateSalesOrder', 'dropAfterApply'],
  ] as const)(
    '%s %s (%s): settled by its key or lookup, applied once',
    async (system, operation, fault) => {
      misbehave(system, { operations: [operation], [fault]: 1 });
      const { body } = await placeOrder();
      expect(body.errors).toBeUndefined();
      expect(body.extensions.write.state).toBe('succeeded');
      expect(await records.order(body.data.placeOrder.id)).toEqual({
        storefront: 'PENDING',
        erp: 1,
        billing: ['INVOICE_STATUS_OPEN'],
      });
      expect(appliedFor(systems, body.data.placeOrder.id)).toEqual(PLACED);
    },
  );
});

describe('placeOrder when an undo fails', () => {
  it('parks the write in the dead-letter queue (never a success); a replay finishes the undo once', async () => {
    misbehave('billing', { operations: ['CreateInvoice'], rejectNext: 1 });
    misbehave('erp', { operations: ['CancelSalesOrder'], rejectNext: 1 });
    const { body } = await placeOrder();
    expect(body.data.placeOrder).toBeNull();
    expect(body.errors[0].extensions).toMatchObject({
      code: 'WRITE_INCOMPLETE',
      state: 'dead-lettered',
    });
    expect(body.errors[0].message).toMatch(
      /not complete.*dead-letter queue.*Undoing step 2 \(erp createSalesOrder\) failed/,
    );
    const writeId = body.extensions.write.id as string;
    const orderId = await orderIdOf(writeId);
    expect(await records.order(orderId)).toEqual({ storefront: 'PENDING', erp: 1, billing: [] });
    expect((await journal.list({ states: ['dead-lettered'] })).map((write) => write.id)).toContain(
      writeId,
    );

    const replayed = await gateway.writes?.runner?.replay(writeId, 'operator-test');
    expect(replayed?.state).toBe('compensated');
    expect(await records.order(orderId)).toEqual({ storefront: 'CANCELLED', erp: 0, billing: [] });
    expect(await records.cancelledSalesOrders(orderId)).toBe(1);
    // Applied once each, undone once each: the failed undo was not applied, its replay was.
    expect(appliedFor(systems, orderId)).toEqual({
      storefront: { createOrder: 1, cancelOrder: 1 },
      erp: { CreateSalesOrder: 1, CancelSalesOrder: 1 },
      billing: {},
    });
  });
});
