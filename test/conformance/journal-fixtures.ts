/** Plans, clocks and a driver that walks a write through its steps, for the journal suite. */
import type { NewWrite, PlannedStep, Write, WriteJournal } from '../../gateway/writes/index.js';

/** A clock a test moves by hand, so leases and keys expire without waiting. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

export function testClock(start = Date.UTC(2026, 10, 30, 12, 0, 0)): TestClock {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

/** placeOrder's three steps, one of each kind of repeat safety. */
export const ORDER_STEPS: readonly PlannedStep[] = Object.freeze([
  {
    index: 0,
    source: 'storefront',
    operation: 'createOrder',
    repeatSafety: { kind: 'backend-key' },
    compensation: { kind: 'operation', operation: 'cancelOrder' },
  },
  {
    index: 1,
    source: 'erp',
    operation: 'createSalesOrder',
    repeatSafety: { kind: 'natural-key', lookup: 'findSalesOrderByReference' },
    compensation: { kind: 'operation', operation: 'cancelSalesOrder' },
  },
  {
    index: 2,
    source: 'billing',
    operation: 'createInvoice',
    repeatSafety: { kind: 'none' },
    compensation: { kind: 'none', reason: 'an issued invoice is voided by a person' },
  },
]);

let requests = 0;

export function orderPlan(overrides: Partial<NewWrite> = {}): NewWrite {
  requests += 1;
  return {
    mutation: 'placeOrder',
    input: { customerId: 'cus_1', lines: [{ sku: 'SKU-1', quantity: 2 }] },
    caller: { identity: null, requestId: `req-${requests}` },
    idempotencyKey: null,
    steps: ORDER_STEPS,
    ...overrides,
  };
}

export const LEASE_MS = 30_000;

/** Begins a write for `owner` and runs it to `succeeded`, as the executor will. */
export async function runToSuccess(
  journal: WriteJournal,
  plan: NewWrite,
  owner = 'gw-a',
): Promise<Write> {
  const begun = await journal.begin(plan, { owner, leaseMs: LEASE_MS });
  if (!begun.created) return begun.write;
  const id = begun.write.id;
  await journal.transition(id, owner, { state: 'running' });
  for (const step of begun.write.steps) {
    await journal.recordStep(id, owner, step.index, {
      state: 'sent',
      request: { step: step.index },
    });
    await journal.recordStep(id, owner, step.index, {
      state: 'succeeded',
      result: { id: `${step.source}-${step.index}` },
    });
  }
  return journal.transition(id, owner, {
    state: 'succeeded',
    result: { placeOrder: { id: 'ord_1' } },
  });
}

/** Takes a write to the dead-letter queue: step 0 succeeded, step 1 unknown. */
export async function runToDeadLetter(
  journal: WriteJournal,
  plan: NewWrite,
  owner = 'gw-a',
): Promise<Write> {
  const { write } = await journal.begin(plan, { owner, leaseMs: LEASE_MS });
  await journal.transition(write.id, owner, { state: 'running' });
  await journal.recordStep(write.id, owner, 0, { state: 'sent' });
  await journal.recordStep(write.id, owner, 0, {
    state: 'succeeded',
    result: { orderId: 'ord_1' },
  });
  await journal.recordStep(write.id, owner, 1, { state: 'sent' });
  await journal.recordStep(write.id, owner, 1, {
    state: 'unknown',
    error: {
      code: 'SOURCE_TIMEOUT',
      message: 'erp did not answer within 2000 ms',
      source: 'erp',
      step: 1,
    },
  });
  return journal.transition(write.id, owner, {
    state: 'dead-lettered',
    reason: 'erp: outcome unknown and the step is not repeatable',
  });
}

/** The code of the error `promise` rejects with (fails the test when it resolves). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
  throw new Error('expected a rejection, got a value');
}
