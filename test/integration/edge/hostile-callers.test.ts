/**
 * Hostile callers against the real gateway on a real socket, issue 14
 * "Callers": cross-site requests, request bodies, headers, slow clients,
 * nesting, coercion errors, what the schema reveals, per-source endpoints
 * and caching. Each attack asserts the status and the code, that no demo
 * system received a call, and that the gateway still answers afterwards.
 */
import { gzipSync, deflateSync, brotliCompressSync } from 'node:zlib';
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
import { rawRequest, slowClient, type RawAnswer } from './raw-http.js';

useHarness();

let systems: Systems;
/** The defaults of a deployment: CORS closed, per-source endpoints off. */
let gateway: TestGateway;
/** One allowed origin, short server timeouts, read-only per-source endpoints. */
let tuned: TestGateway;
const ALLOWED = 'https://shop.example';
const PLACE_ORDER =
  'mutation { placeOrder(input: { customerId: "cus_0001", lines: [{ sku: "SKU-00001", quantity: 1 }] }) { id } }';

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
  gateway = await startGatewayOn(unifiedDemoConfig(systems, { endpoints: {} }));
  tuned = await startGatewayOn(
    unifiedDemoConfig(systems, {
      endpoints: { sources: 'read-only', suggestions: true, introspection: false },
      cors: { allowedOrigins: [ALLOWED] },
      server: { headersTimeoutMs: 300, bodyTimeoutMs: 600 },
    }),
  );
  systems.resetCounts();
});

/** After every attack: no backend was called, and both gateways still answer health and a canary query. */
afterEach(async () => {
  const totals = systems.totals();
  systems.resetCounts();
  expect(totals).toEqual({ storefront: 0, erp: 0, billing: 0 });
  for (const each of [gateway, tuned]) {
    const health = await each.fetch('/healthz');
    expect(health.status).toBe(200);
    await health.body?.cancel();
    const canary = await each.graphql('{ product(sku: "SKU-00001") { sku } }');
    expect(canary.body).toEqual({ data: { product: { sku: 'SKU-00001' } } });
  }
  systems.resetCounts();
});

const post = (
  target: TestGateway,
  headers: Record<string, string>,
  body: string | Buffer,
  path = '/graphql',
): Promise<RawAnswer> => rawRequest(`${target.url}${path}`, { method: 'POST', headers, body });

function expectError(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status, answer.body.slice(0, 300)).toBe(status);
  expect(answer.json?.errors?.[0]?.extensions?.code).toBe(code);
}

