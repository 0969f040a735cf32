import { describe, expect, it } from 'vitest';
import {
  DEFAULTS,
  GatewayError,
  defineConfig,
  resolveConfig,
  type SwitchboardConfig,
} from '../../../gateway/index.js';
import { createMemorySource } from './fixtures/memory-source.js';

async function rejection(config: unknown): Promise<GatewayError> {
  const error: unknown = await resolveConfig(config as SwitchboardConfig).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('resolveConfig', () => {
  it('awaits sources and fills every default', async () => {
    const source = createMemorySource();
    const resolved = await resolveConfig(defineConfig({ sources: [Promise.resolve(source)] }));
    expect(resolved.sources).toEqual([source]);
    expect(resolved.limits).toEqual(DEFAULTS.limits);
    expect(resolved.server).toEqual(DEFAULTS.server);
    expect(resolved.playground.enabled).toBe(true);
    expect(resolved.logging.level).toBe('info');
  });

  it('keeps given values', async () => {
    const resolved = await resolveConfig({
      sources: [createMemorySource()],
      limits: { maxDepth: 3 },
      server: { port: 0 },
      logging: { level: 'silent' },
    });
    expect(resolved.limits.maxDepth).toBe(3);
    expect(resolved.limits.maxAliases).toBe(DEFAULTS.limits.maxAliases);
    expect(resolved.server.port).toBe(0);
    expect(resolved.logging.level).toBe('silent');
  });

  it.each([
    [
      { sources: [createMemorySource()], limits: { maxDepth: 'deep' } },
      'limits.maxDepth',
      /should be an integer.*instead got "deep"/,
    ],
    [
      { sources: [createMemorySource()], limits: { maxDeep: 3 } },
      'limits.maxDeep',
      /one of the known options/,
    ],
    [
      { sources: [createMemorySource()], server: { port: 70000 } },
      'server.port',
      /from 0 to 65535, instead got 70000/,
    ],
    [
      { sources: [createMemorySource()], logging: { level: 'loud' } },
      'logging.level',
      /"debug".*instead got "loud"/,
    ],
    [
      { sources: [createMemorySource()], playground: { defaultTabs: [{ query: 1 }] } },
      'playground.defaultTabs[0].query',
      /a string, instead got 1/,
    ],
    [
      { sources: [createMemorySource('shop'), createMemorySource('shop')] },
      'sources[1].name',
      /no other source has/,
    ],
    [{ sources: [{ name: 'x' }] }, 'sources[0].typeDefs', /DocumentNode/],
    [{ sources: [] }, 'sources', /at least one source/],
    [{ sources: 'storefront' }, 'sources', /array of sources/],
    [
      { sources: [createMemorySource()], extra: true },
      'extra',
      /known options: sources, schema, server/,
    ],
    [{ sources: [createMemorySource()], pipline: {} }, 'pipline', /did you mean "pipeline"\?/],
    [
      { sources: [createMemorySource()], pipeline: { retry: { maxAtempts: 2 } } },
      'pipeline.retry.maxAtempts',
      /did you mean "maxAttempts"\?/,
    ],
    [
      { sources: [createMemorySource()], pipeline: { breaker: { failureRatio: 1.5 } } },
      'pipeline.breaker.failureRatio',
      /greater than 0 and less than 1, instead got 1.5/,
    ],
    [
      { sources: [createMemorySource()], pipeline: { breaker: { failureRatio: 0 } } },
      'pipeline.breaker.failureRatio',
      /greater than 0 and less than 1, instead got 0/,
    ],
    [
      { sources: [createMemorySource()], pipeline: { rateLimit: { maxPauseMs: -1 } } },
      'pipeline.rateLimit.maxPauseMs',
      /an integer from 0/,
    ],
    [
      { sources: [createMemorySource('shop')], pipeline: { sources: { shp: {} } } },
      'pipeline.sources.shp',
      /source "shp", which does not exist: did you mean "shop"\?/,
    ],
    [
      {
        sources: [createMemorySource('shop')],
        pipeline: { sources: { shop: { operations: { nope: {} } } } },
      },
      'pipeline.sources.shop.operations.nope',
      /an operation of shop "nope", which does not exist/,
    ],
    [
      {
        sources: [createMemorySource('shop')],
        pipeline: { sources: { shop: { operations: { product: { breaker: {} } } } } },
      },
      'pipeline.sources.shop.operations.product.breaker',
      /is not one of the known options/,
    ],
    [
      { sources: [createMemorySource()], cache: { store: 'memcached' } },
      'cache.store',
      /"memory", "redis", instead got "memcached"/,
    ],
  ])(
    'rejects a bad option with CONFIG_INVALID, its path, the expectation and what arrived (%#)',
    async (config, path, message) => {
      const error = await rejection(config);
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.details.path).toBe(path);
      expect(error.safeMessage).toContain(`"${path}"`);
      expect(error.safeMessage).toMatch(message);
    },
  );

  it('closes the sources that were built when another one fails', async () => {
    const built = createMemorySource('built');
    const failure = new Error('contract missing');
    const error: unknown = await resolveConfig({ sources: [built, Promise.reject(failure)] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBe(failure);
    expect(built.closedCount()).toBe(1);
  });

  it('closes the sources when the config is invalid', async () => {
    const built = createMemorySource('built');
    await rejection({ sources: [built], limits: { maxCost: -1 } });
    expect(built.closedCount()).toBe(1);
  });
});

describe('pipeline policies', () => {
  it('gives each source the section values, its own overrides, and per-operation overrides of those', async () => {
    const resolved = await resolveConfig({
      sources: [createMemorySource('shop'), createMemorySource('erp')],
      pipeline: {
        timeoutMs: 4000,
        retry: { maxAttempts: 2 },
        sources: {
          erp: {
            timeoutMs: 900,
            breaker: { minimumCalls: 3 },
            operations: { product: { cache: { ttlMs: 5000 } } },
          },
        },
      },
    });
    const shop = resolved.policies.get('shop');
    const erp = resolved.policies.get('erp');
    expect(shop?.timeoutMs).toBe(4000);
    expect(shop?.retry).toEqual({ ...DEFAULTS.pipeline.retry, maxAttempts: 2 });
    expect(shop?.operations.size).toBe(0);
    expect(erp?.timeoutMs).toBe(900);
    expect(erp?.breaker).toEqual({ ...DEFAULTS.pipeline.breaker, minimumCalls: 3 });
    expect(erp?.retry.maxAttempts).toBe(2);
    // An operation inherits its source's values and overrides only what it names.
    expect(erp?.operations.get('product')).toEqual({
      timeoutMs: 900,
      retry: { ...DEFAULTS.pipeline.retry, maxAttempts: 2 },
      cache: { ...DEFAULTS.pipeline.cache, ttlMs: 5000 },
    });
  });
});

describe('per-operation overrides', () => {
  // Regression: retry.budget* on an operation was accepted and silently ignored (the budget is the source's).
  it('refuse the retry budget, which belongs to the source', async () => {
    const error = await rejection({
      sources: [createMemorySource('shop')],
      pipeline: { sources: { shop: { operations: { product: { retry: { budgetRatio: 0.5 } } } } } },
    });
    expect(error.details.path).toBe('pipeline.sources.shop.operations.product.retry.budgetRatio');
    expect(error.safeMessage).toMatch(/is not one of the known options/);
  });
});
