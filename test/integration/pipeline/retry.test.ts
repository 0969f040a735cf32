/**
 * The retry step against the real demo systems: counts of backend calls,
 * never timings. Waits are 1–5 ms so the file stays fast.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGrpcSource } from '../../../sources/grpc/index.js';
import { createRestSource } from '../../../sources/rest/index.js';
import type { Source } from '../../../sources/common/index.js';
import { startSystems, track, useHarness, type Systems } from '../../harness/index.js';
import {
  batch,
  deadlineIn,
  failure,
  pipelineFor,
  recordingLogger,
  single,
  testPolicy,
} from './helpers.js';

useHarness();

let systems: Systems;
let storefront: Source;
let billing: Source;

const ORDER = {
  input: {
    customerId: 'cus_0002',
    lines: [{ sku: 'SKU-00003', quantity: 1 }],
    payment: { cardPayment: { type: 'card', brand: 'VISA', last4: '4242' } },
  },
};

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
      batch: {
        getPrice: {
          via: 'batchGetPrices',
          key: 'sku',
          listArgument: 'skus',
          itemKey: 'sku',
          resultPath: 'prices',
        },
      },
    }),
    'billing source',
  );
});

beforeEach(() => {
  systems.resetCounts();
  for (const system of systems.list) system.misbehaviour.set({});
});

describe('retry', () => {
  it('retries a read that answered 503 exactly once when the next answer is 200', async () => {
    const logger = recordingLogger();
    const pipeline = pipelineFor(storefront, testPolicy(), logger);
    systems.storefront.misbehaviour.set({ failNext: 1, failWith: 'unavailable', retryAfterMs: 0 });
    const product = (await pipeline.invoke(
      single(storefront, 'getProduct', { productId: 'prod_00001' }),
    )) as { id: string };
    expect(product.id).toBe('prod_00001');
    expect(systems.counts().storefront).toEqual({ getProduct: 2 });
    expect(logger.messages('retrying').map((line) => line.fields)).toEqual([
      {
        source: 'storefront',
        operation: 'getProduct',
        attempt: 1,
        code: 'SOURCE_UNAVAILABLE',
        delayMs: expect.any(Number),
      },
    ]);
  });

  // Regression: grpc-js reports an answer over maxReceiveMessageBytes as RESOURCE_EXHAUSTED, which was
  // read as "slow down" and retried; asking again only brings the same oversized answer.
  it('never retries a gRPC answer over maxReceiveMessageBytes, and calls it a bad response', async () => {
    const tight = track(
      await createGrpcSource({
        name: 'billing',
        contract: systems.billing.contract,
        url: systems.billing.url,
        maxReceiveMessageBytes: 8,
      }),
      'tight billing source',
    );
    const pipeline = pipelineFor(tight, testPolicy());
    const error = await failure(pipeline.invoke(single(tight, 'getPrice', { sku: 'SKU-00001' })));
    expect(error).toMatchObject({
      code: 'SOURCE_BAD_RESPONSE',
      retryable: false,
      details: { grpcCode: 'RESOURCE_EXHAUSTED' },
    });
    expect(systems.counts().billing).toEqual({ GetPrice: 1 });
  });

  it('stops at maxAttempts and answers with the last failure', async () => {
    const pipeline = pipelineFor(storefront, testPolicy({ retry: { maxAttempts: 4 } }));
    systems.storefront.misbehaviour.set({ unavailable: true, retryAfterMs: 0 });
    const error = await failure(
      pipeline.invoke(single(storefront, 'getProduct', { productId: 'prod_00001' })),
    );
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(systems.counts().storefront).toEqual({ getProduct: 4 });
  });

  it('never retries a write without an idempotency key, whatever the error', async () => {
    const pipeline = pipelineFor(
      storefront,
      testPolicy({ retry: { maxAttempts: 5 }, honoursIdempotencyKeys: true }),
    );
    systems.storefront.misbehaviour.set({ failNext: 1, failWith: 'unavailable', retryAfterMs: 0 });
    expect((await failure(pipeline.invoke(single(storefront, 'createOrder', ORDER)))).code).toBe(
      'SOURCE_UNAVAILABLE',
    );
    expect(systems.counts().storefront).toEqual({ createOrder: 1 });
  });

  it('never retries a write whose idempotency key the source is not declared to honour', async () => {
    const pipeline = pipelineFor(
      storefront,
      testPolicy({ retry: { maxAttempts: 5 }, honoursIdempotencyKeys: false }),
    );
    systems.storefront.misbehaviour.set({ failNext: 1, failWith: 'unavailable', retryAfterMs: 0 });
    expect(
      (
        await failure(
          pipeline.invoke(
            single(storefront, 'createOrder', ORDER, { idempotencyKey: 'retry-test-unhonoured' }),
          ),
        )
      ).code,
    ).toBe('SOURCE_UNAVAILABLE');
    expect(systems.counts().storefront).toEqual({ createOrder: 1 });
  });

  it('retries a write that carries an idempotency key on a source that honours keys', async () => {
    const pipeline = pipelineFor(storefront, testPolicy({ honoursIdempotencyKeys: true }));
    systems.storefront.misbehaviour.set({ failNext: 1, failWith: 'unavailable', retryAfterMs: 0 });
    const order = (await pipeline.invoke(
      single(storefront, 'createOrder', ORDER, { idempotencyKey: 'retry-test-honoured' }),
    )) as { customerId: string };
    expect(order.customerId).toBe('cus_0002');
    expect(systems.counts().storefront).toEqual({ createOrder: 2 });
  });

  it('does not retry what the backend refused (not found, bad input)', async () => {
    const pipeline = pipelineFor(storefront, testPolicy({ retry: { maxAttempts: 5 } }));
    expect(
      (
        await failure(
          pipeline.invoke(single(storefront, 'getProduct', { productId: 'prod_99999' })),
        )
      ).code,
    ).toBe('SOURCE_NOT_FOUND');
    expect(systems.counts().storefront).toEqual({ getProduct: 1 });
  });

  it('retries a batch that failed as a whole as one call', async () => {
    const pipeline = pipelineFor(billing, testPolicy());
    systems.billing.misbehaviour.set({ failNext: 1, failWith: 'unavailable' });
    const prices = (await pipeline.invoke(
      batch(billing, 'getPrice', ['SKU-00001', 'SKU-00002']),
    )) as Array<{ sku: string }>;
    expect(prices.map((price) => price.sku)).toEqual(['SKU-00001', 'SKU-00002']);
    expect(systems.counts().billing).toEqual({ BatchGetPrices: 2 });
  });

  it("retries a batch of one key (a call to the single operation) and answers at the key's place", async () => {
    const pipeline = pipelineFor(billing, testPolicy());
    systems.billing.misbehaviour.set({ failNext: 1, failWith: 'unavailable' });
    expect(await pipeline.invoke(batch(billing, 'getPrice', ['SKU-00001']))).toEqual([
      expect.objectContaining({ sku: 'SKU-00001' }),
    ]);
    expect(systems.counts().billing).toEqual({ GetPrice: 2 });
    // A key the backend does not know stays that key's failure, in its place, and is not retried.
    systems.resetCounts();
    const [missing] = (await pipeline.invoke(
      batch(billing, 'getPrice', ['SKU-99999']),
    )) as unknown[];
    expect(missing).toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    expect(systems.counts().billing).toEqual({ GetPrice: 1 });
  });

  it('does not sleep past the request deadline: a wait that does not fit is not taken', async () => {
    const pipeline = pipelineFor(
      storefront,
      testPolicy({ retry: { maxAttempts: 5, maxDelayMs: 10_000 } }),
    );
    // Retry-After: 2 s, and 1.5 s left of the request.
    systems.storefront.misbehaviour.set({ unavailable: true, retryAfterMs: 2_000 });
    const error = await failure(
      pipeline.invoke(
        single(
          storefront,
          'getProduct',
          { productId: 'prod_00001' },
          { deadlineAt: deadlineIn(1_500) },
        ),
      ),
    );
    expect(error).toMatchObject({ code: 'SOURCE_UNAVAILABLE', retryAfterMs: 2_000 });
    expect(systems.counts().storefront).toEqual({ getProduct: 1 });
  });

  it('does not retry when the backend asks for a longer wait than maxDelayMs', async () => {
    const pipeline = pipelineFor(
      storefront,
      testPolicy({ retry: { maxAttempts: 5, maxDelayMs: 50 } }),
    );
    systems.storefront.misbehaviour.set({ unavailable: true, retryAfterMs: 1_000 });
    expect(
      (
        await failure(
          pipeline.invoke(single(storefront, 'getProduct', { productId: 'prod_00001' })),
        )
      ).retryAfterMs,
    ).toBe(1_000);
    expect(systems.counts().storefront).toEqual({ getProduct: 1 });
  });

  it('stops retrying when the caller goes away', async () => {
    const caller = new AbortController();
    // The caller leaves as the first retry is decided, before its wait.
    const logger = recordingLogger((line) => line.message.includes('retrying') && caller.abort());
    const pipeline = pipelineFor(
      storefront,
      testPolicy({ retry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 20 } }),
      logger,
    );
    systems.storefront.misbehaviour.set({ unavailable: true, retryAfterMs: 0 });
    const error = await failure(
      pipeline.invoke(
        single(storefront, 'getProduct', { productId: 'prod_00001' }, { signal: caller.signal }),
      ),
    );
    expect(error.details.reason).toBe('cancelled');
    // Longer than any wait the step could have started (20 ms): a retry would have reached the backend by now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(systems.counts().storefront).toEqual({ getProduct: 1 });
    expect(logger.messages('retrying')).toHaveLength(1);
  });

  it('caps retries by the source budget under a failing backend', async () => {
    const logger = recordingLogger();
    // No share of calls, two retries per window: five failing calls of three attempts each make 5 + 2 backend calls, not 15.
    const pipeline = pipelineFor(
      storefront,
      testPolicy({
        retry: { maxAttempts: 3, budgetRatio: 0, budgetMinRetries: 2, budgetWindowMs: 60_000 },
      }),
      logger,
    );
    systems.storefront.misbehaviour.set({ unavailable: true, retryAfterMs: 0 });
    for (let call = 0; call < 5; call += 1) {
      expect(
        (
          await failure(
            pipeline.invoke(single(storefront, 'getProduct', { productId: 'prod_00001' })),
          )
        ).code,
      ).toBe('SOURCE_UNAVAILABLE');
    }
    expect(systems.counts().storefront).toEqual({ getProduct: 7 });
    expect(logger.messages('retrying')).toHaveLength(2);
    expect(logger.messages('retry budget spent')).toHaveLength(1);
  });

  it('lets the budget grow with the traffic: budgetRatio of the calls', async () => {
    // Ratio 0.5, no minimum: after 4 calls the window allows 2 retries.
    const pipeline = pipelineFor(
      storefront,
      testPolicy({
        retry: { maxAttempts: 2, budgetRatio: 0.5, budgetMinRetries: 0, budgetWindowMs: 60_000 },
      }),
    );
    for (let call = 0; call < 3; call += 1)
      await pipeline.invoke(single(storefront, 'getProduct', { productId: 'prod_00001' }));
    systems.storefront.misbehaviour.set({ unavailable: true, retryAfterMs: 0 });
    systems.resetCounts();
    // Calls 4, 5, 6 and 7 of the window allow 2, 2.5, 3 and 3.5 retries: the first three are retried, the fourth would be the 4th retry.
    for (let call = 0; call < 4; call += 1)
      await failure(pipeline.invoke(single(storefront, 'getProduct', { productId: 'prod_00001' })));
    expect(systems.counts().storefront).toEqual({ getProduct: 4 + 3 });
  });
});
