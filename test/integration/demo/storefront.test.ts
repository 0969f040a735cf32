/**
 * The storefront demo system over real HTTP on 127.0.0.1 (port 0): reads,
 * pagination, batch lookups, writes, idempotency, conditional GETs, its own
 * rate limit, misbehaviour, problem+json errors, body limits and auth modes.
 * Assertions count calls; none measures time.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalogue, CUSTOMER_COUNT, SKU_COUNT } from '../../../demo/common/catalogue.js';
import type { DemoSystem } from '../../../demo/common/system.js';
import { startStorefront, type StorefrontOptions } from '../../../demo/storefront/index.js';
import { createHttpAuth, createHttpClient } from '../../../sources/common/index.js';

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

async function call(system: DemoSystem, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${system.url}${path}`, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body, text };
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

type Rec = Record<string, unknown>;
const rec = (value: unknown): Rec => {
  if (typeof value !== 'object' || value === null)
    throw new Error(`expected an object, got ${String(value)}`);
  return value as Rec;
};
const items = (value: unknown): Rec[] => rec(value).items as Rec[];

function expectProblem(answer: Answer, status: number): Rec {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  const body = rec(answer.body);
  expect(body.status).toBe(status);
  expect(typeof body.type).toBe('string');
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}

const started: DemoSystem[] = [];
async function start(options?: StorefrontOptions): Promise<DemoSystem> {
  const system = await startStorefront(options);
  started.push(system);
  return system;
}
afterAll(async () => {
  await Promise.all(started.map((system) => system.close()));
});

describe('storefront reads', () => {
  let storefront: DemoSystem;
  beforeAll(async () => {
    storefront = await start();
  });
  beforeEach(() => {
    storefront.counter.reset();
    storefront.misbehaviour.set({});
  });

  it('answers a product with its catalogue price, variants and images', async () => {
    const seed = catalogue();
    const answer = await call(storefront, '/products/prod_00007');
    expect(answer.status).toBe(200);
    const product = rec(answer.body);
    expect(product.sku).toBe('SKU-00007');
    expect(product.title).toBe(seed.products[6]?.title);
    expect(product.price).toEqual({
      amountMinor: Number(seed.prices[6]?.amountMinor),
      currency: 'USD',
    });
    expect(product.variants).toEqual(seed.products[6]?.variants);
    expect(product.images).toEqual(seed.products[6]?.images);
    expect(storefront.counter.snapshot()).toEqual({ getProduct: 1 });

    const bySku = await call(storefront, '/products/by-sku/SKU-00007');
    expect(bySku.body).toEqual(product);
    expect(storefront.counter.snapshot()).toEqual({ getProduct: 1, getProductBySku: 1 });
  });

  it('pages through every product and customer with cursors', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: Answer = await call(
        storefront,
        `/products?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(answer.status).toBe(200);
      for (const item of items(answer.body)) seen.add(item.id as string);
      cursor = rec(answer.body).nextCursor as string | null;
      pages += 1;
    } while (cursor !== null && pages < 100);
    expect(seen.size).toBe(SKU_COUNT);
    expect(pages).toBe(Math.ceil(SKU_COUNT / 200));
    expect(storefront.counter.snapshot()).toEqual({ listProducts: pages });

    const customers = new Set<string>();
    cursor = null;
    do {
      const answer: Answer = await call(
        storefront,
        `/customers?limit=33${cursor ? `&cursor=${cursor}` : ''}`,
      );
      for (const item of items(answer.body)) customers.add(item.id as string);
      cursor = rec(answer.body).nextCursor as string | null;
    } while (cursor !== null && customers.size <= CUSTOMER_COUNT + 1000);
    expect(customers.size).toBeGreaterThanOrEqual(CUSTOMER_COUNT);
  });

  it('looks up many products by ids or SKUs in one call, in the order asked', async () => {
    const answer = await call(
      storefront,
      '/products?ids=prod_00003,prod_00001,prod_99999,prod_00003',
    );
    expect(items(answer.body).map((item) => item.id)).toEqual(['prod_00003', 'prod_00001']);
    expect(rec(answer.body).nextCursor).toBeNull();
    expect(storefront.counter.snapshot()).toEqual({ listProducts: 1 });

    const bySku = await call(storefront, '/products?skus=SKU-00010,SKU-00002');
    expect(items(bySku.body).map((item) => item.sku)).toEqual(['SKU-00010', 'SKU-00002']);
    expect(storefront.counter.snapshot()).toEqual({ listProducts: 2 });

    const tooMany = Array.from(
      { length: 101 },
      (_, i) => `prod_${String(i + 1).padStart(5, '0')}`,
    ).join(',');
    expectProblem(await call(storefront, `/products?ids=${tooMany}`), 400);
    expectProblem(await call(storefront, '/products?ids=prod_00001&skus=SKU-00001'), 400);
  });

  it('answers 304 to If-None-Match with the current ETag, and a new ETag after a change', async () => {
    const first = await call(storefront, '/products/prod_00002');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const again = await call(storefront, '/products/prod_00002', {
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    const weak = await call(storefront, '/products/prod_00002', {
      headers: { 'if-none-match': `"other", W/${etag}` },
    });
    expect(weak.status).toBe(304);
    const stale = await call(storefront, '/products/prod_00002', {
      headers: { 'if-none-match': '"stale"' },
    });
    expect(stale.status).toBe(200);
    // Each 304 is also counted as "<operationId>.notModified".
    expect(storefront.counter.snapshot()).toEqual({ getProduct: 4, 'getProduct.notModified': 2 });

    // An order that can still be cancelled: its ETag changes with it, so the old one no longer matches.
    const pending = items(
      (await call(storefront, '/orders?status=pending&limit=1')).body,
    )[0] as Rec;
    const before = await call(storefront, `/orders/${pending.id as string}`);
    expect(before.headers.get('cache-control')).toBe('private, max-age=5');
    const beforeEtag = before.headers.get('etag') ?? '';
    expect(
      (
        await call(storefront, `/orders/${pending.id as string}`, {
          headers: { 'if-none-match': beforeEtag },
        })
      ).status,
    ).toBe(304);
    await call(storefront, `/orders/${pending.id as string}/cancel`, { method: 'POST' });
    const after = await call(storefront, `/orders/${pending.id as string}`, {
      headers: { 'if-none-match': beforeEtag },
    });
    expect(after.status).toBe(200);
    expect(rec(after.body).status).toBe('cancelled');
    expect(after.headers.get('etag')).not.toBe(beforeEtag);
  });

  it('answers problem+json for unknown resources, paths, methods and bad parameters', async () => {
    expectProblem(await call(storefront, '/products/prod_99999'), 404);
    expectProblem(await call(storefront, '/products/by-sku/SKU-99999'), 404);
    expectProblem(await call(storefront, '/customers/cus_9999/orders'), 404);
    // "//host/path" stays a path, never a host that would reach /products.
    expectProblem(await call(storefront, '//evil.example/products/prod_00001'), 404);
    const unknownPath = expectProblem(await call(storefront, '/nope?x=1'), 404);
    expect(unknownPath.instance).toBe('/nope');
    const wrongMethod = await call(storefront, '/products/prod_00001', { method: 'DELETE' });
    expectProblem(wrongMethod, 405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, PATCH');
    expectProblem(await call(storefront, '/products?cursor=not-a-cursor'), 400);
    expectProblem(await call(storefront, '/products?limit=0'), 400);
    expectProblem(await call(storefront, '/products?limit=201'), 400);
    expectProblem(await call(storefront, '/products?status=sold'), 400);
    expectProblem(await call(storefront, '/orders?status=lost'), 400);
    expect(storefront.counter.snapshot()).toEqual({
      getProduct: 1,
      getProductBySku: 1,
      listCustomerOrders: 1,
      listOrders: 1,
      listProducts: 4,
      unmatched: 3,
    });
  });

  it('answers health without counting it', async () => {
    const health = await call(storefront, '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', system: 'storefront' });
    storefront.misbehaviour.set({ unavailable: true });
    expect((await call(storefront, '/health')).status).toBe(503);
    expect(storefront.counter.total()).toBe(0);
  });
});

describe('storefront writes', () => {
  let storefront: DemoSystem;
  beforeAll(async () => {
    storefront = await start();
  });
  beforeEach(() => storefront.counter.reset());

  async function newCustomer(tag: string): Promise<string> {
    const created = await call(
      storefront,
      '/customers',
      json({
        email: `${tag}@example.com`,
        firstName: 'Test',
        lastName: tag,
        phone: '+15551234567',
      }),
    );
    expect(created.status).toBe(201);
    return rec(created.body).id as string;
  }

  it('creates an order priced from the catalogue and reads it back', async () => {
    const customerId = await newCustomer('reader');
    const created = await call(
      storefront,
      '/orders',
      json({
        customerId,
        lines: [
          { sku: 'SKU-00001', quantity: 2 },
          { sku: 'SKU-00004', quantity: 1 },
        ],
        payment: { type: 'card', brand: 'visa', last4: '4242' },
      }),
    );
    expect(created.status).toBe(201);
    const order = rec(created.body);
    expect(created.headers.get('location')).toBe(`/orders/${order.id as string}`);
    const prices = catalogue().prices;
    const expected = Number(prices[0]?.amountMinor) * 2 + Number(prices[3]?.amountMinor);
    expect(order.total).toEqual({ amountMinor: expected, currency: 'USD' });
    expect(order.status).toBe('pending');

    const read = await call(storefront, `/orders/${order.id as string}`);
    expect(read.body).toEqual(order);
    const mine = await call(storefront, `/customers/${customerId}/orders`);
    expect(items(mine.body).map((item) => item.id)).toEqual([order.id]);

    const paid = await call(storefront, `/orders/${order.id as string}`, {
      ...json({ status: 'paid' }),
      method: 'PATCH',
    });
    expect(rec(paid.body).status).toBe('paid');
    const shipped = await call(storefront, `/orders/${order.id as string}`, {
      ...json({ status: 'shipped' }),
      method: 'PATCH',
    });
    expect(rec(shipped.body).shippedAt).toEqual(expect.any(String));
    expectProblem(
      await call(storefront, `/orders/${order.id as string}`, {
        ...json({ status: 'paid' }),
        method: 'PATCH',
      }),
      409,
    );
    expectProblem(
      await call(storefront, `/orders/${order.id as string}/cancel`, json({ reason: 'too late' })),
      409,
    );
    expect(storefront.counter.snapshot()).toEqual({
      cancelOrder: 1,
      createCustomer: 1,
      createOrder: 1,
      getOrder: 1,
      listCustomerOrders: 1,
      updateOrderStatus: 3,
    });
  });

  it('replays a write with the same Idempotency-Key and refuses the key with another body', async () => {
    const customerId = await newCustomer('replay');
    const body = { customerId, lines: [{ sku: 'SKU-00011', quantity: 3 }] };
    const first = await call(
      storefront,
      '/orders',
      json(body, { 'idempotency-key': 'order-replay-1' }),
    );
    // Same body with its keys in another order is the same request.
    const second = await call(
      storefront,
      '/orders',
      json({ lines: body.lines, customerId }, { 'idempotency-key': 'order-replay-1' }),
    );
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(storefront.counter.snapshot()).toEqual({ createCustomer: 1, createOrder: 2 });

    const mine = await call(storefront, `/customers/${customerId}/orders`);
    expect(items(mine.body)).toHaveLength(1);

    const other = await call(
      storefront,
      '/orders',
      json(
        { ...body, lines: [{ sku: 'SKU-00011', quantity: 4 }] },
        { 'idempotency-key': 'order-replay-1' },
      ),
    );
    expectProblem(other, 422);
    expect(items((await call(storefront, `/customers/${customerId}/orders`)).body)).toHaveLength(1);

    // A refused write is replayed as refused, too.
    const bad = json({ customerId, lines: [] }, { 'idempotency-key': 'order-replay-2' });
    expectProblem(await call(storefront, '/orders', bad), 422);
    const badAgain = await call(storefront, '/orders', bad);
    expectProblem(badAgain, 422);
    expect(badAgain.headers.get('idempotent-replayed')).toBe('true');
    expectProblem(
      await call(storefront, '/orders', json(body, { 'idempotency-key': 'x'.repeat(256) })),
      400,
    );
  });

  it('refuses invalid orders with 422 naming each field', async () => {
    const unknownSku = expectProblem(
      await call(
        storefront,
        '/orders',
        json({ customerId: 'cus_0001', lines: [{ sku: 'SKU-99999', quantity: 1 }] }),
      ),
      422,
    );
    expect(unknownSku.errors).toEqual([
      { pointer: '/lines/0/sku', detail: expect.stringContaining('does not exist') },
    ]);
    const empty = expectProblem(
      await call(storefront, '/orders', json({ customerId: 'cus_0001', lines: [] })),
      422,
    );
    expect(empty.errors).toEqual([{ pointer: '/lines', detail: expect.any(String) }]);
    const several = expectProblem(
      await call(
        storefront,
        '/orders',
        json({
          customerId: 'cus_9999',
          lines: [
            { sku: 'SKU-00001', quantity: 0 },
            { sku: 'SKU-00001', quantity: 1.5 },
            { sku: 'SKU-00050', quantity: 1 },
          ],
          payment: { type: 'cash' },
        }),
      ),
      422,
    );
    expect((several.errors as Rec[]).map((error) => error.pointer)).toEqual([
      '/customerId',
      '/lines/0/quantity',
      '/lines/1/sku',
      '/lines/1/quantity',
      '/lines/2/sku',
      '/payment/type',
    ]);
    expectProblem(await call(storefront, '/orders', json([1, 2])), 422);
    expectProblem(
      await call(
        storefront,
        '/customers',
        json({ email: 'not-an-email', firstName: '', lastName: 'x' }),
      ),
      422,
    );
    expectProblem(
      await call(
        storefront,
        '/customers',
        json({ email: 'ada.lovelace.1@example.com', firstName: 'Ada', lastName: 'Lovelace' }),
      ),
      409,
    );
    expect(storefront.counter.snapshot()).toEqual({ createCustomer: 2, createOrder: 4 });
  });

  it('answers malformed, mistyped, missing and oversized bodies without falling over', async () => {
    expectProblem(
      await call(storefront, '/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"customerId": "cus_0001", "lines": [',
      }),
      400,
    );
    expectProblem(
      await call(storefront, '/orders', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '{}',
      }),
      415,
    );
    expectProblem(await call(storefront, '/orders', { method: 'POST' }), 400);
    const big = JSON.stringify({
      customerId: 'cus_0001',
      lines: [],
      note: 'x'.repeat(1024 * 1024),
    });
    expectProblem(
      await call(storefront, '/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: big,
      }),
      413,
    );
    // Without Content-Length, the cap applies while streaming.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i += 1) controller.enqueue(new Uint8Array(128 * 1024).fill(32));
        controller.close();
      },
    });
    const chunked = await call(storefront, '/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expectProblem(chunked, 413);
    expect((await call(storefront, '/products/prod_00001')).status).toBe(200);
    expect(storefront.counter.snapshot()).toEqual({ createOrder: 5, getProduct: 1 });
  });
});

describe('storefront limits and misbehaviour', () => {
  it('answers 429 with Retry-After in seconds past its own rate limit', async () => {
    const storefront = await start({ rateLimit: { points: 3, durationMs: 60_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await call(storefront, '/products/prod_00001')).status);
    const limited = await call(storefront, '/products/prod_00001');
    expect(statuses).toEqual([200, 200, 200]);
    expectProblem(limited, 429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(storefront.counter.snapshot()).toEqual({ getProduct: 4 });
  });

  it('fails on demand with 500, 429 and 503, and counts the failing calls', async () => {
    const storefront = await start();
    storefront.misbehaviour.set({ errorRate: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1)
      statuses.push((await call(storefront, '/products/prod_00001')).status);
    expect(statuses.filter((status) => status === 500)).toHaveLength(2);
    expect(statuses.filter((status) => status === 200)).toHaveLength(2);
    storefront.misbehaviour.set({ errorRate: 1 });
    const failed = expectProblem(await call(storefront, '/products/prod_00001'), 500);
    expect(JSON.stringify(failed)).not.toMatch(/at |Error:|127\.0\.0\.1/);
    storefront.misbehaviour.set({ rateLimited: true });
    expectProblem(await call(storefront, '/orders', json({})), 429);
    expect((await call(storefront, '/products/prod_00001')).headers.get('retry-after')).toBe('1');
    storefront.misbehaviour.set({ unavailable: true });
    expectProblem(await call(storefront, '/products/prod_00001'), 503);
    storefront.misbehaviour.set({});
    expect((await call(storefront, '/products/prod_00001')).status).toBe(200);
    expect(storefront.counter.snapshot()).toEqual({ createOrder: 1, getProduct: 8 });
  });

  it('delays answers by the configured latency', async () => {
    const storefront = await start();
    storefront.misbehaviour.set({ latencyMs: 5_000 });
    // The server counts the call at once and holds its answer: counted, still unanswered.
    const controller = new AbortController();
    let settled = false;
    const held = fetch(`${storefront.url}/products/prod_00001`, {
      signal: controller.signal,
    }).finally(() => (settled = true));
    await expect
      .poll(() => storefront.counter.snapshot().getProduct ?? 0, { timeout: 30_000 })
      .toBe(1);
    expect(settled).toBe(false);
    // The client gives up before the server answers, so the call fails; the server still saw it.
    controller.abort();
    await expect(held).rejects.toThrow();
    storefront.misbehaviour.set({});
    const fast = await call(storefront, '/products/prod_00001');
    expect(fast.status).toBe(200);
    expect(storefront.counter.snapshot()).toEqual({ getProduct: 2 });
  });

  it('stops listening and drops keep-alive connections on close, twice', async () => {
    const storefront = await startStorefront();
    expect((await call(storefront, '/products/prod_00001')).status).toBe(200);
    await storefront.close();
    await storefront.close();
    await expect(fetch(`${storefront.url}/products/prod_00001`)).rejects.toThrow();
  });
});

describe('storefront auth', () => {
  it('demands an API key when started with one', async () => {
    const storefront = await start({ auth: { type: 'apiKey', keys: ['key-one', 'key-two'] } });
    const missing = expectProblem(await call(storefront, '/products/prod_00001'), 401);
    expect(JSON.stringify(missing)).not.toContain('key-one');
    expect(
      (await call(storefront, '/products/prod_00001', { headers: { 'x-api-key': 'wrong' } }))
        .status,
    ).toBe(401);
    expect(
      (await call(storefront, '/products/prod_00001', { headers: { 'x-api-key': 'key-two' } }))
        .status,
    ).toBe(200);
    expect((await call(storefront, '/health')).status).toBe(200);
  });

  it('demands HTTP basic when started with users', async () => {
    const storefront = await start({
      auth: { type: 'basic', users: { ada: 's3cret:with:colons' } },
    });
    const basic = (user: string, password: string): RequestInit => ({
      headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    });
    const missing = await call(storefront, '/products/prod_00001');
    expectProblem(missing, 401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect((await call(storefront, '/products/prod_00001', basic('ada', 'nope'))).status).toBe(401);
    expect((await call(storefront, '/products/prod_00001', basic('toString', 'x'))).status).toBe(
      401,
    );
    expect(
      (await call(storefront, '/products/prod_00001', basic('ada', 's3cret:with:colons'))).status,
    ).toBe(200);
  });

  it('issues client-credentials tokens and accepts only them', async () => {
    const storefront = await start({
      auth: { type: 'oauth2', clients: { gateway: 'pa ss+word' }, tokenTtlMs: 120_000 },
    });
    const form = (
      fields: Record<string, string>,
      headers: Record<string, string> = {},
    ): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
    const viaForm = await call(
      storefront,
      '/oauth/token',
      form({ grant_type: 'client_credentials', client_id: 'gateway', client_secret: 'pa ss+word' }),
    );
    expect(viaForm.status).toBe(200);
    expect(viaForm.headers.get('cache-control')).toBe('no-store');
    const token = rec(viaForm.body);
    expect(token).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 120,
    });

    const wrong = await call(
      storefront,
      '/oauth/token',
      form({ grant_type: 'client_credentials', client_id: 'gateway', client_secret: 'nope' }),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(
      rec((await call(storefront, '/oauth/token', form({ grant_type: 'password' }))).body).error,
    ).toBe('unsupported_grant_type');

    expectProblem(await call(storefront, '/products/prod_00001'), 401);
    expect(
      (
        await call(storefront, '/products/prod_00001', {
          headers: { authorization: 'Bearer made-up' },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await call(storefront, '/products/prod_00001', {
          headers: { authorization: `Bearer ${token.access_token as string}` },
        })
      ).status,
    ).toBe(200);

    // The shared source HTTP auth (Basic client credentials, form-encoded) gets a token and uses it.
    const http = createHttpClient({ source: 'storefront' });
    try {
      const auth = createHttpAuth(
        'storefront',
        {
          type: 'oauth2ClientCredentials',
          tokenUrl: `${storefront.url}/oauth/token`,
          clientId: 'gateway',
          clientSecret: 'pa ss+word',
        },
        http,
      );
      const headers: Record<string, string> = {};
      const url = new URL(`${storefront.url}/products/prod_00002`);
      await auth.apply(headers, url, 'getProduct');
      await auth.apply(headers, url, 'getProduct');
      const answer = await http.send({ operation: 'getProduct', method: 'GET', url, headers });
      expect(answer.status).toBe(200);
    } finally {
      await http.close();
    }
    expect(storefront.counter.snapshot()).toEqual({ getProduct: 4, oauthToken: 4 });
  });
});
