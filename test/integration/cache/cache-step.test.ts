/**
 * The read cache step against the real demo systems: each source's pipeline
 * (cache → a recording step → timeout) over a real source, a real backend and
 * the memory store. The recording step sits where the resilience steps will:
 * it sees exactly what the cache lets out. Counts, never timings.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../../demo/common/catalogue.js';
import { createReadCache, type ReadCache } from '../../../gateway/cache/index.js';
import { createLogger } from '../../../gateway/logger.js';
import {
  createCacheControl,
  createCacheStep,
  createSourcePipeline,
  defaultSourcePolicy,
  type Call,
  type CallNotice,
  type CachePolicy,
  type SourcePipeline,
  type StepFactory,
} from '../../../gateway/pipeline/index.js';
import { createTimeoutStep } from '../../../gateway/pipeline/timeout.js';
import type { Source } from '../../../sources/common/index.js';
import { createGrpcSource } from '../../../sources/grpc/index.js';
import { createRestSource } from '../../../sources/rest/index.js';
import { createSoapSource } from '../../../sources/soap/index.js';
import { startSystems, track, useHarness, type Systems } from '../../harness/index.js';

useHarness();

const seed = catalogue();
const skus = seed.products.slice(0, 50).map((product) => product.sku);
const logger = createLogger({ level: 'silent' });
let systems: Systems;
let billing: Source;
let erp: Source;
let storefront: Source;

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing'], {
    storefront: { publicMaxAgeMs: 0 },
  });
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
          maxKeys: 1000,
        },
      },
    }),
    'billing source',
  );
  erp = track(
    await createSoapSource({
      name: 'erp',
      contract: systems.erp.contract,
      url: systems.erp.url,
      batch: { getStockLevels: { key: 'itemCode', itemKey: 'itemCode', many: true } },
    }),
    'erp source',
  );
  storefront = track(
    await createRestSource({
      name: 'storefront',
      contract: systems.storefront.contract,
      url: systems.storefront.url,
    }),
    'storefront source',
  );
});

afterEach(() => {
  for (const system of systems.list) system.misbehaviour.set({});
  systems.resetCounts();
});

/** What the cache let out, call by call: the keys of each batch, or "single". */
function recorder(): { step: StepFactory; seen: Array<readonly unknown[] | 'single'> } {
  const seen: Array<readonly unknown[] | 'single'> = [];
  return {
    seen,
    step: () => ({
      name: 'record',
      invoke: (next) => (call) => (
        seen.push(call.kind === 'batch' ? call.keys : 'single'),
        next(call)
      ),
    }),
  };
}

async function pipelineOf(
  source: Source,
  cache: Partial<CachePolicy> = {},
): Promise<{
  pipeline: SourcePipeline;
  seen: Array<readonly unknown[] | 'single'>;
  store: ReadCache;
}> {
  const store = track(
    await createReadCache({
      store: 'memory',
      maxEntries: 10_000,
      maxBytes: 64 * 1024 * 1024,
      keyPrefix: 'test:',
      logger,
    }),
    'read cache',
  );
  const policy = {
    ...defaultSourcePolicy(),
    cache: {
      enabled: true,
      ttlMs: 60_000,
      notFoundTtlMs: 0,
      staleWhileRevalidateMs: 0,
      staleIfErrorMs: 0,
      ...cache,
    },
  };
  const { step, seen } = recorder();
  const pipeline = track(
    createSourcePipeline({
      source,
      policy,
      logger,
      cache: store,
      steps: [createCacheStep, step, createTimeoutStep],
    }),
    `${source.name} pipeline`,
  );
  return { pipeline, seen, store };
}

function priceBatch(keys: readonly string[], notices: CallNotice[] = []): Call {
  return {
    kind: 'batch',
    source: 'billing',
    operation: billing.operations.get('getPrice')!,
    keys,
    args: {},
    keyIsList: false,
    ctx: { notify: (notice) => notices.push(notice) },
    entity: { type: 'Product', argument: 'sku' },
  };
}

