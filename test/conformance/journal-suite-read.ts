/** The journal suite: listing writes and reading the audit trail. */
import { describe, expect, it } from 'vitest';
import type { Setup } from './journal-suite.js';
import { LEASE_MS, codeOf, orderPlan, runToDeadLetter, runToSuccess } from './journal-fixtures.js';

export function readTests(setup: Setup): void {
  describe('listing and the audit trail', () => {
    it('lists newest first, filters by state, and pages by createdBefore', async () => {
      const { journal, clock } = await setup();
      const done = await runToSuccess(journal, orderPlan());
      clock.advance(10);
      const parked = await runToDeadLetter(journal, orderPlan());
      clock.advance(10);
      const { write: planned } = await journal.begin(orderPlan(), {
        owner: 'gw-a',
        leaseMs: LEASE_MS,
      });
      expect((await journal.list()).map((write) => write.id)).toEqual([
        planned.id,
        parked.id,
        done.id,
      ]);
      expect(
        (await journal.list({ states: ['succeeded', 'planned'] })).map((write) => write.id),
      ).toEqual([planned.id, done.id]);
      expect((await journal.list({ limit: 1 })).map((write) => write.id)).toEqual([planned.id]);
      expect(
        (await journal.list({ createdBefore: planned.createdAt })).map((write) => write.id),
      ).toEqual([parked.id, done.id]);
      expect(await journal.list({ states: [] })).toEqual([]);
      expect((await journal.list({ states: ['dead-lettered'] }))[0]?.steps).toHaveLength(3);
    });

    it('answers get of an unknown id with undefined, and a change of it with WRITE_NOT_FOUND', async () => {
      const { journal } = await setup();
      expect(await journal.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
      expect(await codeOf(journal.transition('missing', 'gw-a', { state: 'running' }))).toBe(
        'WRITE_NOT_FOUND',
      );
      expect(await codeOf(journal.recordStep('missing', 'gw-a', 0, { state: 'sent' }))).toBe(
        'WRITE_NOT_FOUND',
      );
      expect(await codeOf(journal.discard('missing', 'ops', 'why'))).toBe('WRITE_NOT_FOUND');
      expect(await codeOf(journal.markReplay('missing', 'gw-a', LEASE_MS, 'ops'))).toBe(
        'WRITE_NOT_FOUND',
      );
      expect(await codeOf(journal.appendAudit('x'.repeat(5000), 'ops', 'note'))).toBe(
        'WRITE_NOT_FOUND',
      );
    });

    it("keeps one audit entry per change, in order: who, what, when, and each system's outcome", async () => {
      const { journal, clock } = await setup();
      const plan = orderPlan({ caller: { identity: 'partner:alice', requestId: 'req-audit' } });
      const done = await runToSuccess(journal, plan);
      clock.advance(5);
      await journal.appendAudit(done.id, 'gw-a', 'answer sent');
      const trail = await journal.audit({ writeId: done.id });
      // planned, running, 3 × (sent, succeeded), succeeded, note
      expect(trail).toHaveLength(10);
      expect(trail.map((entry) => entry.seq)).toEqual(
        [...trail.map((entry) => entry.seq)].sort((a, b) => a - b),
      );
      expect(new Set(trail.map((entry) => entry.seq)).size).toBe(10);
      expect(
        trail.every(
          (entry) =>
            entry.caller.identity === 'partner:alice' &&
            entry.caller.requestId === 'req-audit' &&
            entry.mutation === 'placeOrder',
        ),
      ).toBe(true);
      expect(
        trail
          .filter((entry) => entry.event === 'step' && entry.step?.state === 'succeeded')
          .map((entry) => entry.step?.source),
      ).toEqual(['storefront', 'erp', 'billing']);
      expect(trail.at(-1)).toMatchObject({
        event: 'note',
        detail: 'answer sent',
        state: 'succeeded',
        at: clock.now(),
      });
    });

    it('stores a failure message that holds NUL or a lone surrogate: exact in the step, made storable in the trail', async () => {
      const { journal } = await setup();
      const { write } = await journal.begin(orderPlan(), { owner: 'gw-a', leaseMs: LEASE_MS });
      await journal.transition(write.id, 'gw-a', { state: 'running' });
      await journal.recordStep(write.id, 'gw-a', 0, { state: 'sent' });
      const error = {
        code: 'SOURCE_BAD_RESPONSE',
        message: `bad \u0000 byte \uDC00 and ${'long '.repeat(300)}`,
        source: 'storefront',
        step: 0,
      };
      const after = await journal.recordStep(write.id, 'gw-a', 0, {
        state: 'failed-transient',
        error,
      });
      expect(after.steps[0]?.error).toEqual(error);
      expect((await journal.get(write.id))?.steps[0]?.error).toEqual(error);
      const detail = (await journal.audit({ writeId: write.id })).at(-1)?.detail ?? '';
      expect(detail.startsWith('bad \uFFFD byte \uFFFD and long')).toBe(true);
      expect(detail.length).toBe(512);
    });

    it("keeps the caller's partner on the write and every entry, and reads the trail per partner", async () => {
      const { journal } = await setup();
      const acme = await runToSuccess(
        journal,
        orderPlan({ caller: { identity: 'tok_acme_1', requestId: 'req-acme', partner: 'acme' } }),
      );
      const globex = await runToDeadLetter(
        journal,
        orderPlan({
          caller: { identity: 'tok_globex_1', requestId: 'req-globex', partner: 'globex' },
        }),
      );
      const anonymous = await runToSuccess(journal, orderPlan());
      expect(acme.caller).toEqual({
        identity: 'tok_acme_1',
        requestId: 'req-acme',
        partner: 'acme',
      });
      expect((await journal.get(acme.id))?.caller).toEqual({
        identity: 'tok_acme_1',
        requestId: 'req-acme',
        partner: 'acme',
      });
      // A caller without a partner reads back without the key, exactly as given.
      expect(Object.keys((await journal.get(anonymous.id))?.caller ?? {})).toEqual([
        'identity',
        'requestId',
      ]);
      const acmeTrail = await journal.audit({ partner: 'acme' });
      expect(acmeTrail.length).toBe(9);
      expect(new Set(acmeTrail.map((entry) => entry.writeId))).toEqual(new Set([acme.id]));
      expect(
        acmeTrail.every(
          (entry) => entry.caller.partner === 'acme' && entry.caller.identity === 'tok_acme_1',
        ),
      ).toBe(true);
      expect(
        new Set((await journal.audit({ partner: 'globex' })).map((entry) => entry.writeId)),
      ).toEqual(new Set([globex.id]));
      expect(await journal.audit({ partner: 'nobody' })).toEqual([]);
      expect(
        await codeOf(
          journal.begin(orderPlan({ caller: { identity: 't', requestId: 'r', partner: '' } }), {
            owner: 'gw-a',
            leaseMs: LEASE_MS,
          }),
        ),
      ).toBe('WRITE_RECORD_INVALID');
    });

    it('reads the trail by time and pages it by seq', async () => {
      const { journal, clock } = await setup();
      const start = clock.now();
      await runToSuccess(journal, orderPlan()); // 9 entries at start
      clock.advance(60_000);
      const later = await runToDeadLetter(journal, orderPlan()); // 7 entries a minute later
      expect(await journal.audit({ since: start, until: start + 1 })).toHaveLength(9);
      const recent = await journal.audit({ since: start + 60_000 });
      expect(recent).toHaveLength(7);
      expect(recent.every((entry) => entry.writeId === later.id)).toBe(true);
      const page = await journal.audit({ limit: 5 });
      const next = await journal.audit({ afterSeq: page.at(-1)?.seq ?? 0 });
      expect(page.length + next.length).toBe(16);
      expect(next[0]?.seq).toBeGreaterThan(page.at(-1)?.seq ?? Infinity);
    });
  });
}
