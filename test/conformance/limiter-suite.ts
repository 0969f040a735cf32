/**
 * The limiter store's conformance suite: what every LimiterStore
 * (gateway/limits) must do, run by one small file per store
 * (limiter-memory.test.ts, limiter-redis.test.ts). Counts only, never
 * durations: windows are long enough never to roll over within a test.
 */
import { describe, expect, it } from 'vitest';
import type { LimiterStore } from '../../gateway/limits/index.js';

export interface LimiterSubject {
  /** True when two stores made by `create` share their counters (one Redis). */
  readonly shared: boolean;
  /** A new store; the runner registers it for cleanup. `prefix` keeps test runs apart on a shared engine. */
  create(prefix: string): Promise<LimiterStore>;
  /** A store whose engine is down (shared stores only): it must still limit, per instance. */
  createFailing?(prefix: string): Promise<LimiterStore>;
}

let runs = 0;
const fresh = (name: string): string => `${name}-${process.pid}-${(runs += 1)}:`;

export function limiterSuite(name: string, subject: LimiterSubject): void {
  describe(`limiter store conformance: ${name}`, () => {
    it('allows up to the points of a window, then refuses, with what is left and when it resets', async () => {
      const store = await subject.create(fresh('basic'));
      const counter = store.counter({ name: 'plan:requests', points: 3, windowSeconds: 60 });
      const decisions = [];
      for (let i = 0; i < 4; i += 1) decisions.push(await counter.consume('caller-a', 1));
      expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
      expect(decisions.map((decision) => decision.remaining)).toEqual([2, 1, 0, 0]);
      for (const decision of decisions) {
        expect(decision.limit).toBe(3);
        expect(decision.resetMs).toBeGreaterThan(0);
        expect(decision.resetMs).toBeLessThanOrEqual(60_000);
      }
    });

    it('keeps keys apart, and policies apart on the same key', async () => {
      const store = await subject.create(fresh('keys'));
      const requests = store.counter({ name: 'p:requests', points: 1, windowSeconds: 60 });
      const cost = store.counter({ name: 'p:cost', points: 1, windowSeconds: 60 });
      expect((await requests.consume('a', 1)).allowed).toBe(true);
      expect((await requests.consume('a', 1)).allowed).toBe(false);
      expect((await requests.consume('b', 1)).allowed).toBe(true);
      expect((await cost.consume('a', 1)).allowed).toBe(true);
    });

    it('takes many points at once, and refuses a consume that would pass the limit', async () => {
      const store = await subject.create(fresh('points'));
      const cost = store.counter({ name: 'p:cost', points: 100, windowSeconds: 60 });
      expect(await cost.consume('a', 60)).toMatchObject({ allowed: true, remaining: 40 });
      expect(await cost.consume('a', 50)).toMatchObject({ allowed: false, remaining: 0 });
      // A refused consume still counts: the caller cannot hammer its way back under.
      expect((await cost.consume('a', 1)).allowed).toBe(false);
    });

    it('counts fractional and huge costs as whole points', async () => {
      const store = await subject.create(fresh('whole'));
      const cost = store.counter({ name: 'p:cost', points: 10, windowSeconds: 60 });
      expect(await cost.consume('a', 2.2)).toMatchObject({ allowed: true, remaining: 7 });
      expect((await cost.consume('b', 1e15)).allowed).toBe(false);
    });

    // Registered only for engines shared by several instances: the memory store has no second instance to share with.
    if (subject.shared)
      it('shares counters between two stores on one engine (two gateway instances)', async () => {
        const prefix = fresh('shared');
        const one = (await subject.create(prefix)).counter({
          name: 'p:requests',
          points: 4,
          windowSeconds: 60,
        });
        const two = (await subject.create(prefix)).counter({
          name: 'p:requests',
          points: 4,
          windowSeconds: 60,
        });
        const allowed = [];
        for (let i = 0; i < 3; i += 1) {
          allowed.push((await one.consume('caller', 1)).allowed);
          allowed.push((await two.consume('caller', 1)).allowed);
        }
        expect(allowed.filter(Boolean)).toHaveLength(4);
      });

    // Registered only for adapters with an engine that can be down.
    if (subject.createFailing !== undefined)
      it('still limits, per instance, when its engine is down', async () => {
        const store = await subject.createFailing!(fresh('down'));
        const counter = store.counter({ name: 'p:requests', points: 2, windowSeconds: 60 });
        const allowed = [];
        for (let i = 0; i < 3; i += 1) allowed.push((await counter.consume('a', 1)).allowed);
        expect(allowed).toEqual([true, true, false]);
      });
  });
}