function stockBatch(keys: readonly string[], notices: CallNotice[] = []): Call {
  return {
    kind: 'batch',
    source: 'erp',
    operation: erp.operations.get('getStockLevels')!,
    keys,
    args: {},
    keyIsList: true,
    ctx: { notify: (notice) => notices.push(notice) },
    entity: { type: 'Product', argument: 'itemCode' },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('batches', () => {
  it('a page with 40 of 50 keys cached asks billing for the 10 missing keys only, and merges in key order', async () => {
    const { pipeline, seen } = await pipelineOf(billing);
    const uncached = (await pipeline.invoke(priceBatch(skus))) as Array<{ sku: string }>;
    const { pipeline: warm, seen: warmSeen } = await pipelineOf(billing);
    await warm.invoke(priceBatch(skus.filter((_, index) => index % 5 !== 0)));
    systems.resetCounts();
    const merged = (await warm.invoke(priceBatch(skus))) as Array<{ sku: string }>;
    expect(merged).toEqual(uncached);
    expect(merged.map((price) => price.sku)).toEqual(skus);
    expect(warmSeen[1]).toEqual(skus.filter((_, index) => index % 5 === 0));
    expect(systems.counts().billing).toEqual({ BatchGetPrices: 1 });
    expect(seen).toHaveLength(1);
  });

  it('a batch whose keys are all cached makes no call, and a batch of one finds what a batch stored', async () => {
    const { pipeline, seen } = await pipelineOf(erp);
    const first = (await pipeline.invoke(stockBatch(skus.slice(0, 3)))) as unknown[];
    systems.resetCounts();
    expect(await pipeline.invoke(stockBatch(skus.slice(0, 3)))).toEqual(first);
    expect(await pipeline.invoke(stockBatch([skus[1]!]))).toEqual([first[1]]);
    expect(systems.totals().erp).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it('a key nobody has is not stored with notFoundTtlMs 0, and is with notFoundTtlMs > 0', async () => {
    const keys = [skus[0]!, 'SKU-NOPE'];
    const { pipeline } = await pipelineOf(billing);
    expect(await pipeline.invoke(priceBatch(keys))).toEqual([
      expect.objectContaining({ sku: skus[0] }),
      null,
    ]);
    systems.resetCounts();
    expect(await pipeline.invoke(priceBatch(keys))).toEqual([
      expect.objectContaining({ sku: skus[0] }),
      null,
    ]);
    expect(systems.counts().billing).toEqual({ GetPrice: 1 });
    const { pipeline: kept } = await pipelineOf(billing, { notFoundTtlMs: 60_000 });
    await kept.invoke(priceBatch(keys));
    systems.resetCounts();
    expect(await kept.invoke(priceBatch(keys))).toEqual([
      expect.objectContaining({ sku: skus[0] }),
      null,
    ]);
    expect(systems.totals().billing).toBe(0);
  });

  it('a failed batch is not stored: the next read calls again', async () => {
    const { pipeline } = await pipelineOf(billing);
    systems.billing.misbehaviour.set({ unavailable: true });
    await expect(pipeline.invoke(priceBatch(skus.slice(0, 2)))).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
    });
    systems.billing.misbehaviour.set({});
    systems.resetCounts();
    await pipeline.invoke(priceBatch(skus.slice(0, 2)));
    expect(systems.counts().billing).toEqual({ BatchGetPrices: 1 });
  });
});

describe('single-flight', () => {
  it('ten identical reads from ten requests at once make one backend call', async () => {
    const { pipeline } = await pipelineOf(billing);
    systems.billing.misbehaviour.set({ latencyMs: 50 });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => pipeline.invoke(priceBatch(skus.slice(0, 20)))),
    );
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(systems.counts().billing).toEqual({ BatchGetPrices: 1 });
  });

  it('per key: a batch overlapping one in flight asks only for its other keys', async () => {
    const { pipeline, seen } = await pipelineOf(billing);
    systems.billing.misbehaviour.set({ latencyMs: 50 });
    const [left, right] = await Promise.all([
      pipeline.invoke(priceBatch(skus.slice(0, 4))),
      pipeline.invoke(priceBatch(skus.slice(2, 6))),
    ]);
    expect((right as Array<{ sku: string }>).map((price) => price.sku)).toEqual(skus.slice(2, 6));
    expect((left as Array<{ sku: string }>).map((price) => price.sku)).toEqual(skus.slice(0, 4));
    expect(seen).toEqual([skus.slice(0, 4), skus.slice(4, 6)]);
  });
});

