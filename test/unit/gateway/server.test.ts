/**
 * The gateway over real HTTP (127.0.0.1, port 0) with small real in-memory
 * sources: routing, namespacing, batching, errors, limits, health, playground.
 */
import { get as httpGet, request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, createLogger, type Gateway } from '../../../gateway/index.js';
import { createMemorySource, type MemorySource } from './fixtures/memory-source.js';

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

let gateway: Gateway;
let url: string;
let shop: MemorySource;
let other: MemorySource;
const logLines: string[] = [];
const REQUEST_TIMEOUT_MS = 300;
const MAX_BODY_BYTES = 4096;

beforeAll(async () => {
  shop = createMemorySource('shop');
  other = createMemorySource('warehouse');
  // Capture the structured log instead of writing to the test's stderr.
  gateway = await createGateway(
    {
      sources: [shop, Promise.resolve(other)],
      limits: { requestTimeoutMs: REQUEST_TIMEOUT_MS, maxBodyBytes: MAX_BODY_BYTES, maxDepth: 5 },
      endpoints: { sources: 'read-write' },
      logging: { level: 'error' },
    },
    { logger: createLogger({ level: 'error', write: (line) => logLines.push(line) }) },
  );
  url = await gateway.listen({ port: 0 });
});

afterAll(async () => {
  shop?.releaseHangs();
  await gateway?.close();
});

async function graphql(
  path: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ status: number; body: GraphQLBody; headers: Headers }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    body: (await response.json()) as GraphQLBody,
    headers: response.headers,
  };
}

