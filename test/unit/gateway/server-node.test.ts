/**
 * The node:http entry of the gateway: GraphQL requests go straight to their
 * endpoint's Yoga, everything else takes the general route; both keep the
 * request id, the deadline and the caller's going away. Real HTTP on 127.0.0.1.
 */
import { request as httpRequest } from 'node:http';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../../gateway/index.js';
import type { CallContext, Source } from '../../../sources/common/index.js';

/** A source whose `wait` answers only when its call's signal aborts, and says so. */
function createWaitingSource(): Source & {
  readonly seen: CallContext[];
  readonly aborted: Promise<void>;
} {
  const seen: CallContext[] = [];
  let onAborted: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => (onAborted = resolve));
  return {
    name: 'slow',
    kind: 'rest',
    typeDefs: parse('type Query { wait: String echo(text: String!): String }'),
    warnings: [],
    operations: new Map([
      [
        'wait',
        {
          name: 'wait',
          kind: 'query',
          idempotent: true,
          invoke: (_args: unknown, ctx: CallContext) =>
            new Promise((resolve) => {
              seen.push(ctx);
              ctx.signal?.addEventListener('abort', () => {
                onAborted();
                resolve('aborted');
              });
            }),
        },
      ],
      [
        'echo',
        {
          name: 'echo',
          kind: 'query',
          idempotent: true,
          invoke: async (args: Record<string, unknown>, ctx: CallContext) => (
            seen.push(ctx),
            String(args.text)
          ),
        },
      ],
    ]),
    seen,
    aborted,
    async health() {
      return { ok: true, latencyMs: 0 };
    },
    async close() {},
  } as Source & { readonly seen: CallContext[]; readonly aborted: Promise<void> };
}

let gateway: Gateway;
let url: string;
let source: ReturnType<typeof createWaitingSource>;

beforeAll(async () => {
  source = createWaitingSource();
  gateway = await createGateway({
    sources: [source],
    limits: { requestTimeoutMs: 60_000, maxBodyBytes: 2048 },
    endpoints: { sources: 'read-write' },
    logging: { level: 'silent' },
  });
  url = await gateway.listen({ port: 0 });
});

afterAll(async () => {
  await gateway?.close();
});

/** One raw HTTP exchange; the answer's headers as node gives them (repeated headers stay visible). */
function exchange(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${path}`,
      { method: init.method ?? 'POST', headers: init.headers },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.rawHeaders, body }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The values of header `name` in node's flat [name, value, name, value…] list. */
const headerValues = (raw: string[], name: string): string[] =>
  raw.flatMap((value, i) => (i % 2 === 1 && raw[i - 1]?.toLowerCase() === name ? [value] : []));

describe('node:http entry', () => {
  it('answers a POST with one x-request-id header, the one the caller sent, and hands it to the source', async () => {
    const body = JSON.stringify({ query: '{ slow { echo(text: "hi") } }' });
    const answer = await exchange('/graphql', {
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-7' },
      body,
    });
    expect(JSON.parse(answer.body)).toEqual({ data: { slow: { echo: 'hi' } } });
    expect(headerValues(answer.headers, 'x-request-id')).toEqual(['trace-7']);
    expect(source.seen.at(-1)?.requestId).toBe('trace-7');
  });

  it('serves GET with a query string and a path with a trailing slash', async () => {
    const get = await exchange(`/graphql/slow?query=${encodeURIComponent('{ echo(text: "g") }')}`, {
      method: 'GET',
      headers: { accept: 'application/json' },
    });
    expect(JSON.parse(get.body)).toEqual({ data: { echo: 'g' } });
    const slash = await exchange('/graphql/slow/', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ echo(text: "s") }' }),
    });
    expect(JSON.parse(slash.body)).toEqual({ data: { echo: 's' } });
  });

  it('refuses a body over maxBodyBytes with 413 and a request id', async () => {
    const answer = await exchange('/graphql', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ slow { echo(text: "${'x'.repeat(3000)}") } }` }),
    });
    expect(answer.status).toBe(413);
    expect(headerValues(answer.headers, 'x-request-id')).toHaveLength(1);
  });

  it("aborts the source call's signal when the caller goes away", async () => {
    const before = source.seen.length;
    const req = httpRequest(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    req.on('error', () => undefined);
    req.end(JSON.stringify({ query: '{ slow { wait } }' }));
    // Leave once the source holds the call, then the gateway must abort it.
    while (source.seen.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(source.seen.at(-1)?.signal?.aborted).toBe(false);
    req.destroy();
    await source.aborted;
    expect(source.seen.at(-1)?.signal?.aborted).toBe(true);
  });
});
