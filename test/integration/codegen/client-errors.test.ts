/**
 * demo/client over real HTTP against a small node:http server that answers
 * what a gateway, a proxy or a dead host might: the request it sends, and
 * each way an answer can fail to be data.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { CommerceClientError, createCommerceClient } from '../../../demo/client/index.js';
import { ProductBySkuDocument } from '../../../demo/client/generated/graphql.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: unknown;
}

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(
    servers.map((server) => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    }),
  );
});

/** Starts a server on 127.0.0.1 port 0 that records each request and answers with `reply`. */
async function serve(
  reply: (response: ServerResponse) => void,
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      reply(response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, received };
}

const json = (status: number, body: unknown) => (response: ServerResponse) => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

async function caught(promise: Promise<unknown>): Promise<CommerceClientError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof CommerceClientError))
    throw new Error(`expected a CommerceClientError, got ${String(error)}`);
  return error;
}

describe('createCommerceClient', () => {
  it('posts the typed document, its variables and the configured headers', async () => {
    const server = await serve(json(200, { data: { product: null } }));
    const client = createCommerceClient(server.url, { headers: { authorization: 'Bearer t0ken' } });
    const result = await client.productBySku('SKU-00042');
    expect(result).toEqual({ data: { product: null }, errors: [] });
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.body).toEqual({
      query: String(ProductBySkuDocument),
      variables: { sku: 'SKU-00042' },
    });
    expect(server.received[0]?.headers['authorization']).toBe('Bearer t0ken');
    expect(server.received[0]?.headers['content-type']).toBe('application/json');
  });

  it('returns partial data with the errors of the fields that failed', async () => {
    const error = {
      message: 'billing is unavailable',
      path: ['product', 'price'],
      extensions: { code: 'SOURCE_UNAVAILABLE', source: 'billing' },
    };
    const server = await serve(
      json(200, { data: { product: { sku: 'SKU-00001', price: null } }, errors: [error] }),
    );
    const result = await createCommerceClient(server.url).productBySku('SKU-00001');
    expect(result.data.product?.price).toBeNull();
    expect(result.errors).toEqual([error]);
  });

  it('throws CLIENT_NO_DATA with the GraphQL errors when the request was refused', async () => {
    const server = await serve(
      json(400, { errors: [{ message: 'Cannot query field "nope" on type "Query".' }] }),
    );
    const error = await caught(createCommerceClient(server.url).products({ first: 2 }));
    expect(error.code).toBe('CLIENT_NO_DATA');
    expect(error.status).toBe(400);
    expect(error.message).toContain('Cannot query field "nope"');
    expect(error.errors).toHaveLength(1);
  });

  it('throws CLIENT_BAD_RESPONSE on an answer that is not GraphQL', async () => {
    const server = await serve((response) =>
      response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'),
    );
    const error = await caught(createCommerceClient(server.url).order('ord_00001'));
    expect(error).toMatchObject({ code: 'CLIENT_BAD_RESPONSE', status: 502 });
    expect(error.message).not.toContain('<h1>');
  });

  it('throws CLIENT_BAD_RESPONSE on JSON whose errors are not GraphQL errors', async () => {
    const server = await serve(json(200, { data: {}, errors: 'nope' }));
    const error = await caught(createCommerceClient(server.url).order('ord_00001'));
    expect(error.code).toBe('CLIENT_BAD_RESPONSE');
  });

  it('throws CLIENT_TIMEOUT when no answer comes within timeoutMs', async () => {
    const server = await serve(() => undefined); // holds the request until afterAll
    const error = await caught(
      createCommerceClient(server.url, { timeoutMs: 50 }).productBySku('SKU-00001'),
    );
    expect(error.code).toBe('CLIENT_TIMEOUT');
    expect(server.received).toHaveLength(1);
  });

  it('throws CLIENT_UNREACHABLE when nothing listens', async () => {
    const server = await serve(json(200, {}));
    const closed = servers.pop();
    await new Promise<void>((resolve) => closed?.close(() => resolve()));
    const error = await caught(createCommerceClient(server.url).productBySku('SKU-00001'));
    expect(error.code).toBe('CLIENT_UNREACHABLE');
    expect(error.message).not.toContain('127.0.0.1');
  });
});
