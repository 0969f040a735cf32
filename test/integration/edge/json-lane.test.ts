/**
 * The JSON lane (gateway/http/json-lane.ts) answers a JSON POST past Yoga's
 * HTTP layer. Its answers must be Yoga's: every request here is sent twice,
 * over HTTP (the lane, or Yoga when the lane hands the body back) and through
 * the gateway's fetch entry (`Gateway.fetch`, always Yoga), and the two
 * answers are compared: status, body, and the headers a caller reads.
 * Backend calls are counted, so a request the lane hands back to Yoga is
 * shown to reach the backend once, not twice.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { Agent, request } from 'undici';
import { createGateway, createLogger, type Gateway } from '../../../gateway/index.js';
import { createYoga, createSchema } from 'graphql-yoga';
import { createJsonLane, laneAccepts } from '../../../gateway/http/json-lane.js';
import {
  NO_READ_CACHE,
  startSystems,
  unifiedDemoConfig,
  useHarness,
  type Systems,
} from '../../harness/index.js';

useHarness();

let systems: Systems;
let gateway: Gateway;
let url: string;
/** The gateway's log lines, parsed. */
const lines: Array<Record<string, unknown>> = [];
const agent = new Agent({ connections: 2 });

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
  gateway = await createGateway(
    unifiedDemoConfig(systems, {
      ...NO_READ_CACHE,
      rateLimits: {
        anonymousPlan: 'free',
        windowSeconds: 600,
        plans: { free: { requests: 10_000 } },
      },
    }),
    {
      logger: createLogger({
        level: 'info',
        write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
      }),
    },
  );
  url = await gateway.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await gateway?.close();
  await agent.close();
});
beforeEach(() => systems.resetCounts());

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

/** The headers a caller reads; date, the request id and the rate-limit reset second differ by design. */
const COMPARED = ['content-type', 'vary', 'cache-control', 'ratelimit-policy', 'retry-after'];

function shape(status: number, header: (name: string) => string | null, text: string): Answer {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Compared as text.
  }
  // A masked error names its request; the two requests differ.
  const scrubbed = JSON.parse(
    JSON.stringify(body).replace(/"requestId":"[^"]*"/g, '"requestId":"…"'),
  ) as unknown;
  return {
    status,
    headers: Object.fromEntries(COMPARED.map((name) => [name, header(name) ?? undefined])),
    body: scrubbed,
  };
}

async function overHttp(body: string | Uint8Array, headers: Record<string, string>) {
  const response = await request(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    dispatcher: agent,
  });
  const text = await response.body.text();
  const header = (name: string): string | null => {
    const value = response.headers[name];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  };
  return shape(response.statusCode, header, text);
}

async function throughYoga(body: string | Uint8Array, headers: Record<string, string>) {
  const response = await gateway.fetch(
    new Request('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    }),
  );
  const text = await response.text();
  return shape(response.status, (name) => response.headers.get(name), text);
}

/** Sends `body` both ways; returns the HTTP answer after checking it equals Yoga's. */
async function sameBothWays(
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const lane = await overHttp(body, headers);
  const yoga = await throughYoga(body, headers);
  expect(lane).toEqual(yoga);
  return lane;
}

const json = (value: unknown): string => JSON.stringify(value);
const PRODUCT = 'query ($sku: ID!) { product(sku: $sku) { sku title price { amount } } }';

describe('answers equal to Yoga’s', () => {
  it('a query with variables: 200, the data, one backend call per system each way', async () => {
    const answer = await sameBothWays(json({ query: PRODUCT, variables: { sku: 'SKU-00003' } }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ data: { product: { sku: 'SKU-00003' } } });
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['ratelimit-policy']).toBe('"requests";q=10000;w=600');
    expect(systems.counts().storefront.getProductBySku).toBe(2);
  });

  it.each([
    ['no Accept', {}],
    ['*/*', { accept: '*/*' }],
    ['application/json', { accept: 'application/json' }],
    ['application/graphql-response+json', { accept: 'application/graphql-response+json' }],
    ['both, the spec’s first', { accept: 'application/graphql-response+json, application/json' }],
  ])('the media type chosen for %s', async (_name, headers) => {
    await sameBothWays(json({ query: PRODUCT, variables: { sku: 'SKU-00004' } }), headers);
  });

  it('the named operation among several', async () => {
    const query = `query A { products(first: 1) { edges { node { sku } } } } ${PRODUCT.replace('query', 'query B')}`;
    const answer = await sameBothWays(
      json({ query, operationName: 'B', variables: { sku: 'SKU-00005' } }),
    );
    expect(answer.body).toMatchObject({ data: { product: { sku: 'SKU-00005' } } });
  });

  it.each([
    ['a field the schema lacks', { query: '{ product(sku: "SKU-00001") { nope } }' }],
    ['a syntax error', { query: '{ product(sku: ' }],
    ['a variable of the wrong type', { query: PRODUCT, variables: { sku: 7 } }],
    ['a missing variable', { query: PRODUCT }],
    ['an unknown operation name', { query: PRODUCT, operationName: 'Nope' }],
    ['a subscription over POST JSON', { query: 'subscription { nope }' }],
    ['a product that does not exist', { query: PRODUCT, variables: { sku: 'SKU-99999' } }],
  ])('errors: %s', async (_name, params) => {
    for (const accept of ['application/json', 'application/graphql-response+json'])
      await sameBothWays(json(params), { accept });
  });
});