describe('endpoints', () => {
  it('serves each source on its own at /graphql/<source>, with its own type names', async () => {
    const { body } = await graphql(
      '/graphql/shop',
      '{ product(id: "p3") { __typename id title createdAt } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      product: {
        __typename: 'Product',
        id: 'p3',
        title: 'Product 3',
        createdAt: '2026-01-03T00:00:00.000Z',
      },
    });
  });

  it('serves every source at /graphql under its namespace, with prefixed type names', async () => {
    const { body } = await graphql(
      '/graphql',
      '{ shop { product(id: "p1") { __typename id } } warehouse { products(first: 2) { id } } }',
    );
    expect(body.data).toEqual({
      shop: { product: { __typename: 'ShopProduct', id: 'p1' } },
      warehouse: { products: [{ id: 'p1' }, { id: 'p2' }] },
    });
  });

  it('resolves union members by __typename in both views', async () => {
    const query = (prefix: string) =>
      `{ search(term: "20") { __typename ... on ${prefix}Product { id } ... on ${prefix}Category { name } } }`;
    const own = await graphql('/graphql/shop', query(''));
    expect(own.body.data?.search).toEqual([
      { __typename: 'Product', id: 'p20' },
      { __typename: 'Category', name: '20' },
    ]);
    const namespaced = await graphql('/graphql', `{ shop ${query('Shop')} }`);
    expect((namespaced.body.data?.shop as Record<string, unknown>).search).toEqual([
      { __typename: 'ShopProduct', id: 'p20' },
      { __typename: 'ShopCategory', name: '20' },
    ]);
  });

  it('runs mutations under the namespace and the source keeps the result', async () => {
    const { body } = await graphql(
      '/graphql',
      'mutation { warehouse { addProduct(title: "Lamp") { id title } } }',
    );
    const added = (body.data?.warehouse as { addProduct: { id: string } }).addProduct;
    expect(added.id).toMatch(/^p\d+$/);
    const read = await graphql('/graphql/warehouse', `{ product(id: "${added.id}") { title } }`);
    expect(read.body.data).toEqual({ product: { title: 'Lamp' } });
  });

  it('answers GET queries', async () => {
    const response = await fetch(
      `${url}/graphql?query=${encodeURIComponent('{ shop { product(id: "p2") { id } } }')}`,
      { headers: { accept: 'application/json' } },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { shop: { product: { id: 'p2' } } } });
  });

  it('streams subscriptions over SSE as prefixed root fields', async () => {
    const response = await fetch(
      `${url}/graphql?query=${encodeURIComponent('subscription { shop_ticks(count: 3) }')}`,
      { headers: { accept: 'text/event-stream' } },
    );
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    const values = [...text.matchAll(/"shop_ticks":(\d+)/g)].map((match) => Number(match[1]));
    expect(values).toEqual([1, 2, 3]);
  });

  it('answers 404 for a path that serves nothing, with a request id', async () => {
    const response = await fetch(`${url}/graphql/nothing`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('batching', () => {
  it('sends one deduplicated invokeMany for the keys of one tick', async () => {
    const before = shop.calls.get('product') ?? 0;
    shop.batches.length = 0;
    const { body } = await graphql(
      '/graphql/shop',
      '{ a: product(id: "p1") { id } b: product(id: "p2") { id } c: product(id: "p1") { id } d: product(id: "p9") { id } }',
    );
    expect(body.data).toEqual({
      a: { id: 'p1' },
      b: { id: 'p2' },
      c: { id: 'p1' },
      d: { id: 'p9' },
    });
    expect((shop.calls.get('product') ?? 0) - before).toBe(1);
    expect(shop.batches).toEqual([['p1', 'p2', 'p9']]);
  });

  it('sends a batch of one key to the single operation, keeping its own errors', async () => {
    shop.batches.length = 0;
    const before = shop.calls.get('product') ?? 0;
    const { body } = await graphql(
      '/graphql/shop',
      '{ a: product(id: "p2") { id } b: product(id: "p2") { id } }',
    );
    expect(body.data).toEqual({ a: { id: 'p2' }, b: { id: 'p2' } });
    expect((shop.calls.get('product') ?? 0) - before).toBe(1);
    expect(shop.batches).toEqual([]);
  });

  it('fails only the key the batch answered with an error (SOURCE_NOT_FOUND → null)', async () => {
    const { body } = await graphql(
      '/graphql/shop',
      '{ a: product(id: "p1") { id } b: product(id: "missing") { id } }',
    );
    expect(body.data).toEqual({ a: { id: 'p1' }, b: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      message: 'shop has no product missing.',
      path: ['b'],
      extensions: {
        code: 'SOURCE_NOT_FOUND',
        source: 'shop',
        operation: 'product',
        httpStatus: 404,
      },
    });
  });
});

describe('errors', () => {
  it('shows a SourceError by its safe message and code, never its cause', async () => {
    const { body } = await graphql('/graphql', '{ shop { rejected } }');
    expect(body.errors?.[0]).toMatchObject({
      message: 'shop refused the call.',
      extensions: {
        code: 'SOURCE_REJECTED',
        source: 'shop',
        operation: 'rejected',
        httpStatus: 422,
      },
    });
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('masks an unexpected error, logs it with its stack under the request id, and sends the id back', async () => {
    const { body, headers } = await graphql('/graphql', '{ shop { boom } }');
    const requestId = headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    expect(body.errors?.[0]).toEqual(
      expect.objectContaining({
        message: 'Unexpected error.',
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
      }),
    );
    const text = JSON.stringify(body);
    for (const leak of ['hunter2', '10.0.0.7', 'http://', 'stack', 'memory-source'])
      expect(text).not.toContain(leak);
    const logged = logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.requestId === requestId);
    expect(logged?.level).toBe('error');
    expect(JSON.stringify(logged)).toContain('memory-source.ts');
  });

  it('keeps a plain x-request-id the caller sent', async () => {
    const response = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'trace-42' } });
    expect(response.headers.get('x-request-id')).toBe('trace-42');
    const odd = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'a b <script>' } });
    expect(odd.headers.get('x-request-id')).not.toContain('script');
  });

  it('ends a call that outlives requestTimeoutMs with REQUEST_TIMEOUT and aborts its signal', async () => {
    const { body } = await graphql('/graphql', '{ shop { hang product(id: "p1") { id } } }');
    expect(body.data).toEqual({ shop: { hang: null, product: { id: 'p1' } } });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'REQUEST_TIMEOUT' });
    expect(body.errors?.[0]?.message).toContain(`${REQUEST_TIMEOUT_MS} ms`);
  });
});

