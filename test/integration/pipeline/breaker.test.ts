/**
 * The circuit breaker against the real demo systems: it opens after the
 * configured failures, then no call reaches the backend until it half-opens,
 * and a probe closes it. Counted, never timed.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGrpcSource } from '../../../sources/grpc/index.js';
import { createRestSource } from '../../../sources/rest/index.js';
import type { Source } from '../../../sources/common/index.js';
import { startSystems, track, useHarness, type Systems } from '../../harness/index.js';
import {
  failure,
  operationOf,
  pipelineFor,
  recordingLogger,
  single,
  testPolicy,
} from './helpers.js';

useHarness();

let systems: Systems;
let storefront: Source;
let billing: Source;

beforeAll(async () => {
  systems = await startSystems(['storefront', 'billing']);
  storefront = track(
    await createRestSource({
      name: 'storefront',
      contract: systems.storefront.contract,
      url: systems.storefront.url,
    }),
    'storefront source',
  );
  billing = track(
    await createGrpcSource({
      name: 'billing',
      contract: systems.billing.contract,
      url: systems.billing.url,
    }),
    'billing source',
  );
});

beforeEach(() => {
  systems.resetCounts();
  for (const system of systems.list) system.misbehaviour.set({});
});

/** Opens after more than half of at least 4 calls failed; no retries, so each call is one backend call. */
const breakerPolicy = (halfOpenAfterMs: number) =>
  testPolicy({
    retry: { maxAttempts: 1 },
    breaker: { failureRatio: 0.5, minimumCalls: 4, windowMs: 60_000, halfOpenAfterMs },
  });
const getProduct = () => single(storefront, 'getProduct', { productId: 'prod_00001' });

