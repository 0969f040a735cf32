/**
 * The fault run's verdict (bench/fault-check.ts) on hand-made write logs and
 * journals: a clean run counts nothing, and each way a run can go wrong
 * (lost, doubled, incomplete outside the dead-letter queue, in flight,
 * untracked) is counted as itself.
 */
import { describe, expect, it } from 'vitest';
import {
  checkFaultRun,
  type AppliedEntry,
  type JournalWrite,
  type SystemsRecords,
} from '../../../bench/fault-check.js';

const key = (writeId: string, step: number): string => `swb-${writeId}-${step}-do`;

/** What the three systems log for a placed order of write `id`. */
function placed(id: string, order = `ord_${id}`): Record<keyof SystemsRecords, AppliedEntry[]> {
  return {
    storefront: [{ operation: 'createOrder', id: order, idempotencyKey: key(id, 0) }],
    erp: [{ operation: 'CreateSalesOrder', id: `SO-${id}`, externalReference: order }],
    billing: [
      {
        operation: 'CreateInvoice',
        id: `inv_${id}`,
        idempotencyKey: key(id, 2),
        externalReference: order,
      },
    ],
  };
}

function records(...parts: Array<Partial<Record<keyof SystemsRecords, AppliedEntry[]>>>) {
  const joined = (system: keyof SystemsRecords) => ({
    writes: parts.flatMap((part) => part[system] ?? []),
  });
  return { storefront: joined('storefront'), erp: joined('erp'), billing: joined('billing') };
}

const write = (id: string, state: string, mutation = 'placeOrder'): JournalWrite => ({
  id,
  mutation,
  state,
  idempotencyKey: `client-${id}`,
});

describe('checkFaultRun', () => {
  it('counts nothing for placed, undone and adjusted writes, and a dead letter as a dead letter', () => {
    const undone = placed('b');
    const counts = checkFaultRun(
      records(
        placed('a'),
        undone,
        {
          storefront: [{ operation: 'cancelOrder', id: 'ord_b' }],
          erp: [
            { operation: 'CancelSalesOrder', id: 'SO-b' },
            { operation: 'AdjustInventory', id: 'ADJ-1', requestId: key('d', 0) },
          ],
          billing: [{ operation: 'VoidInvoice', id: 'inv_b' }],
        },
        { storefront: placed('c').storefront },
      ),
      [
        write('a', 'succeeded'),
        write('b', 'compensated'),
        write('c', 'dead-lettered'),
        write('d', 'succeeded', 'adjustInventory'),
      ],
      [
        { key: 'client-a', outcome: 'succeeded', writeId: 'a' },
        { key: 'client-b', outcome: 'WRITE_FAILED' },
        { key: 'client-d', outcome: 'succeeded' },
      ],
    );
    expect(counts).toMatchObject({
      writes: 4,
      lost: 0,
      doubled: 0,
      incompleteOutsideDeadLetters: 0,
      unsettled: 0,
      untracked: 0,
      keysWithTwoWrites: 0,
      deadLettered: 1,
      problems: [],
    });
  });

  it('counts a success some system lacks as lost, and a write applied twice as doubled', () => {
    const missingInvoice = { ...placed('a'), billing: [] };
    const twice = placed('b');
    const counts = checkFaultRun(
      records(missingInvoice, twice, { erp: [{ ...twice.erp[0]!, id: 'SO-b2' }] }),
      [write('a', 'succeeded'), write('b', 'succeeded')],
      [
        { key: 'client-a', outcome: 'succeeded' },
        { key: 'client-b', outcome: 'succeeded' },
      ],
    );
    expect(counts).toMatchObject({ lost: 2, doubled: 1, incompleteOutsideDeadLetters: 1 });
    expect(counts.suspects).toEqual(expect.arrayContaining(['a', 'b']));
  });

  it('counts an undone write that still stands somewhere, a write in flight, and records no write explains', () => {
    const counts = checkFaultRun(
      records(placed('a'), placed('x'), {
        storefront: [{ operation: 'cancelOrder', id: 'ord_a' }],
        erp: [{ operation: 'CancelSalesOrder', id: 'SO-a' }],
      }),
      [write('a', 'compensated'), write('b', 'running')],
      [{ key: 'client-b', outcome: 'succeeded' }],
    );
    expect(counts).toMatchObject({
      incompleteOutsideDeadLetters: 1,
      unsettled: 1,
      untracked: 3,
      lost: 1,
    });
  });
});
