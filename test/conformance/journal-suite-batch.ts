/** The journal suite: several changes of one write in one transaction (`record`). */
import { describe, expect, it } from 'vitest';
import type { Setup } from './journal-suite.js';
import { LEASE_MS, codeOf, orderPlan } from './journal-fixtures.js';

export function batchTests(setup: Setup): void {
  describe('record: several changes in one commit', () => {
    it('runs a write with one commit per step boundary, each change checked against the one before', async () => {
      const { journal } = await setup();
      const { write } = await journal.begin(orderPlan(), { owner: 'gw-a', leaseMs: LEASE_MS });
      await journal.record(write.id, 'gw-a', [
        { write: { state: 'running' } },
        { step: 0, outcome: { state: 'sent' } },
      ]);
      await journal.record(write.id, 'gw-a', [
        { step: 0, outcome: { state: 'succeeded', result: { orderId: 'ord_1' } } },
        { step: 1, outcome: { state: 'sent' } },
      ]);
      await journal.record(write.id, 'gw-a', [
        { step: 1, outcome: { state: 'succeeded' } },
        { step: 2, outcome: { state: 'sent' } },
      ]);
      const done = await journal.record(write.id, 'gw-a', [
        { step: 2, outcome: { state: 'succeeded' } },
        { write: { state: 'succeeded', result: { ok: true } } },
      ]);
      expect(done).toMatchObject({ state: 'succeeded', result: { ok: true }, claimOwner: null });
      expect(done.steps.map((step) => [step.state, step.attempts])).toEqual([
        ['succeeded', 1],
        ['succeeded', 1],
        ['succeeded', 1],
      ]);
      expect(await journal.get(write.id)).toEqual(done);
      expect(await journal.audit({ writeId: write.id })).toHaveLength(9);
    });

    it('records all of a batch or none of it', async () => {
      const { journal } = await setup();
      const { write } = await journal.begin(orderPlan(), { owner: 'gw-a', leaseMs: LEASE_MS });
      const before = await journal.audit({ writeId: write.id });
      // The third change is illegal (pending → succeeded): the first two must not stay.
      const changes = [
        { write: { state: 'running' as const } },
        { step: 0, outcome: { state: 'sent' as const } },
        { step: 1, outcome: { state: 'succeeded' as const } },
      ];
      expect(await codeOf(journal.record(write.id, 'gw-a', changes))).toBe(
        'WRITE_STEP_TRANSITION_INVALID',
      );
      expect(await journal.get(write.id)).toEqual(write);
      expect(await journal.audit({ writeId: write.id })).toEqual(before);
      expect(await codeOf(journal.record(write.id, 'gw-a', []))).toBe('WRITE_RECORD_INVALID');
      expect(
        await codeOf(journal.record(write.id, 'gw-b', [{ write: { state: 'running' } }])),
      ).toBe('WRITE_NOT_CLAIMED');
      expect(
        await codeOf(journal.record(write.id, 'gw-a', [{ write: { state: 'replaying' } }])),
      ).toBe('WRITE_TRANSITION_INVALID');
      const finished = [
        { write: { state: 'dead-lettered' as const, reason: 'parked' } },
        { write: { state: 'replaying' as const } },
      ];
      expect(await codeOf(journal.record(write.id, 'gw-a', finished))).toBe(
        'WRITE_TRANSITION_INVALID',
      );
      expect((await journal.get(write.id))?.state).toBe('planned');
    });
  });
}
