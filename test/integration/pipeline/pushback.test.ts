/**
 * A backend's "slow down" pauses its whole source: the demo storefront (429 +
 * Retry-After), erp (SOAP rate-limit fault, 429 + Retry-After) and billing
 * (RESOURCE_EXHAUSTED + grpc-retry-pushback-ms). Counted: calls during the
 * pause reach nobody.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DemoSystemName } from '../../../demo/index.js';
import { createGrpcSource } from '../../../sources/grpc/index.js';
import { createRestSource } from '../../../sources/rest/index.js';
import { createSoapSource } from '../../../sources/soap/index.js';
import type { SingleCall } from '../../../gateway/pipeline/index.js';
import type { Source } from '../../../sources/common/index.js';
import { startSystems, track, useHarness, type Systems } from '../../harness/index.js';
import {
  deadlineIn,
  failure,
  pipelineFor,
  recordingLogger,
  single,
  testPolicy,
} from './helpers.js';

useHarness();

let systems: Systems;
const sources = new Map<DemoSystemName, Source>();
const READS: Record<DemoSystemName, (source: Source, deadlineAt?: number) => SingleCall> = {
  storefront: (source, deadlineAt) =>
    single(
      source,
      'getProduct',
      { productId: 'prod_00001' },
      deadlineAt === undefined ? {} : { deadlineAt },
    ),
  erp: (source, deadlineAt) =>
    single(
      source,
      'getItem',
      { itemCode: 'SKU-00001' },
      deadlineAt === undefined ? {} : { deadlineAt },
    ),
  billing: (source, deadlineAt) =>
    single(
      source,
      'getPrice',
      { sku: 'SKU-00001' },
      deadlineAt === undefined ? {} : { deadlineAt },
    ),
};

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
  sources.set(
    'storefront',
    track(
      await createRestSource({
        name: 'storefront',
        contract: systems.storefront.contract,
        url: systems.storefront.url,
      }),
      'storefront source',
    ),
  );
  sources.set(
    'erp',
    track(
      await createSoapSource({ name: 'erp', contract: systems.erp.contract, url: systems.erp.url }),
      'erp source',
    ),
  );
  sources.set(
    'billing',
    track(
      await createGrpcSource({
        name: 'billing',
        contract: systems.billing.contract,
        url: systems.billing.url,
      }),
      'billing source',
    ),
  );
});

beforeEach(() => {
  systems.resetCounts();
  for (const system of systems.list) system.misbehaviour.set({});
});

const sourceOf = (name: DemoSystemName): Source => sources.get(name) as Source;

describe('pushback: a rate-limit answer pauses the whole source', () => {
  it.each(['storefront', 'erp', 'billing'] as const)(
    '%s: calls during the pause fail fast with retryAfterMs and reach nobody',
    async (name) => {
      const source = sourceOf(name);
      const logger = recordingLogger();
      // The pause is the backend's 60 s; retries off so the first call is one backend call.
      const pipeline = pipelineFor(source, testPolicy({ retry: { maxAttempts: 1 } }), logger);
      systems[name].misbehaviour.set({ rateLimited: true, retryAfterMs: 60_000 });
      const answered = await failure(pipeline.invoke(READS[name](source)));
      expect(answered).toMatchObject({ code: 'SOURCE_RATE_LIMITED', retryAfterMs: 60_000 });
      expect(logger.messages('source paused: the backend')).toHaveLength(1);

      systems[name].misbehaviour.set({});
      for (let call = 0; call < 3; call += 1) {
        const refused = await failure(pipeline.invoke(READS[name](source, deadlineIn(2_000))));
        expect(refused).toMatchObject({
          code: 'SOURCE_RATE_LIMITED',
          source: name,
          retryable: false,
          details: { reason: 'source paused' },
        });
        expect(refused.retryAfterMs).toBeGreaterThan(50_000);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
      }
      expect(systems.totals()[name]).toBe(1);
      expect(pipeline.state().pushback?.pausedForMs).toBeGreaterThan(50_000);
    },
  );

  it('a call whose deadline fits the pause waits it out, then reaches the backend once', async () => {
    const source = sourceOf('billing');
    const pipeline = pipelineFor(source, testPolicy({ retry: { maxAttempts: 1 } }));
    systems.billing.misbehaviour.set({ rateLimited: true, retryAfterMs: 100 });
    expect((await failure(pipeline.invoke(READS.billing(source)))).retryAfterMs).toBe(100);
    systems.billing.misbehaviour.set({});
    expect(await pipeline.invoke(READS.billing(source, deadlineIn(5_000)))).toMatchObject({
      sku: 'SKU-00001',
    });
    expect(systems.counts().billing).toEqual({ GetPrice: 2 });
  });

  it('a retried read waits out the pause its first attempt heard, then succeeds: two backend calls', async () => {
    const source = sourceOf('billing');
    const pipeline = pipelineFor(
      source,
      testPolicy({ retry: { maxAttempts: 3, maxDelayMs: 1_000 } }),
    );
    systems.billing.misbehaviour.set({ failNext: 1, failWith: 'rate-limited', retryAfterMs: 50 });
    expect(await pipeline.invoke(READS.billing(source, deadlineIn(5_000)))).toMatchObject({
      sku: 'SKU-00001',
    });
    expect(systems.counts().billing).toEqual({ GetPrice: 2 });
  });

  it('pauses at most rateLimit.maxPauseMs, whatever the backend asks', async () => {
    const source = sourceOf('storefront');
    const pipeline = pipelineFor(
      source,
      testPolicy({ retry: { maxAttempts: 1 }, rateLimit: { maxPauseMs: 5_000 } }),
    );
    systems.storefront.misbehaviour.set({ rateLimited: true, retryAfterMs: 86_400_000 });
    expect((await failure(pipeline.invoke(READS.storefront(source)))).retryAfterMs).toBe(
      86_400_000,
    );
    expect(pipeline.state().pushback?.pausedForMs).toBeLessThanOrEqual(5_000);
  });
});