describe('cross-site requests', () => {
  it.each([
    ['application/x-www-form-urlencoded', `query=${encodeURIComponent(PLACE_ORDER)}`],
    [
      'multipart/form-data; boundary=x',
      `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: PLACE_ORDER })}\r\n--x--\r\n`,
    ],
    ['text/plain', JSON.stringify({ query: PLACE_ORDER })],
    ['application/graphql', PLACE_ORDER],
  ])(
    'a mutation posted as %s (no preflight in a browser) is 415, never run',
    async (type, body) => {
      expectError(
        await post(gateway, { 'content-type': type, origin: 'https://evil.example' }, body),
        415,
        'REQUEST_CONTENT_TYPE_UNSUPPORTED',
      );
    },
  );

  it('a POST without a content type is 415', async () => {
    expectError(
      await post(gateway, {}, JSON.stringify({ query: PLACE_ORDER })),
      415,
      'REQUEST_CONTENT_TYPE_UNSUPPORTED',
    );
  });

  it('a mutation over GET is refused (405): GET carries queries only', async () => {
    const answer = await rawRequest(
      `${gateway.url}/graphql?query=${encodeURIComponent(PLACE_ORDER)}`,
      { method: 'GET', headers: { accept: 'application/json' } },
    );
    expect(answer.status).toBe(405);
    expect(answer.json?.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('by default no origin gets a CORS header, neither on a preflight nor on an answer', async () => {
    const preflight = await rawRequest(`${gateway.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const answer = await post(
      gateway,
      { 'content-type': 'application/json', origin: 'https://evil.example' },
      JSON.stringify({ query: '{ __typename }' }),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('an allowed origin gets its own CORS headers without credentials; another origin is never reflected', async () => {
    const preflight = await rawRequest(`${tuned.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, POST');
    for (const origin of ['https://evil.example', `${ALLOWED}.evil.example`, 'null']) {
      const other = await rawRequest(`${tuned.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      expect(other.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });
});

describe('request bodies', () => {
  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)(
    'a %s body that inflates past the body limit is 413, whatever it inflates to',
    async (coding, compress) => {
      // 64 MiB of spaces compress to a few KiB; the limit is 1 MiB.
      const bomb = compress(Buffer.alloc(64 * 1024 * 1024, 0x20));
      expect(bomb.byteLength).toBeLessThan(1024 * 1024);
      expectError(
        await post(
          gateway,
          { 'content-type': 'application/json', 'content-encoding': coding },
          bomb,
        ),
        413,
        'REQUEST_TOO_LARGE',
      );
      // Chunked (no Content-Length) takes the same road.
      expectError(
        await post(
          gateway,
          {
            'content-type': 'application/json',
            'content-encoding': coding,
            'transfer-encoding': 'chunked',
          },
          bomb,
        ),
        413,
        'REQUEST_TOO_LARGE',
      );
    },
  );

  it('a small compressed body is inflated and answered', async () => {
    const answer = await post(
      gateway,
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      gzipSync(JSON.stringify({ query: '{ __typename }' })),
    );
    expect(answer.status).toBe(200);
    expect(answer.json?.data).toEqual({ __typename: 'Query' });
  });

  it('an unknown or stacked content encoding is 415; a corrupt one is 400', async () => {
    expectError(
      await post(gateway, { 'content-type': 'application/json', 'content-encoding': 'zstd' }, 'x'),
      415,
      'REQUEST_CONTENT_TYPE_UNSUPPORTED',
    );
    expectError(
      await post(
        gateway,
        { 'content-type': 'application/json', 'content-encoding': 'gzip, gzip' },
        'x',
      ),
      415,
      'REQUEST_CONTENT_TYPE_UNSUPPORTED',
    );
    expectError(
      await post(
        gateway,
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        'not gzip at all',
      ),
      400,
      'REQUEST_INVALID',
    );
  });

  it('invalid JSON is 400 and the answer never quotes the body', async () => {
    const secret = 'SECRET-4f1c-TOKEN';
    for (const body of [
      `{"query": ${secret}`,
      `${secret}`,
      `{"query":"{ __typename }", "variables": ${secret}}`,
    ]) {
      const answer = await post(gateway, { 'content-type': 'application/json' }, body);
      expectError(answer, 400, 'REQUEST_INVALID');
      expect(answer.body).not.toContain(secret);
      expect(answer.body).not.toContain('originalError');
    }
    for (const search of [
      `variables=${secret}`,
      `extensions=${secret}`,
      `variables=%22${secret}%22`,
    ]) {
      const viaGet = await rawRequest(
        `${gateway.url}/graphql?query=${encodeURIComponent('{ __typename }')}&${search}`,
        { method: 'GET', headers: { accept: 'application/json' } },
      );
      expectError(viaGet, 400, 'REQUEST_INVALID');
      expect(viaGet.body).not.toContain(secret);
    }
  });

  it.each(['utf-16', 'iso-8859-1', 'utf-7'])('a body declared %s is 415', async (charset) => {
    expectError(
      await post(
        gateway,
        { 'content-type': `application/json; charset=${charset}` },
        JSON.stringify({ query: '{ __typename }' }),
      ),
      415,
      'REQUEST_CONTENT_TYPE_UNSUPPORTED',
    );
  });

  it('bytes that are not UTF-8 are 400', async () => {
    expectError(
      await post(
        gateway,
        { 'content-type': 'application/json' },
        Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      ),
      400,
      'REQUEST_INVALID',
    );
  });
});

describe('headers and slow clients', () => {
  it('hundreds of headers are 431', async () => {
    const filler = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`x-filler-${i}`, 'v']),
    );
    const answer = await rawRequest(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...filler },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expectError(answer, 431, 'REQUEST_HEADERS_TOO_LARGE');
    const viaGet = await rawRequest(`${gateway.url}/graphql?query=%7B__typename%7D`, {
      method: 'GET',
      headers: filler,
    });
    expectError(viaGet, 431, 'REQUEST_HEADERS_TOO_LARGE');
  });

  it('one huge header is 431 from node, before the gateway reads anything', async () => {
    const answer = await rawRequest(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-huge': 'a'.repeat(64 * 1024) },
      body: '{}',
    });
    expect(answer.status).toBe(431);
  });

  it('a client that never finishes its headers is answered 408 and disconnected', async () => {
    const { received } = await slowClient(
      tuned.url,
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n',
    );
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a client that never finishes its body is answered 408 and disconnected', async () => {
    const { received } = await slowClient(
      tuned.url,
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":',
    );
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('nesting', () => {
  const json = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
  it.each([
    ['a list literal', `{ product(sku: ${'['.repeat(30_000)}${']'.repeat(30_000)}) { sku } }`],
    [
      'an object literal',
      `mutation { placeOrder(input: ${'{a:'.repeat(30_000)}1${'}'.repeat(30_000)}) { id } }`,
    ],
    [
      'a selection set',
      `{ product(sku: "SKU-00001") ${'{ sku '.repeat(30_000)}${'}'.repeat(30_000)} }`,
    ],
  ])(
    'tens of thousands of brackets in %s are 400 LIMIT_NESTING_EXCEEDED, not a stack overflow',
    async (_what, query) => {
      expectError(
        await post(gateway, json, JSON.stringify({ query })),
        400,
        'LIMIT_NESTING_EXCEEDED',
      );
    },
  );

  it('deeply nested variables are 400 LIMIT_NESTING_EXCEEDED', async () => {
    const body = `{"query":"query($s: ID!) { product(sku: $s) { sku } }","variables":{"s":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    expectError(await post(gateway, json, body), 400, 'LIMIT_NESTING_EXCEEDED');
  });

  it('brackets inside strings and comments do not count', async () => {
    const query = `# ${'['.repeat(500)}\n{ product(sku: "${'{'.repeat(500)}") { sku } }`;
    const answer = await post(gateway, json, JSON.stringify({ query }));
    expect(answer.json?.errors?.[0]?.extensions?.code).not.toBe('LIMIT_NESTING_EXCEEDED');
    systems.resetCounts(); // the storefront was asked for that odd SKU, which is fine
  });
});

describe('every error has a code', () => {
  it('a variable that does not coerce is BAD_USER_INPUT', async () => {
    const answer = await post(
      gateway,
      { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      JSON.stringify({
        query: 'query($n: Int) { products(first: $n) { edges { cursor } } }',
        variables: { n: 'many' },
      }),
    );
    expectError(answer, 400, 'BAD_USER_INPUT');
  });

  it('a missing query, a wrong method and an unknown path each carry a code', async () => {
    expectError(
      await post(
        gateway,
        { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        '{}',
      ),
      400,
      'BAD_REQUEST',
    );
    expectError(
      await rawRequest(`${gateway.url}/graphql`, { method: 'PUT', headers: {} }),
      405,
      'BAD_REQUEST',
    );
    expectError(
      await rawRequest(`${gateway.url}/nowhere`, { method: 'GET', headers: {} }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('what the schema reveals', () => {
  const typo = JSON.stringify({ query: '{ produc(sku: "SKU-00001") { sku } }' });
  it('suggestions are off by default and on where configured', async () => {
    const quiet = await post(gateway, { 'content-type': 'application/json' }, typo);
    expect(quiet.json?.errors?.[0]?.message).toBe('Cannot query field "produc" on type "Query".');
    const chatty = await post(tuned, { 'content-type': 'application/json' }, typo);
    expect(chatty.json?.errors?.[0]?.message).toMatch(/Did you mean "product"/);
  });

  it('introspection is on by default and off where configured', async () => {
    const query = JSON.stringify({ query: '{ __schema { types { name } } }' });
    expect(
      (await post(gateway, { 'content-type': 'application/json' }, query)).json?.data,
    ).toBeTruthy();
    const closed = await post(tuned, { 'content-type': 'application/json' }, query);
    expect(closed.json?.data).toBeUndefined();
    expect(closed.json?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('per-source endpoints', () => {
  it('are not served by default', async () => {
    for (const source of ['storefront', 'erp', 'billing']) {
      const answer = await post(
        gateway,
        { 'content-type': 'application/json' },
        JSON.stringify({ query: '{ __typename }' }),
        `/graphql/${source}`,
      );
      expectError(answer, 404, 'NOT_FOUND');
    }
  });

  it('read-only serves queries and refuses every backend write', async () => {
    const write = await post(
      tuned,
      { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      JSON.stringify({
        query: 'mutation { adjustInventory(itemCode: "SKU-00001", delta: 5) { itemCode } }',
      }),
      '/graphql/erp',
    );
    // graphql-js 16 refuses an operation type the schema lacks at execution, before any resolver: no data, no call.
    expect(write.json?.data ?? null).toBeNull();
    expect(write.json?.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/not configured to execute mutation/),
      extensions: { code: 'BAD_REQUEST' },
    });
    const read = await post(
      tuned,
      { 'content-type': 'application/json' },
      JSON.stringify({ query: '{ __typename }' }),
      '/graphql/erp',
    );
    expect(read.json?.data).toEqual({ __typename: 'Query' });
  });
});

describe('caching', () => {
  it('answers with Cache-Control: no-store, on the fast path and the general route', async () => {
    const fast = await post(
      gateway,
      { 'content-type': 'application/json' },
      JSON.stringify({ query: '{ product(sku: "SKU-00001") { sku } }' }),
    );
    expect(fast.headers['cache-control']).toBe('no-store');
    const chunked = await post(
      gateway,
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      JSON.stringify({ query: '{ __typename }' }),
    );
    expect(chunked.headers['cache-control']).toBe('no-store');
    const viaGet = await rawRequest(`${gateway.url}/graphql?query=%7B__typename%7D`, {
      method: 'GET',
      headers: { accept: 'application/json' },
    });
    expect(viaGet.headers['cache-control']).toBe('no-store');
    systems.resetCounts();
  });
});

describe('sizes that would reach the backends', () => {
  const ask = (query: string, variables: Record<string, unknown>): Promise<RawAnswer> =>
    post(
      gateway,
      { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      JSON.stringify({ query, variables }),
    );
  const order = (input: Record<string, unknown>): Promise<RawAnswer> =>
    ask('mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', {
      input: { customerId: 'cus_0001', lines: [{ sku: 'SKU-00001', quantity: 1 }], ...input },
    });

  function expectRefused(
    answer: RawAnswer,
    path: unknown[],
    argument: string,
    constraint: string,
  ): void {
    expectError(answer, 400, 'BAD_USER_INPUT');
    expect(answer.json?.data).toBeUndefined();
    expect(answer.json?.errors?.[0]).toMatchObject({ path, extensions: { argument, constraint } });
  }

  it.each([
    [1_000_000, 'max'],
    [0, 'min'],
    [-5, 'min'],
  ])('a page size of %d passed through a variable is refused', async (first, constraint) => {
    expectRefused(
      await ask('query ($n: Int) { products(first: $n) { edges { cursor } } }', { n: first }),
      ['products'],
      'first',
      constraint,
    );
  });

  it('a page size in a nested field, behind an alias and a fragment, is refused at its path', async () => {
    const answer = await ask(
      'query ($n: Int) { c: customer(id: "cus_0001") { ...Orders } } fragment Orders on Customer { mine: orders(first: $n) { edges { cursor } } }',
      { n: 5000 },
    );
    expectRefused(answer, ['c', 'mine'], 'first', 'max');
  });

  it('a malformed or oversized cursor is refused', async () => {
    expectRefused(
      await ask('query ($a: String) { products(after: $a) { edges { cursor } } }', {
        a: "'; DROP TABLE products;--",
      }),
      ['products'],
      'after',
      'pattern',
    );
    expectRefused(
      await ask('query ($a: String) { products(after: $a) { edges { cursor } } }', {
        a: 'a'.repeat(5000),
      }),
      ['products'],
      'after',
      'maxLength',
    );
  });

  it('a 1 MB string as a SKU is refused and not echoed', async () => {
    const answer = await ask('query ($s: ID!) { product(sku: $s) { sku } }', {
      s: 'S'.repeat(1_000_000 - 100),
    });
    expectRefused(answer, ['product'], 'sku', 'maxLength');
    expect(answer.body.length).toBeLessThan(1000);
  });

  it.each([0, -1, 101])('an order line with quantity %d is refused', async (quantity) => {
    expectRefused(
      await order({ lines: [{ sku: 'SKU-00001', quantity }] }),
      ['placeOrder'],
      'input.lines[0].quantity',
      quantity > 0 ? 'max' : 'min',
    );
  });

  it('an order of 1,000 lines, or of none, is refused', async () => {
    const lines = Array.from({ length: 1000 }, () => ({ sku: 'SKU-00001', quantity: 1 }));
    expectRefused(await order({ lines }), ['placeOrder'], 'input.lines', 'maxItems');
    expectRefused(await order({ lines: [] }), ['placeOrder'], 'input.lines', 'minItems');
  });

  it('a literal out of bounds is refused like a variable', async () => {
    const answer = await post(
      gateway,
      { 'content-type': 'application/json' },
      JSON.stringify({
        query:
          'mutation { placeOrder(input: { customerId: "cus_0001", lines: [{ sku: "SKU-00001", quantity: -1 }] }) { id } }',
      }),
    );
    expect(answer.json?.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'input.lines[0].quantity',
    });
  });
});

describe('limits taken from the contracts', () => {
  it('a per-source endpoint enforces the OpenAPI limits (maximum, pattern, maxItems) before calling the storefront', async () => {
    const ask = (query: string): Promise<RawAnswer> =>
      post(
        tuned,
        { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        JSON.stringify({ query }),
        '/graphql/storefront',
      );
    expectError(
      await ask('{ listProducts(limit: 1000000) { nextCursor } }'),
      400,
      'BAD_USER_INPUT',
    );
    expectError(await ask('{ getProductBySku(sku: "SKU-1; DROP") { id } }'), 400, 'BAD_USER_INPUT');
    const many = JSON.stringify(
      Array.from({ length: 101 }, (_, i) => `SKU-${String(i).padStart(5, '0')}`),
    );
    const answer = await ask(`{ listProducts(skus: ${many}) { nextCursor } }`);
    expectError(answer, 400, 'BAD_USER_INPUT');
    expect(answer.json?.errors?.[0]?.extensions).toMatchObject({
      argument: 'skus',
      constraint: 'maxItems',
      limit: 100,
    });
  });

  it('the namespaced view enforces them too', async () => {
    const namespaced = await startGatewayOn(demoConfig(systems, { endpoints: {} }));
    const answer = await post(
      namespaced,
      { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      JSON.stringify({ query: '{ storefront { listProducts(limit: 0) { nextCursor } } }' }),
    );
    expectError(answer, 400, 'BAD_USER_INPUT');
    expect(answer.json?.errors?.[0]?.path).toEqual(['storefront', 'listProducts']);
    await namespaced.close();
  });
});

describe('idempotency keys', () => {
  const order = (idempotencyKey: string): Promise<RawAnswer> =>
    post(
      gateway,
      { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      JSON.stringify({
        query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
        variables: {
          input: {
            customerId: 'cus_0001',
            lines: [{ sku: 'SKU-00001', quantity: 1 }],
            idempotencyKey,
          },
        },
      }),
    );

  it.each([
    ['CR/LF', 'abc\r\nX-Injected: 1'],
    ['a RESP fragment', '*3\r\n$3\r\nSET\r\n'],
    ['a space', 'two words'],
    ['a non-ASCII letter', 'clé'],
    ['an empty key', ''],
    ['256 characters', 'k'.repeat(256)],
  ])('a key with %s is 400 BAD_USER_INPUT, never sent', async (_what, key) => {
    const answer = await order(key);
    expectError(answer, 400, 'BAD_USER_INPUT');
    expect(answer.json?.errors?.[0]?.extensions?.argument).toBe('input.idempotencyKey');
  });
});
