/**
 * /metrics against the real demo systems: guarded by the admin credential,
 * and counting what really happened (each source's calls equal the
 * backend's own counts, cache hits and misses, the breaker's state after
 * failures), with caller-supplied operation names capped.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  demoConfig,
  startGatewayOn,
  startSystems,
  unifiedDemoConfig,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';
import { labelValues, total } from './prometheus-text.js';

useHarness();

const ADMIN_TOKEN = 'admin-token-for-the-metrics-tests-0123456789';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

let systems: Systems;

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
});

afterEach(() => {
  systems.resetCounts();
  for (const system of systems.list) system.misbehaviour.set({});
});

async function scrape(gateway: TestGateway): Promise<string> {
  const response = await gateway.fetch('/metrics', { headers: ADMIN });
  expect(response.status).toBe(200);
  return response.text();
}

describe('/metrics is guarded by the admin credential', () => {
  it('answers 404 when no admin credential is configured', async () => {
    const gateway = await startGatewayOn(demoConfig(systems));
    try {
      const response = await gateway.fetch('/metrics', { headers: ADMIN });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toMatch(/switchboard_/);
    } finally {
      await gateway.close();
    }
  });

  it('answers 401 without the credential or with a wrong one, and the exposition with the right one', async () => {
    const gateway = await startGatewayOn(demoConfig(systems, { admin: { token: ADMIN_TOKEN } }));
    try {
      for (const headers of [
        {},
        { authorization: 'Bearer not-the-admin-token-but-long-enough-000000' },
        { authorization: ADMIN_TOKEN },
        { authorization: `Basic ${ADMIN_TOKEN}` },
      ]) {
        const response = await gateway.fetch('/metrics', { headers });
        expect(response.status).toBe(401);
        const body = await response.text();
        expect(body).toContain('ADMIN_UNAUTHORIZED');
        expect(body).not.toMatch(/switchboard_|admin-token/);
      }
      const response = await gateway.fetch('/metrics', { headers: ADMIN });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(text).toContain('# TYPE switchboard_requests_total counter');
      expect(text).toContain('# TYPE switchboard_source_call_duration_seconds histogram');
      expect(text).toContain('process_cpu_user_seconds_total');
      expect((await gateway.fetch('/metrics', { method: 'POST', headers: ADMIN })).status).toBe(
        405,
      );
    } finally {
      await gateway.close();
    }
  });

  it('counts nothing when metrics are turned off (404 even to the admin)', async () => {
    const gateway = await startGatewayOn(
      demoConfig(systems, {
        admin: { token: ADMIN_TOKEN },
        telemetry: { metrics: { enabled: false } },
      }),
    );
    try {
      expect((await gateway.fetch('/metrics', { headers: ADMIN })).status).toBe(404);
      expect((await gateway.fetch('/metrics')).status).toBe(401);
    } finally {
      await gateway.close();
    }
  });
});

describe('what /metrics counts', () => {
  const PRODUCTS =
    'query Products { products(first: 10) { edges { node { sku title stock { available } price { amount currencyCode } } } } }';

  it("counts each source's calls as the backends count them, and the read cache's hits and misses", async () => {
    const gateway = await startGatewayOn(
      unifiedDemoConfig(systems, { admin: { token: ADMIN_TOKEN } }),
    );
    try {
      const first = await gateway.graphql(PRODUCTS);
      expect(first.body.errors).toBeUndefined();
      let text = await scrape(gateway);
      expect(
        total(text, 'switchboard_cache_misses_total', { source: 'billing', operation: 'getPrice' }),
      ).toBe(10);
      expect(
        total(text, 'switchboard_cache_hits_total', { source: 'billing', operation: 'getPrice' }),
      ).toBe(0);

      const second = await gateway.graphql(PRODUCTS);
      expect(second.body.data).toEqual(first.body.data);
      text = await scrape(gateway);
      const backend = systems.totals();
      for (const source of ['storefront', 'erp', 'billing'] as const) {
        expect(backend[source]).toBeGreaterThan(0);
        expect(total(text, 'switchboard_source_calls_total', { source })).toBe(backend[source]);
        expect(total(text, 'switchboard_source_call_duration_seconds_count', { source })).toBe(
          backend[source],
        );
      }
      // Per operation too: billing's one batch is the backend's one BatchGetPrices.
      expect(
        total(text, 'switchboard_source_calls_total', {
          source: 'billing',
          operation: 'getPrice',
          outcome: 'success',
        }),
      ).toBe(systems.counts().billing.BatchGetPrices);
      expect(
        total(text, 'switchboard_cache_misses_total', { source: 'billing', operation: 'getPrice' }),
      ).toBe(10);
      expect(
        total(text, 'switchboard_cache_hits_total', { source: 'billing', operation: 'getPrice' }),
      ).toBe(10);
      expect(
        total(text, 'switchboard_cache_hits_total', { source: 'erp', operation: 'getStockLevels' }),
      ).toBe(10);
      expect(total(text, 'switchboard_source_call_errors_total')).toBe(0);
      expect(
        total(text, 'switchboard_requests_total', { operation: 'Products', outcome: 'success' }),
      ).toBe(2);
      expect(
        total(text, 'switchboard_request_duration_seconds_count', { operation: 'Products' }),
      ).toBe(2);
      // No SKU or id is ever a label value.
      expect(text).not.toMatch(/SKU-\d|prod_\d/);
    } finally {
      await gateway.close();
    }
  });

  it('shows the breaker open after failures, the errors by code, and the refusals while open', async () => {
    const gateway = await startGatewayOn(
      demoConfig(systems, {
        admin: { token: ADMIN_TOKEN },
        pipeline: {
          retry: { maxAttempts: 1 },
          cache: { enabled: false },
          breaker: {
            failureRatio: 0.5,
            minimumCalls: 4,
            windowMs: 60_000,
            halfOpenAfterMs: 60_000,
          },
        },
      }),
    );
    try {
      const query = '{ getProduct(productId: "prod_00001") { id } }';
      let text = await scrape(gateway);
      expect(
        total(text, 'switchboard_source_breaker_state', { source: 'storefront', state: 'closed' }),
      ).toBe(1);
      systems.storefront.misbehaviour.set({ unavailable: true, retryAfterMs: 0 });
      for (let call = 0; call < 4; call += 1)
        await gateway.graphql(query, undefined, { path: '/graphql/storefront' });
      text = await scrape(gateway);
      expect(
        total(text, 'switchboard_source_breaker_state', { source: 'storefront', state: 'open' }),
      ).toBe(1);
      expect(
        total(text, 'switchboard_source_breaker_state', { source: 'storefront', state: 'closed' }),
      ).toBe(0);
      expect(
        total(text, 'switchboard_source_breaker_state', { source: 'erp', state: 'closed' }),
      ).toBe(1);
      expect(
        total(text, 'switchboard_source_call_errors_total', {
          source: 'storefront',
          operation: 'getProduct',
          code: 'SOURCE_UNAVAILABLE',
        }),
      ).toBe(4);

      systems.storefront.misbehaviour.set({});
      const refused = await gateway.graphql(query, undefined, { path: '/graphql/storefront' });
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
      text = await scrape(gateway);
      expect(
        total(text, 'switchboard_source_refusals_total', {
          source: 'storefront',
          reason: 'circuit open',
        }),
      ).toBe(1);
      expect(total(text, 'switchboard_source_calls_total', { source: 'storefront' })).toBe(
        systems.totals().storefront,
      );
      expect(systems.totals().storefront).toBe(4);
      // Nullable fields: each failed request answered `getProduct: null` with its error.
      expect(total(text, 'switchboard_requests_total', { operation: 'anonymous' })).toBe(5);
      expect(
        total(text, 'switchboard_requests_total', { operation: 'anonymous', outcome: 'success' }),
      ).toBe(0);
      expect(total(text, 'switchboard_source_bulkhead_queued', { source: 'storefront' })).toBe(0);
    } finally {
      await gateway.close();
    }
  });

  it('counts retries and rate-limit pauses', async () => {
    const gateway = await startGatewayOn(
      demoConfig(systems, {
        admin: { token: ADMIN_TOKEN },
        pipeline: { retry: { baseDelayMs: 1 }, cache: { enabled: false } },
      }),
    );
    try {
      const query = '{ getProduct(productId: "prod_00001") { id } }';
      systems.storefront.misbehaviour.set({
        failNext: 1,
        failWith: 'unavailable',
        retryAfterMs: 0,
      });
      expect(
        (await gateway.graphql(query, undefined, { path: '/graphql/storefront' })).body.errors,
      ).toBeUndefined();
      let text = await scrape(gateway);
      expect(systems.counts().storefront).toEqual({ getProduct: 2 });
      expect(
        total(text, 'switchboard_source_retries_total', {
          source: 'storefront',
          operation: 'getProduct',
        }),
      ).toBe(1);
      expect(
        total(text, 'switchboard_source_calls_total', { source: 'storefront', outcome: 'failure' }),
      ).toBe(1);
      expect(
        total(text, 'switchboard_source_calls_total', { source: 'storefront', outcome: 'success' }),
      ).toBe(1);

      // A 429 asking for a wait longer than the retry's longest backoff: the source pauses, the call is not retried.
      systems.billing.misbehaviour.set({ rateLimited: true, retryAfterMs: 120_000 });
      const limited = await gateway.graphql('{ getPrice(sku: "SKU-00001") { sku } }', undefined, {
        path: '/graphql/billing',
      });
      expect(limited.body.errors?.[0]?.extensions).toMatchObject({ code: 'SOURCE_RATE_LIMITED' });
      text = await scrape(gateway);
      expect(total(text, 'switchboard_source_rate_limit_pauses_total', { source: 'billing' })).toBe(
        1,
      );
      expect(
        total(text, 'switchboard_source_paused_seconds', { source: 'billing' }),
      ).toBeGreaterThan(0);
      expect(
        total(text, 'switchboard_source_call_errors_total', {
          source: 'billing',
          code: 'SOURCE_RATE_LIMITED',
        }),
      ).toBe(1);
    } finally {
      await gateway.close();
    }
  });

  it('caps the distinct operation names callers can create, and counts refused requests apart', async () => {
    const gateway = await startGatewayOn(
      demoConfig(systems, {
        admin: { token: ADMIN_TOKEN },
        telemetry: { metrics: { maxOperationNames: 3 } },
      }),
    );
    try {
      for (let index = 1; index <= 8; index += 1) {
        const { body } = await gateway.graphql(`query Name${index} { __typename }`);
        expect(body.errors).toBeUndefined();
      }
      await gateway.graphql('query Name1 { __typename }');
      await gateway.graphql('{ this is not graphql');
      // The playground page and a CORS preflight are not GraphQL requests.
      const page = await gateway.fetch('/graphql', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      await page.text();
      await (
        await gateway.fetch('/graphql', {
          method: 'OPTIONS',
          headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
        })
      ).text();
      const text = await scrape(gateway);
      expect(total(text, 'switchboard_requests_total')).toBe(10);
      expect(labelValues(text, 'switchboard_requests_total', 'operation')).toEqual([
        'Name1',
        'Name2',
        'Name3',
        'other',
        'unknown',
      ]);
      expect(total(text, 'switchboard_requests_total', { operation: 'other' })).toBe(5);
      expect(total(text, 'switchboard_requests_total', { operation: 'Name1' })).toBe(2);
      expect(
        total(text, 'switchboard_requests_total', { operation: 'unknown', outcome: 'rejected' }),
      ).toBe(1);
    } finally {
      await gateway.close();
    }
  });
});
