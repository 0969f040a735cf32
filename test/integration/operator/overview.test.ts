/**
 * The operator page's paths without a browser: the page and its data exist
 * only with an admin credential configured (404 otherwise), the data is the
 * admin credential's (401 without it, checked before anything is read) and
 * never cached, the page carries its strict policy, and the figures count
 * the backend calls the demo systems received.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_PAGE_CSP } from '../../../gateway/operator/index.js';
import {
  startGatewayOn,
  startSystems,
  unifiedDemoConfig,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';

useHarness();

const TOKEN = 'operator-overview-admin-token-0123456789';
let systems: Systems;
let gateway: TestGateway;
let closed: TestGateway;

beforeAll(async () => {
  systems = await startSystems();
  [gateway, closed] = await Promise.all([
    startGatewayOn(unifiedDemoConfig(systems, { admin: { token: TOKEN } })),
    startGatewayOn(unifiedDemoConfig(systems)),
  ]);
});

const overview = (target: TestGateway, headers: Record<string, string> = {}, query = '') =>
  target.fetch(`/admin/overview${query}`, { headers });

describe('operator page paths', () => {
  it('answer 404 while no admin credential is configured, 401 to a missing or wrong one, no-store either way', async () => {
    for (const path of ['/admin', '/admin/overview']) {
      const response = await closed.fetch(path, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(response.status).toBe(404);
      expect(((await response.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
    }
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: TOKEN },
    ]) {
      const response = await overview(gateway, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
      expect(((await response.json()) as any).errors[0].extensions.code).toBe('ADMIN_UNAUTHORIZED');
    }
  });

  it('serves the page to anyone, holding no data, under a strict policy', async () => {
    const response = await gateway.fetch('/admin', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toBe(OPERATOR_PAGE_CSP);
    expect(OPERATOR_PAGE_CSP).toMatch(/default-src 'none'.*script-src 'sha256-[^']+'; style-src/);
    expect(OPERATOR_PAGE_CSP).not.toContain('unsafe');
    const html = await response.text();
    expect(html).not.toContain(TOKEN);
    expect(html).not.toMatch(/https?:\/\//);
    expect((await gateway.fetch('/admin', { method: 'POST' })).status).toBe(405);
  });

  it('counts the calls each system received, the cache hits, and refuses a bad partner filter', async () => {
    systems.resetCounts();
    const query = '{ product(sku: "SKU-00002") { title price { amount } stock { available } } }';
    for (let round = 0; round < 2; round += 1)
      expect((await gateway.graphql(query)).body.errors).toBeUndefined();
    // Read before the overview probes the backends (health probes bypass the pipeline and its counts).
    const received = systems.totals();
    const response = await overview(gateway, { authorization: `Bearer ${TOKEN}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as any;
    expect(body.metrics).toBe(true);
    expect(
      Object.fromEntries(body.sources.map((source: any) => [source.name, source.calls])),
    ).toEqual(received);
    for (const source of body.sources) {
      expect(source).toMatchObject({ ok: true, breaker: 'closed', errors: 0, errorRate: 0 });
      expect(source.p50Ms).toBeGreaterThan(0);
      expect(source.p99Ms).toBeGreaterThanOrEqual(source.p50Ms);
    }
    // The second round found the erp item and the billing price cached.
    expect(body.cache.hits).toBeGreaterThan(0);
    expect(body.cache.hitRatio).toBe(body.cache.hits / (body.cache.hits + body.cache.misses));
    expect(body).toMatchObject({ inFlight: { count: 0 }, deadLetters: [], audit: [] });

    const refused = await overview(
      gateway,
      { authorization: `Bearer ${TOKEN}` },
      `?partner=${'p'.repeat(600)}`,
    );
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe('WRITE_QUERY_INVALID');
  });
});