describe('stale entries', () => {
  it('stale-if-error: with the erp down, the stale stock is served with a CACHE_STALE notice', async () => {
    const { pipeline } = await pipelineOf(erp, { ttlMs: 1, staleIfErrorMs: 60_000 });
    const fresh = await pipeline.invoke(stockBatch(skus.slice(0, 2)));
    await sleep(10);
    systems.erp.misbehaviour.set({ unavailable: true });
    systems.resetCounts();
    const notices: CallNotice[] = [];
    expect(await pipeline.invoke(stockBatch(skus.slice(0, 2), notices))).toEqual(fresh);
    expect(systems.counts().erp).toEqual({ GetStockLevels: 1 });
    expect(notices).toEqual([
      expect.objectContaining({
        code: 'CACHE_STALE',
        source: 'erp',
        operation: 'getStockLevels',
        details: expect.objectContaining({ ageMs: expect.any(Number), keys: 2 }),
      }),
    ]);
  });

  it('stale-if-error does not hide other failures, nor serve past its window', async () => {
    const { pipeline } = await pipelineOf(erp, { ttlMs: 1, staleIfErrorMs: 0 });
    await pipeline.invoke(stockBatch(skus.slice(0, 1)));
    await sleep(10);
    systems.erp.misbehaviour.set({ unavailable: true });
    // The failure stays at its key's place (the DataLoader contract), not hidden by the stale entry.
    expect(await pipeline.invoke(stockBatch(skus.slice(0, 1)))).toEqual([
      expect.objectContaining({ code: 'SOURCE_UNAVAILABLE' }),
    ]);
    systems.erp.misbehaviour.set({});
    // A failure that is not the backend's being down (here: a key it does not know) is never hidden by a stale entry.
    const { pipeline: other } = await pipelineOf(billing, { ttlMs: 1, staleIfErrorMs: 60_000 });
    await other.invoke(priceBatch([skus[0]!]));
    await sleep(10);
    systems.billing.misbehaviour.set({ rateLimited: true });
    expect(await other.invoke(priceBatch([skus[0]!]))).toEqual([
      expect.objectContaining({ code: 'SOURCE_RATE_LIMITED' }),
    ]);
  });

  it('stale-while-revalidate: the stale entry is served at once and refreshed once in the background', async () => {
    const { pipeline, seen } = await pipelineOf(billing, {
      ttlMs: 1,
      staleWhileRevalidateMs: 60_000,
    });
    const first = await pipeline.invoke(priceBatch(skus.slice(0, 2)));
    await sleep(10);
    systems.resetCounts();
    systems.billing.misbehaviour.set({ latencyMs: 30 });
    const [a, b] = await Promise.all([
      pipeline.invoke(priceBatch(skus.slice(0, 2))),
      pipeline.invoke(priceBatch(skus.slice(0, 2))),
    ]);
    expect(a).toEqual(first);
    expect(b).toEqual(first);
    for (let tries = 0; tries < 100 && pipeline.state().cache?.readsInFlight !== 0; tries += 1)
      await sleep(10);
    expect(systems.counts().billing).toEqual({ BatchGetPrices: 1 });
    expect(seen).toHaveLength(2);
  });
});

