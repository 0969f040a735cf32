import { describe, expect, it } from 'vitest';
import {
  availableSystems,
  closeAll,
  startSystems,
  trackedCount,
  useHarness,
} from '../../harness/index.js';
import { isPortFree } from '../../harness/ports.js';

useHarness();

function portOf(url: string): number {
  return Number(new URL(url.includes('://') ? url : `http://${url}`).port);
}

describe('startSystems', () => {
  it('starts the storefront on 127.0.0.1 with a free port, counts its calls and resets them', async () => {
    const systems = await startSystems(['storefront']);
    expect(systems.storefront.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(systems.storefront.port).toBeGreaterThan(0);
    expect(systems.has('storefront')).toBe(true);
    expect(systems.has('billing')).toBe(false);

    for (const id of ['prod_00001', 'prod_00002', 'prod_00003']) {
      expect((await fetch(`${systems.storefront.url}/products/${id}`)).status).toBe(200);
    }
    expect(systems.counts()).toEqual({ storefront: { getProduct: 3 }, erp: {}, billing: {} });
    expect(systems.totals()).toEqual({ storefront: 3, erp: 0, billing: 0 });

    systems.resetCounts();
    expect(systems.counts().storefront).toEqual({});
    await fetch(`${systems.storefront.url}/customers/cus_0001`);
    expect(systems.counts().storefront).toEqual({ getCustomer: 1 });
    await systems.close();
  });

  it("passes each system's own options to its start function", async () => {
    const systems = await startSystems(['storefront'], {
      storefront: { rateLimit: { points: 1, durationMs: 60_000 } },
    });
    expect((await fetch(`${systems.storefront.url}/products/prod_00001`)).status).toBe(200);
    const throttled = await fetch(`${systems.storefront.url}/products/prod_00001`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBeTruthy();
    await systems.close();
  });

  it('says which system was not started when a test reads it', async () => {
    const systems = await startSystems(['storefront']);
    expect(() => systems.billing).toThrow(/billing system was not started/);
    await systems.close();
  });

  it('starts every available system by default, each on its own port', async () => {
    const systems = await startSystems();
    expect(systems.list.map((system) => system.name)).toEqual(availableSystems());
    const ports = systems.list.map((system) => portOf(system.url));
    expect(new Set(ports).size).toBe(ports.length);
    await systems.close();
  });

  it('close is idempotent, frees the ports and unregisters the systems', async () => {
    const before = trackedCount();
    const systems = await startSystems(['storefront']);
    expect(trackedCount()).toBe(before + 1);
    const port = systems.storefront.port;
    expect(await isPortFree(port)).toBe(false);
    await Promise.all([systems.close(), systems.close()]);
    await systems.close();
    expect(await isPortFree(port)).toBe(true);
    expect(trackedCount()).toBe(before);
  });

  it('closeAll stops systems a test left running', async () => {
    const systems = await startSystems(['storefront']);
    const port = systems.storefront.port;
    await closeAll();
    expect(await isPortFree(port)).toBe(true);
    expect(trackedCount()).toBe(0);
  });

  it('rejects a system that does not exist with the list of those that do', async () => {
    await expect(startSystems(['nope' as 'erp'])).rejects.toThrow(/do not exist yet; available: /);
  });
});
