/** The journal suite: plans, step outcomes, the write's state machine, dead letters, durability. */
import { describe, expect, it } from 'vitest';
import { WRITE_TRANSITIONS, type JsonValue, type WriteState } from '../../gateway/writes/index.js';
import type { Setup } from './journal-suite.js';
import { LEASE_MS, codeOf, orderPlan, runToDeadLetter, runToSuccess } from './journal-fixtures.js';

export function lifecycleTests(setup: Setup): void {
  describe('plans and outcomes', () => {
    it('records the plan before the first call: planned, every step pending, claimed by its owner, audited', async () => {
      const { journal, clock } = await setup();
      const { created, write } = await journal.begin(orderPlan({ idempotencyKey: 'order-1' }), {
        owner: 'gw-a',
        leaseMs: LEASE_MS,
      });
      expect(created).toBe(true);
      const stored = await journal.get(write.id);
      expect(stored).toEqual(write);
      expect(stored).toMatchObject({
        mutation: 'placeOrder',
        state: 'planned',
        idempotencyKey: 'order-1',
        claimOwner: 'gw-a',
        claimExpiresAt: clock.now() + LEASE_MS,
        createdAt: clock.now(),
      });
      expect(stored?.inputHash).toMatch(/^[0-9a-f]{64}$/);
      expect(
        stored?.steps.map((step) => [step.index, step.source, step.state, step.attempts]),
      ).toEqual([
        [0, 'storefront', 'pending', 0],
        [1, 'erp', 'pending', 0],
        [2, 'billing', 'pending', 0],
      ]);
      expect(stored?.steps[1]?.repeatSafety).toEqual({
        kind: 'natural-key',
        lookup: 'findSalesOrderByReference',
      });
      expect(stored?.steps[2]?.compensation).toEqual({
        kind: 'none',
        reason: 'an issued invoice is voided by a person',
      });
      const trail = await journal.audit({ writeId: write.id });
      expect(trail.map((entry) => [entry.event, entry.state, entry.actor])).toEqual([
        ['planned', 'planned', 'gw-a'],
      ]);
    });

    it('gives every step and every compensation its own key, the same on every read', async () => {
      const { journal } = await setup();
      const { write } = await journal.begin(orderPlan(), { owner: 'gw-a', leaseMs: LEASE_MS });
      const { write: other } = await journal.begin(orderPlan(), {
        owner: 'gw-a',
        leaseMs: LEASE_MS,
      });
      const keys = [...write.steps, ...other.steps].flatMap((step) => [
        step.idempotencyKey,
        step.compensationKey,
      ]);
      expect(new Set(keys).size).toBe(12);
      expect((await journal.get(write.id))?.steps.map((step) => step.idempotencyKey)).toEqual(
        write.steps.map((step) => step.idempotencyKey),
      );
    });

    it('keeps input and results exactly as given: unicode, NUL, quotes, large and negative numbers', async () => {
      const { journal } = await setup();
      const input: JsonValue = {
        note: 'naïve "quoted" \\ 𝄞 \u0000 end',
        big: 9007199254740991,
        negative: -0.5,
        nested: { b: [true, null], a: 'x' },
      };
      const { write } = await journal.begin(orderPlan({ input }), {
        owner: 'gw-a',
        leaseMs: LEASE_MS,
      });
      await journal.transition(write.id, 'gw-a', { state: 'running' });
      await journal.recordStep(write.id, 'gw-a', 0, { state: 'sent', request: input });
      await journal.recordStep(write.id, 'gw-a', 0, { state: 'succeeded', result: input });
      const stored = await journal.get(write.id);
      expect(stored?.input).toEqual(input);
      expect(stored?.steps[0]?.request).toEqual(input);
      expect(stored?.steps[0]?.result).toEqual(input);
    });

    it('refuses a malformed plan with WRITE_RECORD_INVALID and stores nothing', async () => {
      const { journal } = await setup({ maxValueBytes: 4096 });
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      let deep: unknown = 'leaf';
      for (let i = 0; i < 100; i += 1) deep = [deep];
      const [first, second] = orderPlan().steps;
      const bad: unknown[] = [
        orderPlan({ steps: [] }),
        orderPlan({ steps: [second!] }), // index 1 at position 0
        orderPlan({ steps: [{ ...first!, repeatSafety: { kind: 'natural-key' } as never }] }),
        orderPlan({ steps: [{ ...first!, compensation: { kind: 'none' } as never }] }),
        orderPlan({ steps: [{ ...first!, source: '' }] }),
        orderPlan({ mutation: 'x'.repeat(10_000) }),
        orderPlan({ input: { amount: Number.NaN } }),
        orderPlan({ input: { at: new Date() } as never }),
        orderPlan({ input: { missing: undefined } as never }),
        orderPlan({ input: cyclic as never }),
        orderPlan({ input: deep as never }),
        orderPlan({ input: 'x'.repeat(5000) }),
        orderPlan({ caller: { identity: null, requestId: '' } }),
        orderPlan({ caller: { identity: 'nul\u0000inside', requestId: 'r' } }),
        orderPlan({ mutation: 'lone\uD800surrogate' }),
      ];
      for (const plan of bad) {
        expect(
          await codeOf(journal.begin(plan as never, { owner: 'gw-a', leaseMs: LEASE_MS })),
        ).toBe('WRITE_RECORD_INVALID');
      }
      expect(await codeOf(journal.begin(orderPlan(), { owner: 'gw-a', leaseMs: 0 }))).toBe(
        'WRITE_RECORD_INVALID',
      );
      expect(await journal.list()).toHaveLength(0);
      expect(await journal.audit()).toHaveLength(0);
    });
  });

  describe('the state machine', () => {
    it('runs a write to success: attempts, requests, results and the answer are kept; the claim is released', async () => {
      const { journal } = await setup();
      const { write } = await journal.begin(orderPlan(), { owner: 'gw-a', leaseMs: LEASE_MS });
      await journal.transition(write.id, 'gw-a', { state: 'running' });
      await journal.recordStep(write.id, 'gw-a', 0, { state: 'sent', request: { try: 1 } });
      await journal.recordStep(write.id, 'gw-a', 0, {
        state: 'failed-transient',
        error: {
          code: 'SOURCE_UNAVAILABLE',
          message: 'storefront answered 503',
          source: 'storefront',
          step: 0,
        },
      });
      await journal.recordStep(write.id, 'gw-a', 0, { state: 'sent', request: { try: 2 } });
      const afterRetry = await journal.recordStep(write.id, 'gw-a', 0, {
        state: 'succeeded',
        result: { orderId: 'ord_1' },
      });
      expect(afterRetry.steps[0]).toMatchObject({
        state: 'succeeded',
        attempts: 2,
        request: { try: 2 },
        result: { orderId: 'ord_1' },
        error: null,
      });
      for (const index of [1, 2]) {
        await journal.recordStep(write.id, 'gw-a', index, { state: 'sent' });
        await journal.recordStep(write.id, 'gw-a', index, {
          state: 'succeeded',
          result: { index },
        });
      }
      const done = await journal.transition(write.id, 'gw-a', {
        state: 'succeeded',
        result: { placeOrder: { id: 'ord_1' } },
      });
      expect(done).toMatchObject({
        state: 'succeeded',
        result: { placeOrder: { id: 'ord_1' } },
        claimOwner: null,
        claimExpiresAt: null,
      });
      expect(done.steps.map((step) => step.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      // What each member returns is what a later read finds.
      expect(await journal.get(write.id)).toEqual(done);
    });

    it('refuses every move the state machine does not list, with WRITE_TRANSITION_INVALID, and changes nothing', async () => {
      const { journal } = await setup();
      const { write } = await journal.begin(orderPlan(), { owner: 'gw-a', leaseMs: LEASE_MS });
      const targets = Object.keys(WRITE_TRANSITIONS) as WriteState[];
      const illegal = targets.filter((state) => !WRITE_TRANSITIONS.planned.includes(state));
      expect(illegal.length).toBe(6);
      for (const state of illegal) {
        expect(
          await codeOf(journal.transition(write.id, 'gw-a', { state, reason: 'x' })),
          `planned → ${state}`,
        ).toBe('WRITE_TRANSITION_INVALID');
      }
      expect(
        await codeOf(journal.recordStep(write.id, 'gw-a', 0, { state: 'sent' })),
        'a step of a planned write',
      ).toBe('WRITE_TRANSITION_INVALID');
      const done = await runToSuccess(journal, orderPlan());
      for (const state of targets) {
        expect(
          await codeOf(journal.transition(done.id, 'gw-a', { state, reason: 'x' })),
          `succeeded → ${state}`,
        ).toMatch(/^WRITE_(TRANSITION_INVALID|NOT_CLAIMED)$/);
      }
      expect((await journal.get(write.id))?.state).toBe('planned');
      expect((await journal.audit({ writeId: write.id })).length).toBe(1);
    });

    it('refuses illegal step moves with WRITE_STEP_TRANSITION_INVALID, and failures without an error', async () => {
      const { journal } = await setup();
      const { write } = await journal.begin(orderPlan(), { owner: 'gw-a', leaseMs: LEASE_MS });
      await journal.transition(write.id, 'gw-a', { state: 'running' });
      expect(await codeOf(journal.recordStep(write.id, 'gw-a', 0, { state: 'succeeded' }))).toBe(
        'WRITE_STEP_TRANSITION_INVALID',
      );
      expect(await codeOf(journal.recordStep(write.id, 'gw-a', 0, { state: 'compensated' }))).toBe(
        'WRITE_STEP_TRANSITION_INVALID',
      );
      await journal.recordStep(write.id, 'gw-a', 0, { state: 'sent' });
      expect(
        await codeOf(journal.recordStep(write.id, 'gw-a', 0, { state: 'failed-permanent' })),
      ).toBe('WRITE_RECORD_INVALID');
      expect(await codeOf(journal.recordStep(write.id, 'gw-a', 3, { state: 'sent' }))).toBe(
        'WRITE_RECORD_INVALID',
      );
      expect(await codeOf(journal.recordStep(write.id, 'gw-a', -1, { state: 'sent' }))).toBe(
        'WRITE_RECORD_INVALID',
      );
      expect(
        (await journal.get(write.id))?.steps.map((step) => [step.state, step.attempts]),
      ).toEqual([
        ['sent', 1],
        ['pending', 0],
        ['pending', 0],
      ]);
    });

    it('compensates in reverse order and records each compensation', async () => {
      const { journal } = await setup();
      const { write } = await journal.begin(orderPlan(), { owner: 'gw-a', leaseMs: LEASE_MS });
      await journal.transition(write.id, 'gw-a', { state: 'running' });
      for (const index of [0, 1]) {
        await journal.recordStep(write.id, 'gw-a', index, { state: 'sent' });
        await journal.recordStep(write.id, 'gw-a', index, {
          state: 'succeeded',
          result: { index },
        });
      }
      const failure = {
        code: 'SOURCE_REJECTED',
        message: 'billing refused the invoice',
        source: 'billing',
        step: 2,
      };
      await journal.recordStep(write.id, 'gw-a', 2, { state: 'sent' });
      await journal.recordStep(write.id, 'gw-a', 2, { state: 'failed-permanent', error: failure });
      await journal.transition(write.id, 'gw-a', { state: 'compensating', error: failure });
      await journal.recordStep(write.id, 'gw-a', 1, { state: 'compensated' });
      await journal.recordStep(write.id, 'gw-a', 0, { state: 'compensated' });
      const done = await journal.transition(write.id, 'gw-a', { state: 'compensated' });
      expect(done).toMatchObject({ state: 'compensated', error: failure, claimOwner: null });
      expect(done.steps.map((step) => step.state)).toEqual([
        'compensated',
        'compensated',
        'failed-permanent',
      ]);
      const steps = (await journal.audit({ writeId: write.id }))
        .filter((entry) => entry.event === 'step')
        .map((entry) => `${entry.step?.source}:${entry.step?.state}`);
      expect(steps.slice(-2)).toEqual(['erp:compensated', 'storefront:compensated']);
    });

    it('parks a write in the dead-letter queue, replays it to success, and discards only dead letters with a reason', async () => {
      const { journal } = await setup();
      const parked = await runToDeadLetter(journal, orderPlan());
      expect(parked).toMatchObject({
        state: 'dead-lettered',
        claimOwner: null,
        reason: 'erp: outcome unknown and the step is not repeatable',
      });
      expect(parked.steps[1]).toMatchObject({
        state: 'unknown',
        error: { code: 'SOURCE_TIMEOUT', source: 'erp' },
      });
      expect((await journal.list({ states: ['dead-lettered'] })).map((write) => write.id)).toEqual([
        parked.id,
      ]);

      const replaying = await journal.markReplay(parked.id, 'gw-b', LEASE_MS, 'ops@example.com');
      expect(replaying).toMatchObject({ state: 'replaying', claimOwner: 'gw-b' });
      expect(await codeOf(journal.markReplay(parked.id, 'gw-b', LEASE_MS, 'ops@example.com'))).toBe(
        'WRITE_TRANSITION_INVALID',
      );
      await journal.recordStep(parked.id, 'gw-b', 1, {
        state: 'succeeded',
        result: { salesOrder: 'SO-1' },
      }); // found by its natural key
      await journal.recordStep(parked.id, 'gw-b', 2, { state: 'sent' });
      await journal.recordStep(parked.id, 'gw-b', 2, {
        state: 'succeeded',
        result: { invoice: 'INV-1' },
      });
      expect(
        (await journal.transition(parked.id, 'gw-b', { state: 'succeeded', result: {} })).state,
      ).toBe('succeeded');

      const other = await runToDeadLetter(journal, orderPlan());
      expect(await codeOf(journal.discard(other.id, 'ops@example.com', '   '))).toBe(
        'WRITE_RECORD_INVALID',
      );
      expect(await codeOf(journal.discard(parked.id, 'ops@example.com', 'no longer wanted'))).toBe(
        'WRITE_TRANSITION_INVALID',
      );
      expect(
        await codeOf(journal.discard(other.id, 'ops@example.com', 'nul \u0000 in a reason')),
      ).toBe('WRITE_RECORD_INVALID');
      const discarded = await journal.discard(
        other.id,
        'ops@example.com',
        'customer cancelled by phone',
      );
      expect(discarded).toMatchObject({
        state: 'discarded',
        reason: 'customer cancelled by phone',
      });
      const last = (await journal.audit({ writeId: other.id })).at(-1);
      expect(last).toMatchObject({
        actor: 'ops@example.com',
        state: 'discarded',
        detail: 'customer cancelled by phone',
      });
      expect(await journal.list({ states: ['dead-lettered'] })).toHaveLength(0);
    });
  });

  describe('durability', () => {
    it('has everything after close and reopen: writes, steps, keys, claims and the audit trail', async () => {
      const fixture = await setup();
      const done = await runToSuccess(fixture.journal, orderPlan({ idempotencyKey: 'order-7' }));
      const { write: inFlight } = await fixture.journal.begin(orderPlan(), {
        owner: 'gw-a',
        leaseMs: LEASE_MS,
      });
      const parked = await runToDeadLetter(fixture.journal, orderPlan());
      const trail = await fixture.journal.audit();
      const reopened = await fixture.reopen();
      expect(await reopened.get(done.id)).toEqual(done);
      expect(await reopened.get(inFlight.id)).toEqual(inFlight);
      expect(await reopened.get(parked.id)).toEqual(parked);
      expect(await reopened.audit()).toEqual(trail);
      const again = await reopened.begin(orderPlan({ idempotencyKey: 'order-7' }), {
        owner: 'gw-b',
        leaseMs: LEASE_MS,
      });
      expect(again).toEqual({ created: false, write: done });
      expect(await codeOf(reopened.recordStep(inFlight.id, 'gw-b', 0, { state: 'sent' }))).toBe(
        'WRITE_NOT_CLAIMED',
      );
    });

    it('closes twice without error, and fails with WRITE_JOURNAL_UNAVAILABLE once closed', async () => {
      const { journal } = await setup();
      await journal.close();
      await journal.close();
      expect(await codeOf(journal.list())).toBe('WRITE_JOURNAL_UNAVAILABLE');
    });
  });
}