describe('bodies the lane hands back to Yoga, before anything runs', () => {
  it.each([
    ['a batch (JSON array)', json([{ query: PRODUCT, variables: { sku: 'SKU-00001' } }])],
    [
      'extensions (a persisted operation)',
      json({ extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } }),
    ],
    ['an unknown parameter', json({ query: PRODUCT, variables: { sku: 'SKU-00001' }, nope: 1 })],
    ['a query that is not a string', json({ query: 42 })],
    ['variables that are a list', json({ query: PRODUCT, variables: ['SKU-00001'] })],
    ['JSON that is not an object', json('{ product }')],
    ['no JSON at all', '{ "query": '],
    ['a body that is not UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['@defer', json({ query: '{ product(sku: "SKU-00001") { sku ... @defer { title } } }' })],
    [
      'brackets nested past the limit (an onParams hook refuses it)',
      json({ query: `{ product(sku: "SKU-00001") { sku } } ${'['.repeat(5000)}` }),
    ],
    [
      'variables nested past the limit',
      `{"query":${json(PRODUCT)},"variables":{"sku":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
    ],
  ])(
    '%s: the same answer as Yoga’s, each backend called at most once per way',
    async (_n, body) => {
      await sameBothWays(body, { accept: 'application/json' });
      for (const calls of Object.values(systems.counts()))
        for (const count of Object.values(calls)) expect(count).toBeLessThanOrEqual(2);
    },
  );
});

describe('a caller that leaves mid-body', () => {
  it('costs no backend call, leaves one request line (400) and no error, and the next request is answered', async () => {
    lines.length = 0;
    const { hostname, port } = new URL(url);
    const body = json({ query: PRODUCT, variables: { sku: 'SKU-00006' } });
    // Headers promise the whole body; a third of it arrives, then the connection is gone.
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, Math.floor(body.length / 3))}`,
          () => socket.destroy(),
        );
      });
      socket.once('close', () => resolve());
      socket.once('error', reject);
    });
    const next = await overHttp(json({ query: PRODUCT, variables: { sku: 'SKU-00006' } }), {});
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({ data: { product: { sku: 'SKU-00006' } } });
    expect(systems.counts().storefront.getProductBySku).toBe(1);
    const requests = lines.filter((line) => line.message === 'request');
    expect(requests.map((line) => line.status)).toEqual([400, 200]);
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});

describe('the lane exists', () => {
  it('for the Yoga in our lockfile: it reads Yoga’s result-process hooks, and a Yoga without them gets none', () => {
    // The lane reads a private field of Yoga's; were an upgrade to rename it, every answer above
    // would still equal Yoga's (Yoga would answer all of them), so this is what says the lane runs.
    const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { a: Int }' }) });
    expect(createJsonLane(yoga as never, [])).toBeDefined();
    const renamed = Object.assign(Object.create(yoga) as object, {
      onResultProcessHooks: undefined,
    });
    expect(createJsonLane(renamed as never, [])).toBeUndefined();
  });

  it('is off for a Yoga with an instrumentation plugin, whose wrapping the lane would skip', () => {
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { a: Int }' }),
      plugins: [
        { instrumentation: { operation: (_payload: unknown, wrapped: () => void) => wrapped() } },
      ],
    });
    expect(createJsonLane(yoga as never, [])).toBeUndefined();
  });
});

describe('which requests may take the lane (headers alone)', () => {
  it.each([
    [{ 'content-type': 'application/json' }, true],
    [{ 'content-type': 'application/json; charset=utf-8' }, true],
    [{ 'content-type': 'Application/JSON;charset="UTF-8"' }, true],
    [{ 'content-type': 'application/json', accept: 'application/json' }, true],
    [{ 'content-type': 'application/json', origin: 'https://shop.example' }, false],
    [{ 'content-type': 'application/json', accept: 'text/event-stream' }, false],
    [{ 'content-type': 'application/json', accept: 'multipart/mixed' }, false],
    [{ 'content-type': 'application/json; charset=latin1' }, false],
    [{ 'content-type': 'text/plain' }, false],
    [{}, false],
  ])('%j → %s', (headers, expected) => {
    expect(laneAccepts(headers)).toBe(expected);
  });
});
