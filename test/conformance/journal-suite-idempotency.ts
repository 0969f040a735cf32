/** The journal suite: callers' idempotency keys. */
import { describe, expect, it } from 'vitest';
import type { Setup } from './journal-suite.js';
import { LEASE_MS, codeOf, orderPlan, runToDeadLetter, runToSuccess } from './journal-fixtures.js';

const DAY_MS = 86_400_000;

export function idempotencyTests(setup: Setup): void {
  describe('idempotency keys', () => {
    it('answers the same key with the same input from the first write, also when its fields come in another order', async () => {
      const { journal } = await setup();
      const first = await runToSuccess(
        journal,
        orderPlan({ idempotencyKey: 'k-1', input: { a: 1, b: { c: 2, d: [1, 2] } } }),
      );
      const again = await journal.begin(
        orderPlan({ idempotencyKey: 'k-1', input: { b: { d: [1, 2], c: 2 }, a: 1 } }),
        { owner: 'gw-b', leaseMs: LEASE_MS },
      );
      expect(again).toEqual({ created: false, write: first });
      expect(await journal.list()).toHaveLength(1);
    });

    it("answers a dead-lettered write's key from that write: the caller is told again that it is not complete", async () => {
      const { journal } = await setup();
      const parked = await runToDeadLetter(journal, orderPlan({ idempotencyKey: 'k-dl' }));
      const again = await journal.begin(orderPlan({ idempotencyKey: 'k-dl' }), {
        owner: 'gw-b',
        leaseMs: LEASE_MS,
      });
      expect(again).toEqual({ created: false, write: parked });
    });

    it('refuses the same key with another input or another mutation: IDEMPOTENCY_KEY_REUSED', async () => {
      const { journal } = await setup();
      await runToSuccess(journal, orderPlan({ idempotencyKey: 'k-2' }));
      expect(
        await codeOf(
          journal.begin(orderPlan({ idempotencyKey: 'k-2', input: { customerId: 'cus_2' } }), {
            owner: 'gw-a',
            leaseMs: LEASE_MS,
          }),
        ),
      ).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(
        await codeOf(
          journal.begin(orderPlan({ idempotencyKey: 'k-2', mutation: 'cancelOrder' }), {
            owner: 'gw-a',
            leaseMs: LEASE_MS,
          }),
        ),
      ).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await journal.list()).toHaveLength(1);
    });

    it('refuses a key whose write is still in flight: IDEMPOTENCY_KEY_IN_USE, in every in-flight state', async () => {
      const { journal } = await setup();
      const { write } = await journal.begin(orderPlan({ idempotencyKey: 'k-3' }), {
        owner: 'gw-a',
        leaseMs: LEASE_MS,
      });
      expect(
        await codeOf(
          journal.begin(orderPlan({ idempotencyKey: 'k-3' }), { owner: 'gw-b', leaseMs: LEASE_MS }),
        ),
      ).toBe('IDEMPOTENCY_KEY_IN_USE');
      await journal.transition(write.id, 'gw-a', { state: 'running' });
      expect(
        await codeOf(
          journal.begin(orderPlan({ idempotencyKey: 'k-3' }), { owner: 'gw-b', leaseMs: LEASE_MS }),
        ),
      ).toBe('IDEMPOTENCY_KEY_IN_USE');
      await journal.transition(write.id, 'gw-a', { state: 'compensating' });
      expect(
        await codeOf(
          journal.begin(orderPlan({ idempotencyKey: 'k-3' }), { owner: 'gw-b', leaseMs: LEASE_MS }),
        ),
      ).toBe('IDEMPOTENCY_KEY_IN_USE');
      await journal.transition(write.id, 'gw-a', { state: 'compensated' });
      expect(
        (
          await journal.begin(orderPlan({ idempotencyKey: 'k-3' }), {
            owner: 'gw-b',
            leaseMs: LEASE_MS,
          })
        ).created,
      ).toBe(false);
    });

    it('keeps keys per caller: two identities may use the same key', async () => {
      const { journal } = await setup();
      const alice = await runToSuccess(
        journal,
        orderPlan({
          idempotencyKey: 'k-4',
          caller: { identity: 'partner:alice', requestId: 'r1' },
        }),
      );
      const bob = await journal.begin(
        orderPlan({
          idempotencyKey: 'k-4',
          caller: { identity: 'partner:bob', requestId: 'r2' },
          input: { other: true },
        }),
        { owner: 'gw-a', leaseMs: LEASE_MS },
      );
      expect(bob.created).toBe(true);
      expect(bob.write.id).not.toBe(alice.id);
    });

    it('forgets a key idempotencyKeyTtlMs after its write was created, but never while the write is in flight', async () => {
      const { journal, clock } = await setup({ idempotencyKeyTtlMs: DAY_MS });
      const first = await runToSuccess(journal, orderPlan({ idempotencyKey: 'k-5' }));
      const { write: inFlight } = await journal.begin(orderPlan({ idempotencyKey: 'k-6' }), {
        owner: 'gw-a',
        leaseMs: LEASE_MS,
      });
      clock.advance(DAY_MS - 1);
      expect(
        (
          await journal.begin(orderPlan({ idempotencyKey: 'k-5' }), {
            owner: 'gw-a',
            leaseMs: LEASE_MS,
          })
        ).created,
      ).toBe(false);
      clock.advance(1);
      expect(
        await codeOf(
          journal.begin(orderPlan({ idempotencyKey: 'k-6' }), { owner: 'gw-b', leaseMs: LEASE_MS }),
        ),
      ).toBe('IDEMPOTENCY_KEY_IN_USE');
      expect(await journal.purgeExpiredKeys()).toBe(1); // k-5; k-6's write is in flight
      const fresh = await journal.begin(
        orderPlan({ idempotencyKey: 'k-5', input: { another: 'input' } }),
        { owner: 'gw-a', leaseMs: LEASE_MS },
      );
      expect(fresh.created).toBe(true);
      expect(fresh.write.id).not.toBe(first.id);
      expect(fresh.write.steps[0]?.idempotencyKey).not.toBe(first.steps[0]?.idempotencyKey);
      expect((await journal.get(first.id))?.state).toBe('succeeded');
      expect((await journal.get(inFlight.id))?.state).toBe('planned');
    });

    it('refuses keys no header could carry: IDEMPOTENCY_KEY_INVALID, and stores nothing', async () => {
      const { journal } = await setup();
      for (const key of [
        '',
        ' ',
        'has space',
        'line\nbreak',
        'clé',
        'k'.repeat(256),
        42 as never,
      ]) {
        expect(
          await codeOf(
            journal.begin(orderPlan({ idempotencyKey: key }), { owner: 'gw-a', leaseMs: LEASE_MS }),
          ),
          JSON.stringify(key),
        ).toBe('IDEMPOTENCY_KEY_INVALID');
      }
      expect(
        (
          await journal.begin(orderPlan({ idempotencyKey: 'k'.repeat(255) }), {
            owner: 'gw-a',
            leaseMs: LEASE_MS,
          })
        ).created,
      ).toBe(true);
      expect(await journal.list()).toHaveLength(1);
    });
  });
}
