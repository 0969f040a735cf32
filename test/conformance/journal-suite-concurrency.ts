/**
 * The journal suite: several instances on one database at once. Each store
 * is its own connection (or pool), as two gateway processes would be; the
 * counts say that exactly one wins every race.
 */
import { describe, expect, it } from 'vitest';
import type { BeginResult } from '../../gateway/writes/index.js';
import type { Setup } from './journal-suite.js';
import { LEASE_MS, orderPlan, runToSuccess } from './journal-fixtures.js';

function settle<T>(promises: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(promises);
}

function codes(results: PromiseSettledResult<unknown>[]): string[] {
  return results
    .filter((result) => result.status === 'rejected')
    .map((result) => String((result.reason as { code?: unknown }).code));
}

export function concurrencyTests(setup: Setup): void {
  describe('several instances on one database', () => {
    it('of 20 begins with one key on two instances, exactly one creates the write; the others are told it is in use', async () => {
      const { journal, another } = await setup();
      const second = await another();
      const results = await settle(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? journal : second).begin(orderPlan({ idempotencyKey: 'race-1' }), {
            owner: `gw-${i % 2}`,
            leaseMs: LEASE_MS,
          }),
        ),
      );
      const created = results.filter(
        (result) => result.status === 'fulfilled' && (result.value as BeginResult).created,
      );
      expect(created).toHaveLength(1);
      expect(codes(results)).toEqual(Array.from({ length: 19 }, () => 'IDEMPOTENCY_KEY_IN_USE'));
      expect(await journal.list()).toHaveLength(1);
      expect(await second.list()).toHaveLength(1);
    });

    it('of 20 begins with the key of a finished write, on two instances, all answer from that write and none creates one', async () => {
      const { journal, another } = await setup();
      const second = await another();
      const done = await runToSuccess(journal, orderPlan({ idempotencyKey: 'race-2' }));
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? journal : second).begin(orderPlan({ idempotencyKey: 'race-2' }), {
            owner: `gw-${i % 2}`,
            leaseMs: LEASE_MS,
          }),
        ),
      );
      expect(
        results.filter((result) => !result.created && result.write.id === done.id),
      ).toHaveLength(20);
      expect(await second.list()).toHaveLength(1);
    });

    it('of two instances claiming the same lapsed writes at once, exactly one wins each', async () => {
      const { journal, another, clock } = await setup();
      const second = await another();
      const ids: string[] = [];
      for (let i = 0; i < 10; i += 1)
        ids.push(
          (await journal.begin(orderPlan(), { owner: 'gw-dead', leaseMs: LEASE_MS })).write.id,
        );
      clock.advance(LEASE_MS);
      const results = await Promise.all(
        ids.flatMap((id) => [
          journal.claim(id, 'gw-a', LEASE_MS),
          second.claim(id, 'gw-b', LEASE_MS),
        ]),
      );
      const winners = results.filter((write) => write !== null);
      expect(winners).toHaveLength(10);
      expect(new Set(winners.map((write) => write?.id)).size).toBe(10);
      const owners = await Promise.all(ids.map(async (id) => (await second.get(id))?.claimOwner));
      expect(owners.every((owner) => owner === 'gw-a' || owner === 'gw-b')).toBe(true);
    });

    it('of two instances recovering at once, each takes writes the other did not: together all of them, none twice', async () => {
      const { journal, another, clock } = await setup();
      const second = await another();
      for (let i = 0; i < 30; i += 1)
        await journal.begin(orderPlan(), { owner: 'gw-dead', leaseMs: LEASE_MS });
      clock.advance(LEASE_MS);
      const rounds = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 === 0 ? journal : second).claimUnfinished({
            owner: `gw-${i % 2}`,
            leaseMs: LEASE_MS,
            olderThanMs: 0,
            limit: 7,
          }),
        ),
      );
      const claimed = rounds.flat().map((write) => write.id);
      expect(claimed).toHaveLength(30);
      expect(new Set(claimed).size).toBe(30);
      const recoveries = (await second.audit({ limit: 10_000 })).filter(
        (entry) => entry.event === 'claimed',
      );
      expect(recoveries).toHaveLength(30);
    });
  });
}