describe('circuit breaker', () => {
  it('opens after the configured failures, then fails fast without calling the backend', async () => {
    const logger = recordingLogger();
    const pipeline = pipelineFor(storefront, breakerPolicy(60_000), logger);
    systems.storefront.misbehaviour.set({ unavailable: true, retryAfterMs: 0 });
    for (let call = 0; call < 3; call += 1)
      expect((await failure(pipeline.invoke(getProduct()))).details.reason).toBeUndefined();
    expect(pipeline.state().breaker).toEqual({ state: 'closed' });
    await failure(pipeline.invoke(getProduct()));
    expect(pipeline.state().breaker).toEqual({ state: 'open' });
    expect(systems.counts().storefront).toEqual({ getProduct: 4 });

    systems.storefront.misbehaviour.set({});
    for (let call = 0; call < 5; call += 1) {
      const error = await failure(pipeline.invoke(getProduct()));
      expect(error).toMatchObject({
        code: 'SOURCE_UNAVAILABLE',
        source: 'storefront',
        operation: 'getProduct',
        retryable: false,
        details: { reason: 'circuit open' },
      });
      expect(error.safeMessage).not.toMatch(/http|127\.0\.0\.1/);
    }
    expect(systems.counts().storefront).toEqual({ getProduct: 4 });
    expect(logger.messages('circuit opened')).toEqual([
      {
        level: 'warn',
        message: expect.any(String),
        fields: { source: 'storefront', code: 'SOURCE_UNAVAILABLE', halfOpenAfterMs: 60_000 },
      },
    ]);
  });

  it('half-opens after halfOpenAfterMs: one probe reaches the backend and closes the circuit', async () => {
    const logger = recordingLogger();
    const pipeline = pipelineFor(storefront, breakerPolicy(100), logger);
    systems.storefront.misbehaviour.set({ unavailable: true, retryAfterMs: 0 });
    for (let call = 0; call < 4; call += 1) await failure(pipeline.invoke(getProduct()));
    expect(pipeline.state().breaker).toEqual({ state: 'open' });
    systems.storefront.misbehaviour.set({});
    systems.resetCounts();
    // Longer than halfOpenAfterMs: the next call is the probe.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await pipeline.invoke(getProduct())).toMatchObject({ id: 'prod_00001' });
    expect(pipeline.state().breaker).toEqual({ state: 'closed' });
    await pipeline.invoke(getProduct());
    expect(systems.counts().storefront).toEqual({ getProduct: 2 });
    expect(
      logger.lines
        .filter((line) => line.message.startsWith('circuit'))
        .map((line) => line.message.split(':')[0]),
    ).toEqual(['circuit opened', 'circuit half-open', 'circuit closed']);
  });

  it("stops a call's retries once the circuit opens under them", async () => {
    // Opens after 2 failed calls; the call may make 5 attempts.
    const pipeline = pipelineFor(
      storefront,
      testPolicy({
        retry: { maxAttempts: 5 },
        breaker: { failureRatio: 0.5, minimumCalls: 2, windowMs: 60_000, halfOpenAfterMs: 60_000 },
      }),
    );
    systems.storefront.misbehaviour.set({ unavailable: true, retryAfterMs: 0 });
    expect((await failure(pipeline.invoke(getProduct()))).details.reason).toBe('circuit open');
    expect(systems.counts().storefront).toEqual({ getProduct: 2 });
  });

  it('reopens when the probe fails', async () => {
    const pipeline = pipelineFor(storefront, breakerPolicy(100));
    systems.storefront.misbehaviour.set({ unavailable: true, retryAfterMs: 0 });
    for (let call = 0; call < 4; call += 1) await failure(pipeline.invoke(getProduct()));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await failure(pipeline.invoke(getProduct()))).details.reason).toBeUndefined();
    expect(pipeline.state().breaker).toEqual({ state: 'open' });
    expect(systems.counts().storefront).toEqual({ getProduct: 5 });
  });

  it("does not count answers that say nothing of the backend's health (not found, rate limited)", async () => {
    const pipeline = pipelineFor(storefront, breakerPolicy(60_000));
    for (let call = 0; call < 6; call += 1)
      expect(
        (
          await failure(
            pipeline.invoke(single(storefront, 'getProduct', { productId: 'prod_99999' })),
          )
        ).code,
      ).toBe('SOURCE_NOT_FOUND');
    systems.storefront.misbehaviour.set({ rateLimited: true, retryAfterMs: 0 });
    for (let call = 0; call < 6; call += 1)
      expect((await failure(pipeline.invoke(getProduct()))).code).toBe('SOURCE_RATE_LIMITED');
    expect(pipeline.state().breaker).toEqual({ state: 'closed' });
    expect(systems.totals().storefront).toBe(12);
  });

  it('does not count calls whose caller went away', async () => {
    const pipeline = pipelineFor(storefront, breakerPolicy(60_000));
    systems.storefront.misbehaviour.set({ latencyMs: 200 });
    for (let call = 0; call < 6; call += 1) {
      const caller = new AbortController();
      const pending = failure(
        pipeline.invoke(
          single(storefront, 'getProduct', { productId: 'prod_00001' }, { signal: caller.signal }),
        ),
      );
      setTimeout(() => caller.abort(), 20);
      expect((await pending).code).toBe('SOURCE_UNAVAILABLE');
    }
    expect(pipeline.state().breaker).toEqual({ state: 'closed' });
  });

  it('does not count calls refused for want of time: the backend was never called', async () => {
    const pipeline = pipelineFor(storefront, breakerPolicy(60_000));
    for (let call = 0; call < 6; call += 1) {
      const error = await failure(
        pipeline.invoke(
          single(
            storefront,
            'getProduct',
            { productId: 'prod_00001' },
            { deadlineAt: Date.now() - 1 },
          ),
        ),
      );
      expect(error).toMatchObject({
        code: 'SOURCE_TIMEOUT',
        details: { reason: 'deadline spent' },
      });
    }
    expect(pipeline.state().breaker).toEqual({ state: 'closed' });
    expect(systems.totals().storefront).toBe(0);
  });

  it('gates the opening of a subscription: fails fast while the circuit is open', async () => {
    const pipeline = pipelineFor(billing, breakerPolicy(60_000));
    systems.billing.misbehaviour.set({ unavailable: true });
    for (let call = 0; call < 4; call += 1)
      await failure(pipeline.invoke(single(billing, 'getPrice', { sku: 'SKU-00001' })));
    const watch = [...billing.operations.values()].find(
      (operation) => operation.kind === 'subscription',
    );
    if (watch === undefined) throw new Error('billing has no subscription');
    systems.resetCounts();
    let refused: unknown;
    try {
      pipeline.subscribe({
        kind: 'stream',
        source: 'billing',
        operation: operationOf(billing, watch.name),
        args: {},
        ctx: {},
      });
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      details: { reason: 'circuit open' },
    });
    expect(systems.totals().billing).toBe(0);
  });

  it('stays out of the way when disabled', async () => {
    const pipeline = pipelineFor(
      storefront,
      testPolicy({ retry: { maxAttempts: 1 }, breaker: { enabled: false, minimumCalls: 1 } }),
    );
    systems.storefront.misbehaviour.set({ unavailable: true, retryAfterMs: 0 });
    for (let call = 0; call < 6; call += 1) await failure(pipeline.invoke(getProduct()));
    expect(pipeline.state().breaker).toEqual({ state: 'disabled' });
    expect(systems.totals().storefront).toBe(6);
  });
});
