/**
 * Limits per caller over HTTP on the demo: plans (auth-less callers counted
 * per client address via rateLimits.anonymousPlan), the 429 with Retry-After
 * and the RateLimit / RateLimit-Policy headers, per-plan depth / alias / cost
 * limits, cost through a variable, hostile inputs, and two gateway instances
 * sharing one limit on a real Redis.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../demo/common/catalogue.js';
import type { SwitchboardConfig } from '../../../gateway/index.js';
import {
  NO_READ_CACHE,
  startGatewayOn,
  startRedis,
  startSystems,
  unifiedDemoConfig,
  useHarness,
  type Systems,
  type TestGateway,
  type TestRedis,
} from '../../harness/index.js';

useHarness();

const seed = catalogue();
const sku = seed.products[5]!.sku;
const PRODUCT = `query ($sku: ID!) { product(sku: $sku) { sku title } }`;
let systems: Systems;
let redis: TestRedis;
const started: TestGateway[] = [];

beforeAll(async () => {
  [systems, redis] = await Promise.all([
    startSystems(['storefront', 'erp', 'billing']),
    startRedis(),
  ]);
});
afterAll(async () => {
  await Promise.all(started.map((gateway) => gateway.close()));
});
beforeEach(() => systems.resetCounts());

async function gatewayWith(
  rateLimits: NonNullable<SwitchboardConfig['rateLimits']>,
  limits?: SwitchboardConfig['limits'],
): Promise<TestGateway> {
  const gateway = await startGatewayOn(
    unifiedDemoConfig(systems, { ...NO_READ_CACHE, rateLimits, ...(limits ? { limits } : {}) }),
  );
  started.push(gateway);
  return gateway;
}

describe('requests per window', () => {
  it('says what is left on every answer, then answers 429 with Retry-After and calls nothing', async () => {
    const gateway = await gatewayWith({
      anonymousPlan: 'free',
      windowSeconds: 120,
      plans: { free: { requests: 3 } },
    });
    for (const left of [2, 1, 0]) {
      const { status, headers, body } = await gateway.graphql(PRODUCT, { sku });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(headers.get('ratelimit-policy')).toBe('"requests";q=3;w=120');
      expect(headers.get('ratelimit')).toMatch(new RegExp(`^"requests";r=${left};t=\\d+$`));
      expect(headers.get('retry-after')).toBeNull();
    }
    expect(systems.counts().storefront.getProductBySku).toBe(3);
    const refused = await gateway.graphql(PRODUCT, { sku });
    expect(refused.status).toBe(429);
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      policy: 'requests',
      limit: 3,
      windowSeconds: 120,
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(refused.headers.get('ratelimit')).toMatch(/^"requests";r=0;t=\d+$/);
    expect(refused.headers.get('ratelimit-policy')).toBe('"requests";q=3;w=120');
    expect(systems.counts().storefront.getProductBySku).toBe(3);
  });

  it('counts each refusal by plan in the metrics, for the operator', async () => {
    const admin = 'admin-token-for-the-rate-limit-metrics-01234';
    const gateway = await startGatewayOn(
      unifiedDemoConfig(systems, {
        ...NO_READ_CACHE,
        admin: { token: admin },
        rateLimits: { anonymousPlan: 'free', windowSeconds: 120, plans: { free: { requests: 1 } } },
      }),
    );
    started.push(gateway);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await gateway.graphql(PRODUCT, { sku })).status);
    expect(statuses).toEqual([200, 429, 429]);
    const text = await (
      await gateway.fetch('/metrics', { headers: { authorization: `Bearer ${admin}` } })
    ).text();
    expect(text).toMatch(/^switchboard_token_rate_limited_total\{plan="free"\} 2$/m);
  });

  it('a gateway with no plan for a caller sends no rate-limit headers', async () => {
    const gateway = await gatewayWith({});
    const { status, headers } = await gateway.graphql(PRODUCT, { sku });
    expect(status).toBe(200);
    expect(headers.get('ratelimit')).toBeNull();
  });
});

describe('query cost per window', () => {
  it("counts each operation's cost against the window", async () => {
    const gateway = await gatewayWith({
      anonymousPlan: 'metered',
      plans: { metered: { cost: 20 } },
    });
    // product: 2 + sku 1 + title 1 = 4 per request.
    const first = await gateway.graphql(PRODUCT, { sku });
    expect(first.headers.get('ratelimit')).toMatch(/^"cost";r=16;t=\d+$/);
    for (let i = 0; i < 4; i += 1) await gateway.graphql(PRODUCT, { sku });
    const refused = await gateway.graphql(PRODUCT, { sku });
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      policy: 'cost',
      limit: 20,
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('per-plan operation limits', () => {
  it('a plan may lower limits.maxAliases, maxDepth and maxCost', async () => {
    const gateway = await gatewayWith({
      anonymousPlan: 'small',
      plans: { small: { maxAliases: 2, maxDepth: 3, maxCost: 30 } },
    });
    const aliases = await gateway.graphql(
      `{ a: product(sku: "${sku}") { sku } b: product(sku: "${sku}") { sku } c: product(sku: "${sku}") { sku } }`,
    );
    expect(aliases.status).toBe(400);
    expect(aliases.body.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_ALIASES_EXCEEDED',
      limit: 2,
    });
    const deep = await gateway.graphql(
      `{ product(sku: "${sku}") { price { amount } stock { warehouses { warehouse } } } }`,
    );
    expect(deep.body.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_DEPTH_EXCEEDED',
      limit: 3,
    });
    // Depth 3, cost 2 + 10 × (2 + 1) = 32.
    const costly = await gateway.graphql(`{ products(first: 10) { pageInfo { hasNextPage } } }`);
    expect(costly.body.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_COST_EXCEEDED',
      limit: 30,
    });
    expect(systems.totals()).toEqual({ storefront: 0, erp: 0, billing: 0 });
    const fine = await gateway.graphql(
      `{ a: product(sku: "${sku}") { sku } b: product(sku: "${sku}") { title } }`,
    );
    expect(fine.body.errors).toBeUndefined();
  });

  it('a plan may raise limits.maxAliases above the gateway-wide limit', async () => {
    const gateway = await gatewayWith(
      { anonymousPlan: 'wide', plans: { wide: { maxAliases: 30 } } },
      { maxAliases: 5 },
    );
    const twenty = Array.from(
      { length: 20 },
      (_, i) => `p${i}: product(sku: "${sku}") { sku }`,
    ).join(' ');
    const accepted = await gateway.graphql(`{ ${twenty} }`);
    expect(accepted.body.errors).toBeUndefined();
    expect(Object.keys(accepted.body.data)).toHaveLength(20);
    const many = Array.from({ length: 31 }, (_, i) => `p${i}: product(sku: "${sku}") { sku }`).join(
      ' ',
    );
    const refused = await gateway.graphql(`{ ${many} }`);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_ALIASES_EXCEEDED',
      limit: 30,
    });
  });
});

describe('cost through variables', () => {
  const ORDERS = `query ($id: ID!, $n: Int) { customer(id: $id) { orders(first: $n) { edges { node { id lines { product { title price { amount } } } } } } } }`;

  it('a page size from a variable counts, so a large one is refused before any backend call', async () => {
    const gateway = await gatewayWith({});
    const small = await gateway.graphql(ORDERS, { id: seed.customers[0]!.id, n: 1 });
    expect(small.body.errors).toBeUndefined();
    systems.resetCounts();
    const large = await gateway.graphql(ORDERS, { id: seed.customers[0]!.id, n: 200 });
    expect(large.status).toBe(400);
    expect(large.body.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_COST_EXCEEDED',
      limit: 5000,
    });
    expect(systems.totals()).toEqual({ storefront: 0, erp: 0, billing: 0 });
  });

  it('first: $n with n = 1,000,000 never reaches the storefront (its @constraint names the argument first)', async () => {
    const gateway = await gatewayWith({});
    const { status, body } = await gateway.graphql(
      `query ($n: Int) { products(first: $n) { edges { node { sku } } } }`,
      { n: 1_000_000 },
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'first',
    });
    expect(systems.totals().storefront).toBe(0);
  });
});

describe('hostile inputs', () => {
  it('huge variables and many aliases are refused without a backend call', async () => {
    const gateway = await gatewayWith({
      anonymousPlan: 'free',
      plans: { free: { requests: 100 } },
    });
    const huge = await gateway.graphql(PRODUCT, { sku: 'S'.repeat(500_000) });
    expect(huge.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const manyAliases = Array.from(
      { length: 100 },
      (_, i) => `p${i}: product(sku: "${sku}") { sku }`,
    ).join(' ');
    const aliased = await gateway.graphql(`{ ${manyAliases} }`);
    expect(aliased.body.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_ALIASES_EXCEEDED' });
    const notNumber = await gateway.graphql(
      `query ($n: Int) { products(first: $n) { edges { node { sku } } } }`,
      { n: 1e300 },
    );
    expect(notNumber.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(systems.totals()).toEqual({ storefront: 0, erp: 0, billing: 0 });
    // Refused before the counters (validation, input constraints, variable coercion): only this one counts.
    const after = await gateway.graphql(PRODUCT, { sku });
    expect(after.headers.get('ratelimit')).toMatch(/^"requests";r=99;t=\d+$/);
  });
});

describe('two gateway instances on one Redis', () => {
  it('share one limit', async () => {
    const shared = {
      store: 'redis' as const,
      redisUrl: redis.url,
      keyPrefix: `rl-test-${process.pid}:`,
      anonymousPlan: 'free',
      plans: { free: { requests: 4 } },
    };
    const [one, two] = await Promise.all([gatewayWith(shared), gatewayWith(shared)]);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await one.graphql(PRODUCT, { sku })).status);
      statuses.push((await two.graphql(PRODUCT, { sku })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    expect(systems.counts().storefront.getProductBySku).toBe(4);
  });
});
