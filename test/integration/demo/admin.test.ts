import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdmin, type AdminServer } from '../../../demo/index.js';
import { startSystems, track, useHarness, type Systems } from '../../harness/index.js';

useHarness();

let systems: Systems;
let admin: AdminServer;

beforeAll(async () => {
  systems = await startSystems(['storefront', 'billing']);
  admin = track(await startAdmin({ systems: systems.list }), 'admin');
});

afterAll(async () => {
  // Also covered by useHarness(); closing here checks close() is safe twice.
  await admin.close();
});

async function adminCall(
  method: 'GET' | 'POST',
  path: string,
  body?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${admin.url}${path}`, {
    method,
    body,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const storefront = (path: string): Promise<Response> => fetch(`${systems.storefront.url}${path}`);

describe('demo admin endpoint', () => {
  it('reports the calls each system received, per operation, and resets them', async () => {
    systems.resetCounts();
    expect((await storefront('/products/prod_00001')).status).toBe(200);
    expect((await storefront('/products/prod_00002')).status).toBe(200);
    expect((await storefront('/customers/cus_0001')).status).toBe(200);

    const stats = await adminCall('GET', '/__admin/stats');
    expect(stats.status).toBe(200);
    expect(stats.json).toEqual({ storefront: { getProduct: 2, getCustomer: 1 }, billing: {} });

    const reset = await adminCall('POST', '/__admin/reset');
    expect(reset).toEqual({ status: 200, json: { reset: true } });
    expect((await adminCall('GET', '/__admin/stats')).json).toEqual({
      storefront: {},
      billing: {},
    });
    expect(systems.totals().storefront).toBe(0);
  });

  it('switches a system to misbehave and back', async () => {
    const on = await adminCall(
      'POST',
      '/__admin/misbehave',
      JSON.stringify({ system: 'storefront', unavailable: true }),
    );
    expect(on.status).toBe(200);
    expect(on.json).toMatchObject({
      system: 'storefront',
      misbehaviour: { unavailable: true, latencyMs: 0 },
    });
    expect((await storefront('/products/prod_00001')).status).toBe(503);

    const off = await adminCall(
      'POST',
      '/__admin/misbehave',
      JSON.stringify({ system: 'storefront' }),
    );
    expect(off.json).toMatchObject({
      misbehaviour: { unavailable: false, errorRate: 0, rateLimited: false },
    });
    expect((await storefront('/products/prod_00001')).status).toBe(200);
  });

  it('answers bad requests with a clear 4xx, and keeps serving', async () => {
    const unknown = await adminCall(
      'POST',
      '/__admin/misbehave',
      JSON.stringify({ system: 'crm', unavailable: true }),
    );
    expect(unknown.status).toBe(400);
    expect(String(unknown.json.error)).toContain('Known: storefront, billing');

    const malformed = await adminCall('POST', '/__admin/misbehave', '{"system": ');
    expect(malformed.status).toBe(400);

    const oversized = await adminCall(
      'POST',
      '/__admin/misbehave',
      JSON.stringify({ system: 'storefront', padding: 'x'.repeat(70 * 1024) }),
    );
    expect(oversized.status).toBe(400);

    const missing = await adminCall('GET', '/__admin/nothing');
    expect(missing.status).toBe(404);
    expect(String(missing.json.error)).toContain('/__admin/stats');

    expect((await adminCall('GET', '/__admin/stats')).status).toBe(200);
  });

  it('refuses unknown settings and wrong types instead of switching everything off', async () => {
    const typo = await adminCall(
      'POST',
      '/__admin/misbehave',
      JSON.stringify({ system: 'storefront', unavailble: true }),
    );
    expect(typo.status).toBe(400);
    expect(String(typo.json.error)).toContain('Unknown setting "unavailble"');
    expect(String(typo.json.error)).toContain('failNext');
    for (const bad of [
      { failNext: -1 },
      { errorRate: 2 },
      { unavailable: 'yes' },
      { failWith: 'ok' },
      { retryAfterMs: '5' },
    ]) {
      const refused = await adminCall(
        'POST',
        '/__admin/misbehave',
        JSON.stringify({ system: 'storefront', ...bad }),
      );
      expect(refused.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await adminCall('POST', '/__admin/misbehave', '[]')).status).toBe(400);
  });

  it('fails the next n calls as told, then answers normally (failNext, failWith, retryAfterMs)', async () => {
    const on = await adminCall(
      'POST',
      '/__admin/misbehave',
      JSON.stringify({
        system: 'storefront',
        failNext: 2,
        failWith: 'rate-limited',
        retryAfterMs: 3_000,
      }),
    );
    expect(on.status).toBe(200);
    for (let call = 0; call < 2; call += 1) {
      const limited = await storefront('/products/prod_00001');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('3');
    }
    expect((await storefront('/products/prod_00001')).status).toBe(200);
    await adminCall('POST', '/__admin/misbehave', JSON.stringify({ system: 'storefront' }));
  });
});