describe('REST answers follow their HTTP caching headers', () => {
  const single = (operation: string, args: Record<string, unknown>): Call => ({
    kind: 'single',
    source: 'storefront',
    operation: storefront.operations.get(operation)!,
    args,
    ctx: {},
  });

  it('a stale answer with an ETag is revalidated: the 304 costs a call but no body, and the cached value is served', async () => {
    const { pipeline } = await pipelineOf(storefront);
    const call = single('getProductBySku', { sku: skus[0] });
    const first = await pipeline.invoke(call);
    const second = await pipeline.invoke(call);
    expect(second).toEqual(first);
    expect(systems.counts().storefront).toEqual({
      getProductBySku: 2,
      'getProductBySku.notModified': 1,
    });
  });

  it('a private answer (customer data) is not stored', async () => {
    const { pipeline } = await pipelineOf(storefront);
    const call = single('getCustomer', { customerId: seed.customers[0]!.id });
    await pipeline.invoke(call);
    await pipeline.invoke(call);
    expect(systems.counts().storefront).toEqual({ getCustomer: 2 });
  });

  it('a no-store answer is not stored, a max-age one is, and s-maxage wins for a shared cache', async () => {
    // A backend written for this test: one GET whose Cache-Control the test sets, counting its calls.
    let cacheControl = 'no-store';
    let calls = 0;
    const contract = {
      openapi: '3.0.3',
      info: { title: 'things', version: '1' },
      paths: {
        '/things/{id}': {
          get: {
            operationId: 'getThing',
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
            responses: {
              '200': {
                description: 'a thing',
                content: {
                  'application/json': {
                    schema: { type: 'object', properties: { id: { type: 'string' } } },
                  },
                },
              },
            },
          },
        },
      },
    };
    const server = createServer((req, res) => {
      if (req.url === '/openapi.json') return void res.end(JSON.stringify(contract));
      calls += 1;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': cacheControl });
      res.end(JSON.stringify({ id: req.url?.split('/').pop() }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    track(
      { close: () => new Promise<void>((resolve) => server.close(() => resolve())) },
      'things server',
    );
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const things = track(
      await createRestSource({ name: 'things', contract: `${url}/openapi.json`, url }),
      'things source',
    );
    const { pipeline } = await pipelineOf(things);
    const read = (id: string): Promise<unknown> =>
      pipeline.invoke({
        kind: 'single',
        source: 'things',
        operation: things.operations.get('getThing')!,
        args: { id },
        ctx: {},
      });
    await read('a');
    await read('a');
    expect(calls).toBe(2);
    cacheControl = 'max-age=60';
    await read('b');
    await read('b');
    expect(calls).toBe(3);
    cacheControl = 'max-age=60, s-maxage=0';
    await read('c');
    await read('c');
    expect(calls).toBe(5);
    cacheControl = 'private, max-age=60';
    await read('d');
    await read('d');
    expect(calls).toBe(7);
  });

  it('mutations are never cached', async () => {
    const { pipeline } = await pipelineOf(storefront);
    const call = single('createOrder', {
      input: { customerId: seed.customers[0]!.id, lines: [{ sku: skus[0], quantity: 1 }] },
    });
    await pipeline.invoke(call);
    await pipeline.invoke(call);
    expect(systems.counts().storefront).toEqual({ createOrder: 2 });
  });
});

describe('invalidation', () => {
  it('dropping a Product drops its cached price, and only its', async () => {
    const { pipeline, store, seen } = await pipelineOf(billing);
    await pipeline.invoke(priceBatch(skus.slice(0, 3)));
    await createCacheControl(store).invalidate({ entity: 'Product', keys: [skus[1]] });
    systems.resetCounts();
    await pipeline.invoke(priceBatch(skus.slice(0, 3)));
    expect(systems.counts().billing).toEqual({ GetPrice: 1 });
    expect(seen).toEqual([skus.slice(0, 3), [skus[1]]]);
  });
});
