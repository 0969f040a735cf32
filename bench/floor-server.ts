/**
 * A GraphQL server with nothing but GraphQL in it, for bench/floor.ts: the
 * demo storefront's product by SKU and its catalogue page (as a Relay
 * connection), on node:http, in one of
 * three builds, so the floor under the gateway's CPU per query can be read
 * off the same machine:
 *
 * - `graphql-js`: the body read and parsed by hand, the document parsed and
 *   validated once per text, graphql-js `execute`, `JSON.stringify`.
 * - `envelop`: the same HTTP handling around a Yoga instance's own envelop
 *   (`getEnveloped`: its parse and validation caches, context, executor).
 * - `yoga`: Yoga whole, as a node:http handler (its WHATWG layer included).
 *
 * Prints `listening on <url>`, then runs until SIGTERM. STOREFRONT_URL
 * names the backend.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, execute, parse, validate, type DocumentNode } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { Pool } from 'undici';

const kind = process.argv[2] ?? 'graphql-js';
const storefront = new Pool(process.env.STOREFRONT_URL!, { connections: 32 });
const typeDefs = `type Query { product(sku: ID!): Product products(first: Int = 20): ProductConnection }
  type ProductConnection { edges: [ProductEdge] } type ProductEdge { node: Product }
  type Product { sku: ID title: String brand: String category: String }`;

async function productBySku(sku: string): Promise<unknown> {
  const response = await storefront.request({
    method: 'GET',
    path: `/products/by-sku/${encodeURIComponent(sku)}`,
  });
  return JSON.parse(await response.body.text());
}

/** A page of the catalogue as a Relay connection, as the gateway shapes the storefront's `{ items }`. */
async function productsPage(first: number): Promise<unknown> {
  const response = await storefront.request({ method: 'GET', path: `/products?limit=${first}` });
  const page = JSON.parse(await response.body.text()) as { items: unknown[] };
  return { edges: page.items.map((node) => ({ node })) };
}

const yoga = createYoga({
  schema: createSchema({
    typeDefs,
    resolvers: {
      Query: {
        product: (_: unknown, args: { sku: string }) => productBySku(args.sku),
        products: (_: unknown, args: { first: number }) => productsPage(args.first),
      },
    },
  }),
  logging: false,
  landingPage: false,
  graphiql: false,
  maxRequestBodySize: false,
});
const schema = buildSchema(typeDefs);
const rootValue = {
  product: (args: { sku: string }) => productBySku(args.sku),
  products: (args: { first: number }) => productsPage(args.first),
};
const documents = new Map<string, DocumentNode>();

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.once('error', reject);
  });
}

function send(res: ServerResponse, status: number, result: unknown): void {
  const text = JSON.stringify(result);
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    })
    .end(text);
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const params = await readJson(req);
  const query = String(params.query);
  const variableValues = params.variables as Record<string, unknown> | undefined;
  if (kind === 'envelop') {
    const enveloped = yoga.getEnveloped({ req });
    const document = enveloped.parse(query);
    const errors = enveloped.validate(enveloped.schema, document);
    if (errors.length > 0) return send(res, 400, { errors });
    const contextValue = await enveloped.contextFactory();
    const result = await enveloped.execute({
      schema: enveloped.schema,
      document,
      contextValue,
      variableValues,
    });
    return send(res, 200, result);
  }
  let document = documents.get(query);
  if (document === undefined) {
    document = parse(query);
    const errors = validate(schema, document);
    if (errors.length > 0) return send(res, 400, { errors });
    documents.set(query, document);
  }
  send(res, 200, await execute({ schema, document, rootValue, variableValues }));
}

const server = createServer(
  kind === 'yoga'
    ? yoga
    : (req, res) => {
        answer(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
      },
);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void storefront.close().then(() => process.exit(0));
});