describe('limits', () => {
  it('accepts a query within maxDepth', async () => {
    const { body } = await graphql(
      '/graphql',
      '{ shop { products(first: 1) { category { name } } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ shop: { products: [{ category: { name: 'even' } }] } });
  });

  it('answers LIMIT_DEPTH_EXCEEDED past maxDepth', async () => {
    const gatewayDeep = await createGateway({
      sources: [createMemorySource('deep')],
      limits: { maxDepth: 2 },
      logging: { level: 'silent' },
    });
    try {
      const response = await gatewayDeep.fetch(
        new Request('http://gateway.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ deep { products { category { name } } } }' }),
        }),
      );
      const body = (await response.json()) as GraphQLBody;
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'LIMIT_DEPTH_EXCEEDED',
        limit: 2,
      });
    } finally {
      await gatewayDeep.close();
    }
  });

  it('answers LIMIT_ALIASES_EXCEEDED past maxAliases', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: product(id: "p1") { id }`).join(
      ' ',
    );
    const before = shop.calls.get('product') ?? 0;
    const { body } = await graphql('/graphql/shop', `{ ${aliases} }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_ALIASES_EXCEEDED',
      limit: 15,
    });
    expect(shop.calls.get('product') ?? 0).toBe(before);
  });

  it('answers LIMIT_COST_EXCEEDED past maxCost', async () => {
    const small = await createGateway({
      sources: [createMemorySource('cost')],
      limits: { maxCost: 5 },
      endpoints: { sources: 'read-only' },
      logging: { level: 'silent' },
    });
    try {
      const response = await small.fetch(
        new Request('http://gateway.test/graphql/cost', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ products { id title createdAt category { name } } }' }),
        }),
      );
      const body = (await response.json()) as GraphQLBody;
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_COST_EXCEEDED', limit: 5 });
    } finally {
      await small.close();
    }
  });

  it('answers LIMIT_TOKENS_EXCEEDED past maxTokens', async () => {
    const small = await createGateway({
      sources: [createMemorySource('tokens')],
      limits: { maxTokens: 10 },
      endpoints: { sources: 'read-only' },
      logging: { level: 'silent' },
    });
    try {
      const response = await small.fetch(
        new Request('http://gateway.test/graphql/tokens', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ products { id title createdAt category { name } } }' }),
        }),
      );
      const body = (await response.json()) as GraphQLBody;
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'LIMIT_TOKENS_EXCEEDED',
        limit: 10,
      });
    } finally {
      await small.close();
    }
  });

  it('answers 413 to a body over maxBodyBytes declared by Content-Length, before any source is called', async () => {
    const before = shop.calls.get('products') ?? 0;
    const query = `{ products { id } } # ${'x'.repeat(MAX_BODY_BYTES)}`;
    const response = await fetch(`${url}/graphql/shop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as GraphQLBody).errors?.[0]?.extensions?.code).toBe(
      'REQUEST_TOO_LARGE',
    );
    expect(shop.calls.get('products') ?? 0).toBe(before);
  });

  it('answers 413 to a chunked body that grows past maxBodyBytes', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${url}/graphql/shop`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"query":"{ products { id } }", "pad": "');
      for (let i = 0; i < 8; i += 1) req.write('y'.repeat(1024));
      req.end('"}');
    });
    expect(status).toBe(413);
  });

  it('accepts a chunked body under the limit', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        `${url}/graphql/shop`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'transfer-encoding': 'chunked',
          },
        },
        (res) => {
          let data = '';
          res.on('data', (chunk: Buffer) => (data += chunk.toString()));
          res.on('end', () => resolve(data));
        },
      );
      req.on('error', reject);
      req.write('{"query":"{ product(id: \\"p4\\") ');
      req.end('{ id } }"}');
    });
    expect(JSON.parse(text)).toEqual({ data: { product: { id: 'p4' } } });
  });
});

