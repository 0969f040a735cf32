/**
 * Issue 13: /readyz counted any answer, a 404 from the base URL included, as
 * up. A source may now declare its health path (2xx = up, sent with its
 * credentials); without one, a 5xx from the base URL is down.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestSource } from '../../../../sources/rest/index.js';

const contract = 'demo/storefront/openapi.yaml';
let server: Server;
let base: string;
const seen: Array<{ url: string; authorization: string | undefined }> = [];
let rootStatus = 404;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const path = (req.url ?? '').replace(/^\/api/, '');
    const status =
      path === '/healthz'
        ? req.headers.authorization === 'Bearer t0ken'
          ? 200
          : 401
        : path === '/broken'
          ? 503
          : path === '/' || path === ''
            ? rootStatus
            : 404;
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/api`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function healthOf(options: {
  healthPath?: string;
  auth?: { type: 'bearer'; token: string };
}) {
  const source = await createRestSource({ name: 'storefront', contract, url: base, ...options });
  try {
    seen.length = 0;
    return { health: await source.health(), seen: [...seen] };
  } finally {
    await source.close();
  }
}

describe('REST health', () => {
  it('without a health path, the base URL answering below 500 is up and a 5xx is down', async () => {
    rootStatus = 404;
    expect((await healthOf({})).health.ok).toBe(true);
    rootStatus = 503;
    const down = await healthOf({});
    expect(down.health).toMatchObject({
      ok: false,
      message: 'storefront answered HTTP 503 to its health check.',
    });
    expect(down.seen.map((request) => request.url)).toEqual(['/api']);
    rootStatus = 404;
  });

  it('a declared health path under the base URL must answer 2xx, and gets the credentials', async () => {
    const up = await healthOf({ healthPath: '/healthz', auth: { type: 'bearer', token: 't0ken' } });
    expect(up.health.ok).toBe(true);
    expect(up.seen).toEqual([{ url: '/api/healthz', authorization: 'Bearer t0ken' }]);
    expect((await healthOf({ healthPath: '/healthz' })).health).toMatchObject({
      ok: false,
      message: 'storefront answered HTTP 401 to its health check.',
    });
    expect((await healthOf({ healthPath: '/missing' })).health.ok).toBe(false);
    expect((await healthOf({ healthPath: '/broken' })).health.ok).toBe(false);
  });

  it('refuses a health path that is not a path under the url', async () => {
    for (const healthPath of ['healthz', '//evil.example/x', 'http://evil.example/', '/a b', '']) {
      await expect(
        createRestSource({ name: 'storefront', contract, url: base, healthPath }),
        healthPath,
      ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
