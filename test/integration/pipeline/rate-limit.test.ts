/**
 * The outbound rate limit against the demo storefront: at most `calls` per
 * window reach it; a call that cannot wait fails fast with retryAfterMs.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRestSource } from '../../../sources/rest/index.js';
import type { Source } from '../../../sources/common/index.js';
import { startSystems, track, useHarness, type Systems } from '../../harness/index.js';
import { deadlineIn, pipelineFor, single, testPolicy } from './helpers.js';

useHarness();

let systems: Systems;
let storefront: Source;

beforeAll(async () => {
  systems = await startSystems(['storefront']);
  storefront = track(
    await createRestSource({
      name: 'storefront',
      contract: systems.storefront.contract,
      url: systems.storefront.url,
    }),
    'storefront source',
  );
});

beforeEach(() => systems.resetCounts());

const getProduct = (deadlineAt: number) =>
  single(storefront, 'getProduct', { productId: 'prod_00001' }, { deadlineAt });

describe('outbound rate limit', () => {
  it('lets `calls` per window reach the backend; the rest fail fast when the wait does not fit their deadline', async () => {
    const pipeline = pipelineFor(
      storefront,
      testPolicy({ rateLimit: { calls: 3, windowMs: 60_000 } }),
    );
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => pipeline.invoke(getProduct(deadlineIn(2_000)))),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    for (const outcome of outcomes.filter(
      (o): o is PromiseRejectedResult => o.status === 'rejected',
    )) {
      expect(outcome.reason).toMatchObject({
        code: 'SOURCE_RATE_LIMITED',
        retryable: false,
        details: { reason: 'outbound rate limit' },
      });
      expect((outcome.reason as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(50_000);
    }
    expect(systems.counts().storefront).toEqual({ getProduct: 3 });
  });

  it('makes a call wait for the next window when that fits its deadline', async () => {
    const pipeline = pipelineFor(
      storefront,
      testPolicy({ rateLimit: { calls: 2, windowMs: 100 } }),
    );
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => pipeline.invoke(getProduct(deadlineIn(5_000)))),
    );
    expect(answers).toHaveLength(5);
    expect(systems.counts().storefront).toEqual({ getProduct: 5 });
  });

  it('is off with calls: 0', async () => {
    const pipeline = pipelineFor(
      storefront,
      testPolicy({ rateLimit: { calls: 0, windowMs: 60_000 } }),
    );
    await Promise.all(
      Array.from({ length: 10 }, () => pipeline.invoke(getProduct(deadlineIn(2_000)))),
    );
    expect(systems.counts().storefront).toEqual({ getProduct: 10 });
  });
});