describe('health', () => {
  it('/healthz answers 200 ok', async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz stays 200 "degraded" with one source down (issue 14: a partial outage must not pull the instance), naming the failing one without its address', async () => {
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    other.setHealthy(false);
    try {
      const response = await fetch(`${url}/readyz`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        status: string;
        sources: Record<string, { ok: boolean; message?: string }>;
      };
      expect(body.status).toBe('degraded');
      expect(body.sources.shop?.ok).toBe(true);
      expect(body.sources.warehouse?.ok).toBe(false);
      expect(JSON.stringify(body)).not.toMatch(/10\.0\.0\.7|http:/);
    } finally {
      other.setHealthy(true);
    }
  });
});

describe('playground', () => {
  it('serves GraphiQL with a title per endpoint and nothing fetched from elsewhere', async () => {
    for (const [path, title] of [
      ['/graphql', 'Switchboard'],
      ['/graphql/shop', 'Switchboard: shop'],
    ] as const) {
      const response = await fetch(`${url}${path}`, { headers: { accept: 'text/html' } });
      expect(response.headers.get('content-type')).toContain('text/html');
      const html = await response.text();
      expect(html).toContain(`<title>${title}</title>`);
      expect(html).not.toMatch(/(src|href)=["']https?:/);
      expect(html).not.toMatch(/url\(["']?https?:|@import/);
    }
  });

  it('sends the page compressed once, with an ETag that turns a second visit into a 304 (issue 13)', async () => {
    const raw = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
        (resolve, reject) => {
          const request = httpGet(`${url}${path}`, { headers }, (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                headers: response.headers,
                body: Buffer.concat(chunks),
              }),
            );
          });
          request.on('error', reject);
        },
      );
    const plain = await raw('/graphql', { accept: 'text/html' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const html = plain.body.toString('utf8');
    const etag = plain.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const brotli = await raw('/graphql', { accept: 'text/html', 'accept-encoding': 'gzip, br' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.body.length).toBeLessThan(plain.body.length / 3);
    expect(brotliDecompressSync(brotli.body).toString('utf8')).toBe(html);
    const gzip = await raw('/graphql', {
      accept: 'text/html',
      'accept-encoding': 'gzip;q=1, br;q=0',
    });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString('utf8')).toBe(html);
    const again = await raw('/graphql', { accept: 'text/html', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // Another endpoint is another page, with its own ETag.
    expect(
      (await raw('/graphql/shop', { accept: 'text/html', 'if-none-match': etag })).status,
    ).toBe(200);
  });

  it("gives each endpoint its own GraphiQL storage, so one endpoint's tabs never replace another's (issue 13)", async () => {
    const unified = await (
      await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } })
    ).text();
    const shop = await (
      await fetch(`${url}/graphql/shop`, { headers: { accept: 'text/html' } })
    ).text();
    expect(unified).toContain('"switchboard/graphql|"');
    expect(shop).toContain('"switchboard/graphql/shop|"');
    // The namespace runs before GraphiQL's own script reads localStorage.
    expect(unified.indexOf('switchboard/graphql|')).toBeLessThan(unified.indexOf('YogaGraphiQL'));
  });

  it('opens with an example query that runs', async () => {
    const html = await (await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } })).text();
    const options =
      /renderYogaGraphiQL\(\s*window\.document\.querySelector\('#root'\),\s*(\{.*?\}),\s*\);/s.exec(
        html,
      );
    const parsed = JSON.parse(options?.[1] ?? '{}') as { defaultQuery?: string };
    expect(parsed.defaultQuery).toContain('shop');
    const { body } = await graphql('/graphql', parsed.defaultQuery ?? '');
    expect(body.errors).toBeUndefined();
    expect(body.data?.shop).toBeTruthy();
  });
});

describe('close', () => {
  it('closes every source once, even when called twice', async () => {
    const a = createMemorySource('a');
    const own = await createGateway({ sources: [a], logging: { level: 'silent' } });
    const ownUrl = await own.listen({ port: 0 });
    expect((await fetch(`${ownUrl}/healthz`)).status).toBe(200);
    await Promise.all([own.close(), own.close()]);
    await own.close();
    expect(a.closedCount()).toBe(1);
    await expect(fetch(`${ownUrl}/healthz`)).rejects.toThrow();
  });
});
