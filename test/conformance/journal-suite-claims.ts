/** The journal suite: who may record a write's progress, leases, recovery. */
import { describe, expect, it } from 'vitest';
import type { Setup } from './journal-suite.js';
import { LEASE_MS, codeOf, orderPlan, runToDeadLetter, runToSuccess } from './journal-fixtures.js';

export function claimTests(setup: Setup): void {
  describe('claims', () => {
    it('lets only the owner record progress; anyone else gets WRITE_NOT_CLAIMED', async () => {
      const { journal } = await setup();
      const { write } = await journal.begin(orderPlan(), { owner: 'gw-a', leaseMs: LEASE_MS });
      expect(await codeOf(journal.transition(write.id, 'gw-b', { state: 'running' }))).toBe(
        'WRITE_NOT_CLAIMED',
      );
      await journal.transition(write.id, 'gw-a', { state: 'running' });
      expect(await codeOf(journal.recordStep(write.id, 'gw-b', 0, { state: 'sent' }))).toBe(
        'WRITE_NOT_CLAIMED',
      );
      expect(await journal.claim(write.id, 'gw-b', LEASE_MS)).toBeNull();
      expect((await journal.get(write.id))?.steps[0]?.attempts).toBe(0);
    });

    it('lets another instance take a write over once its lease lapsed, and fences the old owner out', async () => {
      const { journal, clock } = await setup();
      const { write } = await journal.begin(orderPlan(), { owner: 'gw-a', leaseMs: LEASE_MS });
      await journal.transition(write.id, 'gw-a', { state: 'running' });
      clock.advance(LEASE_MS - 1);
      expect(await journal.claim(write.id, 'gw-b', LEASE_MS)).toBeNull();
      expect((await journal.claim(write.id, 'gw-a', LEASE_MS))?.claimExpiresAt).toBe(
        clock.now() + LEASE_MS,
      ); // renewed
      clock.advance(LEASE_MS);
      const taken = await journal.claim(write.id, 'gw-b', LEASE_MS);
      expect(taken).toMatchObject({ claimOwner: 'gw-b', state: 'running' });
      expect(await codeOf(journal.recordStep(write.id, 'gw-a', 0, { state: 'sent' }))).toBe(
        'WRITE_NOT_CLAIMED',
      );
      await journal.recordStep(write.id, 'gw-b', 0, { state: 'sent' });
      const claims = (await journal.audit({ writeId: write.id })).filter(
        (entry) => entry.event === 'claimed',
      );
      expect(claims.map((entry) => entry.actor)).toEqual(['gw-b']);
    });

    it('renews only a claim its owner still holds, even lapsed, and never takes a write back', async () => {
      const { journal, clock } = await setup();
      const { write } = await journal.begin(orderPlan(), { owner: 'gw-a', leaseMs: LEASE_MS });
      clock.advance(LEASE_MS + 1); // lapsed, but nobody took it: still gw-a's
      expect((await journal.renew(write.id, 'gw-a', LEASE_MS))?.claimExpiresAt).toBe(
        clock.now() + LEASE_MS,
      );
      expect(await journal.renew(write.id, 'gw-b', LEASE_MS)).toBeNull();
      clock.advance(LEASE_MS + 1);
      expect((await journal.claim(write.id, 'gw-b', LEASE_MS))?.claimOwner).toBe('gw-b');
      clock.advance(LEASE_MS + 1); // gw-b's lease lapsed too: renew still refuses gw-a
      expect(await journal.renew(write.id, 'gw-a', LEASE_MS)).toBeNull();
      expect((await journal.get(write.id))?.claimOwner).toBe('gw-b');
      const done = await runToSuccess(journal, orderPlan());
      expect(await journal.renew(done.id, 'gw-a', LEASE_MS)).toBeNull();
      expect(await codeOf(journal.renew('no-such-write', 'gw-a', LEASE_MS))).toBe(
        'WRITE_NOT_FOUND',
      );
    });

    it('does not claim a write that is not in flight, and release gives a claim up', async () => {
      const { journal } = await setup();
      const done = await runToSuccess(journal, orderPlan());
      const parked = await runToDeadLetter(journal, orderPlan());
      expect(await journal.claim(done.id, 'gw-b', LEASE_MS)).toBeNull();
      expect(await journal.claim(parked.id, 'gw-b', LEASE_MS)).toBeNull();
      expect(await codeOf(journal.claim('no-such-write', 'gw-b', LEASE_MS))).toBe(
        'WRITE_NOT_FOUND',
      );
      const { write } = await journal.begin(orderPlan(), { owner: 'gw-a', leaseMs: LEASE_MS });
      await journal.release(write.id, 'gw-b'); // not the owner: nothing happens
      expect((await journal.get(write.id))?.claimOwner).toBe('gw-a');
      await journal.release(write.id, 'gw-a');
      expect((await journal.claim(write.id, 'gw-b', LEASE_MS))?.claimOwner).toBe('gw-b');
    });

    it('recovers only writes in flight, idle for olderThanMs and without a live lease, oldest first, up to the limit', async () => {
      const { journal, clock } = await setup();
      const ids: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const { write } = await journal.begin(orderPlan(), { owner: 'gw-dead', leaseMs: LEASE_MS });
        ids.push(write.id);
        clock.advance(1000);
      }
      await runToSuccess(journal, orderPlan(), 'gw-dead');
      await runToDeadLetter(journal, orderPlan(), 'gw-dead');
      const { write: live } = await journal.begin(orderPlan(), {
        owner: 'gw-alive',
        leaseMs: 10 * LEASE_MS,
      });
      expect(
        await journal.claimUnfinished({ owner: 'gw-b', leaseMs: LEASE_MS, olderThanMs: 0 }),
      ).toHaveLength(0); // leases still live
      clock.advance(LEASE_MS);
      expect(
        await journal.claimUnfinished({
          owner: 'gw-b',
          leaseMs: LEASE_MS,
          olderThanMs: 10 * LEASE_MS,
        }),
      ).toHaveLength(0); // not idle long enough
      const first = await journal.claimUnfinished({
        owner: 'gw-b',
        leaseMs: LEASE_MS,
        olderThanMs: 1000,
        limit: 3,
      });
      expect(first.map((write) => write.id)).toEqual(ids.slice(0, 3));
      expect(first.every((write) => write.claimOwner === 'gw-b' && write.steps.length === 3)).toBe(
        true,
      );
      const rest = await journal.claimUnfinished({
        owner: 'gw-c',
        leaseMs: LEASE_MS,
        olderThanMs: 1000,
      });
      expect(rest.map((write) => write.id)).toEqual(ids.slice(3));
      expect((await journal.get(live.id))?.claimOwner).toBe('gw-alive');
    });
  });
}
