/**
 * The resilience steps through the gateway, configured by `pipeline` in the
 * config, against the real demo systems: counts of backend calls, never timings.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../demo/common/catalogue.js';
import type { SwitchboardConfig } from '../../../gateway/index.js';
import {
  startGatewayOn,
  startSystems,
  unifiedDemoConfig,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';

useHarness();

const seed = catalogue();
const product = seed.products[5]!;
const PRODUCT = `query ($sku: ID!) { product(sku: $sku) { title } }`;
const PRICE = `query ($sku: ID!) { product(sku: $sku) { price { amount } } }`;
const STOCK = `query ($sku: ID!) { product(sku: $sku) { stock { available } } }`;
const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`;

/** Short waits, so the file stays fast; each test adds what it checks. */
const FAST = { retry: { baseDelayMs: 1, maxDelayMs: 5 } };

let systems: Systems | undefined;

async function gatewayWith(
  pipeline: NonNullable<SwitchboardConfig['pipeline']>,
): Promise<{ systems: Systems; gateway: TestGateway }> {
  systems ??= await startSystems(['storefront', 'erp', 'billing']);
  return { systems, gateway: await startGatewayOn(unifiedDemoConfig(systems, { pipeline })) };
}

interface WireError {
  readonly extensions?: Record<string, unknown>;
}
const firstError = (body: { errors?: readonly WireError[] }): Record<string, unknown> | undefined =>
  body.errors?.[0]?.extensions;

beforeEach(() => {
  if (systems === undefined) return;
  systems.resetCounts();
  for (const system of systems.list) system.misbehaviour.set({});
});

describe('the pipeline through the gateway', () => {
  it('a 503 then a 200 is one retry: the product arrives, the storefront counted two calls', async () => {
    const { systems, gateway } = await gatewayWith(FAST);
    systems.storefront.misbehaviour.set({ failNext: 1, failWith: 'unavailable', retryAfterMs: 0 });
    const { body } = await gateway.graphql(PRODUCT, { sku: product.sku });
    expect(body.errors).toBeUndefined();
    expect(body.data.product.title).toBe(product.title);
    expect(systems.counts().storefront).toEqual({ getProductBySku: 2 });
  });

  it('a write answering 503 reaches the storefront exactly once', async () => {
    const { systems, gateway } = await gatewayWith({
      ...FAST,
      retry: { ...FAST.retry, maxAttempts: 5 },
    });
    systems.storefront.misbehaviour.set({ failNext: 1, failWith: 'unavailable', retryAfterMs: 0 });
    const { body } = await gateway.graphql(PLACE, {
      input: {
        customerId: seed.customers[1]!.id,
        lines: [{ sku: product.sku, quantity: 1 }],
        idempotencyKey: randomUUID(),
      },
    });
    expect(body.data.placeOrder).toBeNull();
    // Not retried (the storefront is not declared to honour keys here): the write is parked, never answered as done.
    expect(firstError(body)).toMatchObject({
      code: 'WRITE_INCOMPLETE',
      system: 'storefront',
      operation: 'createOrder',
      state: 'dead-lettered',
    });
    expect(systems.counts().storefront.createOrder).toBe(1);
  });

  it('a Retry-After from billing stops its calls until it passes: the next requests fail fast with retryAfterMs', async () => {
    const { systems, gateway } = await gatewayWith({
      ...FAST,
      sources: { billing: { retry: { maxAttempts: 1 } } },
    });
    systems.billing.misbehaviour.set({ rateLimited: true, retryAfterMs: 60_000 });
    expect(firstError((await gateway.graphql(PRICE, { sku: product.sku })).body)).toMatchObject({
      code: 'SOURCE_RATE_LIMITED',
      retryAfterMs: 60_000,
    });
    systems.billing.misbehaviour.set({});
    for (let request = 0; request < 3; request += 1) {
      const { body } = await gateway.graphql(PRICE, { sku: product.sku });
      expect(body.data.product.price).toBeNull();
      const refused = firstError(body);
      expect(refused).toMatchObject({
        code: 'SOURCE_RATE_LIMITED',
        source: 'billing',
        reason: 'source paused',
      });
      expect(refused?.retryAfterMs).toBeGreaterThan(50_000);
    }
    expect(systems.counts().billing).toEqual({ GetPrice: 1 });
  });

  it('the erp breaker opens after the configured failures, then the erp gets no calls; /readyz shows it', async () => {
    const { systems, gateway } = await gatewayWith({
      ...FAST,
      sources: {
        erp: {
          retry: { maxAttempts: 1 },
          breaker: {
            failureRatio: 0.5,
            minimumCalls: 3,
            windowMs: 60_000,
            halfOpenAfterMs: 60_000,
          },
        },
      },
    });
    const ready = (await (await gateway.fetch('/readyz')).json()) as {
      sources: Record<string, { breaker?: string }>;
    };
    expect(ready.sources.erp?.breaker).toBe('closed');
    systems.erp.misbehaviour.set({ unavailable: true });
    for (let request = 0; request < 3; request += 1)
      expect(firstError((await gateway.graphql(STOCK, { sku: product.sku })).body)).toMatchObject({
        code: 'SOURCE_UNAVAILABLE',
        source: 'erp',
      });
    expect(systems.totals().erp).toBe(3);
    systems.erp.misbehaviour.set({});
    for (let request = 0; request < 3; request += 1) {
      const { body } = await gateway.graphql(STOCK, { sku: product.sku });
      expect(firstError(body)).toMatchObject({
        code: 'SOURCE_UNAVAILABLE',
        source: 'erp',
        reason: 'circuit open',
      });
    }
    expect(systems.totals().erp).toBe(3);
    const open = await gateway.fetch('/readyz');
    const body = (await open.json()) as {
      sources: Record<string, { ok: boolean; breaker?: string }>;
    };
    expect(body.sources.erp).toMatchObject({ ok: true, breaker: 'open' });
    expect(body.sources.billing?.breaker).toBe('closed');
    // Health probes bypass the pipeline: the erp answered them, and /readyz stays 200.
    expect(open.status).toBe(200);
  });

  it('the outbound rate limit holds: two billing calls per minute, the third request fails fast', async () => {
    const { systems, gateway } = await gatewayWith({
      ...FAST,
      sources: { billing: { rateLimit: { calls: 2, windowMs: 60_000 } } },
    });
    for (let request = 0; request < 2; request += 1)
      expect((await gateway.graphql(PRICE, { sku: product.sku })).body.errors).toBeUndefined();
    const { body } = await gateway.graphql(PRICE, { sku: product.sku });
    expect(firstError(body)).toMatchObject({
      code: 'SOURCE_RATE_LIMITED',
      source: 'billing',
      reason: 'outbound rate limit',
    });
    expect(systems.counts().billing).toEqual({ GetPrice: 2 });
  });

  it('rejects a pipeline option out of range at start, naming it', async () => {
    systems ??= await startSystems(['storefront', 'erp', 'billing']);
    await expect(
      startGatewayOn(unifiedDemoConfig(systems, { pipeline: { breaker: { failureRatio: 1 } } })),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
