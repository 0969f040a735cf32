/**
 * Two gateway instances on one SQLite journal with a 3 s lease, and an erp
 * step held (hangAfterApply) until the erp's 6 s timeout: the instance
 * driving the write renews its lease while the step is in flight, so no
 * recovery (every 100 ms, on either instance) takes it over; and when the write
 * is taken from it anyway, the first instance records nothing more and
 * answers WRITE_INCOMPLETE, never an internal journal code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Write } from '../../../gateway/writes/model.js';
import { createSqliteJournal } from '../../../gateway/writes/sqlite.js';
import type { WriteJournal } from '../../../gateway/writes/store.js';
import {
  startGatewayOn,
  startSystems,
  track,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';
import { recordsReader, type RecordsReader } from './records.js';
import { orderInput, PLACE_ORDER, tempDir, writesConfig } from './setup.js';

useHarness();
let systems: Systems;
let one: TestGateway;
let two: TestGateway;
let records: RecordsReader;
let journalPath: string;
let journal: WriteJournal;

beforeAll(async () => {
  systems = await startSystems();
  journalPath = `${tempDir()}/journal.db`;
  // Both recover every 100 ms: the one driving the write (its background drive racing its own
  // recovery, the fault run's WRITE_STEP_TRANSITION_INVALID) and the other.
  const writes = { sqlitePath: journalPath, leaseMs: 3_000, recoveryIntervalMs: 100 };
  one = await startGatewayOn(writesConfig(systems, writes, {}, { erp: 6_000 }));
  two = await startGatewayOn(writesConfig(systems, writes, {}, { erp: 6_000 }));
  records = await recordsReader(systems);
  journal = track(await createSqliteJournal({ path: journalPath }), 'journal reader');
}, 120_000);
afterAll(async () => {
  await one?.close();
  await two?.close();
  await records?.close();
});

/** Polls `read` until `done` says yes; a 60 s safety net against hangs, not a timing assertion. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const holdErpStep = (): void =>
  systems.erp.misbehaviour.set({ operations: ['CreateSalesOrder'], hangAfterApply: 1 } as never);

describe('the lease of a write whose step outlasts it', { timeout: 120_000 }, () => {
  it('is renewed while the step is in flight: the other instance never takes the write over', async () => {
    holdErpStep();
    const before = systems.counts();
    const answer = await one.graphql(
      PLACE_ORDER,
      { input: orderInput({ customerId: 'cus_0011' }) },
      { headers: { 'idempotency-key': `lease-held-${Date.now()}` } },
    );
    systems.erp.misbehaviour.set({});
    expect(answer.body.errors).toBeUndefined();
    const writeId = (answer.body.extensions?.write as { id: string }).id;
    const trail = await journal.audit({ writeId });
    // Claimed once, by `begin`; never taken over by the other instance's recovery.
    expect(trail.filter((entry) => entry.event === 'claimed')).toEqual([]);
    expect(new Set(trail.map((entry) => entry.actor)).size).toBe(1);
    const orderId = answer.body.data.placeOrder.id as string;
    expect(await records.order(orderId)).toEqual({
      storefront: 'PENDING',
      erp: 1,
      billing: ['INVOICE_STATUS_OPEN'],
    });
    const after = systems.counts();
    expect(after.erp.CreateSalesOrder! - (before.erp.CreateSalesOrder ?? 0)).toBe(1);
    expect(after.billing.CreateInvoice! - (before.billing.CreateInvoice ?? 0)).toBe(1);
  });

  it('once taken over mid-step, records nothing more and answers WRITE_INCOMPLETE, then replays the settled write', async () => {
    holdErpStep();
    const key = `lease-lost-${Date.now()}`;
    const headers = { 'idempotency-key': key };
    const input = orderInput({ customerId: 'cus_0012' });
    const before = systems.counts();
    const answering = one.graphql(PLACE_ORDER, { input }, { headers });
    await until(
      async () => systems.counts().erp.CreateSalesOrder ?? 0,
      (count) => count > (before.erp.CreateSalesOrder ?? 0),
    );
    // An intruder whose clock runs an hour ahead sees the lease lapsed and takes the write for an hour.
    const intruder = track(
      await createSqliteJournal({ path: journalPath, now: () => Date.now() + 3_600_000 }),
      'intruder journal',
    );
    const [taken] = await intruder.claimUnfinished({
      owner: 'intruder',
      leaseMs: 3_600_000,
      olderThanMs: 0,
    });
    expect(taken?.steps.map((step) => step.state)).toEqual(['succeeded', 'sent', 'pending']);

    const answer = await answering;
    systems.erp.misbehaviour.set({});
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('WRITE_INCOMPLETE');
    // Fenced: the first instance recorded nothing after losing the write, and sent no further step.
    const held = (await journal.get(taken!.id)) as Write;
    expect([held.state, held.claimOwner]).toEqual(['running', 'intruder']);
    expect(held.steps.map((step) => step.state)).toEqual(['succeeded', 'sent', 'pending']);
    expect(systems.counts().billing.CreateInvoice ?? 0).toBe(before.billing.CreateInvoice ?? 0);

    // The intruder lets go; the second instance's recovery settles it (the erp order found by lookup).
    await intruder.release(taken!.id, 'intruder');
    const settled = await until(
      async () => (await journal.get(taken!.id)) as Write,
      (write) => write.state === 'succeeded' || write.state === 'dead-lettered',
    );
    expect(settled.state).toBe('succeeded');
    const again = await one.graphql(PLACE_ORDER, { input }, { headers });
    expect(again.body.errors).toBeUndefined();
    expect(again.body.extensions?.write).toMatchObject({ id: taken!.id, replayed: true });
    const orderId = again.body.data.placeOrder.id as string;
    expect(await records.order(orderId)).toEqual({
      storefront: 'PENDING',
      erp: 1,
      billing: ['INVOICE_STATUS_OPEN'],
    });
    const after = systems.counts();
    expect(after.erp.CreateSalesOrder! - (before.erp.CreateSalesOrder ?? 0)).toBe(1);
    expect(after.billing.CreateInvoice! - (before.billing.CreateInvoice ?? 0)).toBe(1);
  });
});
