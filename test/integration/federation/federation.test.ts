/**
 * Switchboard's federation subgraphs behind a real federation router
 * (@apollo/gateway with IntrospectAndCompose, served by @apollo/server), all
 * over real HTTP on 127.0.0.1. Backend calls are counted by the demo
 * systems' own GET /__admin/stats.
 *
 * The router composes /federation (the unified schema) with a small
 * "rankings" subgraph a federation team would own: it knows only SKUs, so
 * every product's title (storefront), price (billing) and stock (erp) comes
 * from Switchboard through one `_entities` fetch, which must cost one batch
 * call per source, not one per product.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../demo/common/catalogue.js';
import { startAdmin, type AdminServer } from '../../../demo/index.js';
import {
  NO_READ_CACHE,
  startGatewayOn,
  startSystems,
  track,
  unifiedDemoConfig,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';

useHarness();

const seed = catalogue();
const RANKED = seed.products.slice(0, 30).map((product) => product.sku);

let systems: Systems;
let admin: AdminServer;
let gateway: TestGateway;

async function stats(): Promise<Record<string, Record<string, number>>> {
  const response = await fetch(`${admin.url}/__admin/stats`);
  return (await response.json()) as Record<string, Record<string, number>>;
}

async function resetStats(): Promise<void> {
  await fetch(`${admin.url}/__admin/reset`, { method: 'POST' });
}

/** A federation router (or any GraphQL server) started here, stopped by the harness. */
async function serve(server: ApolloServer): Promise<string> {
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  track({ close: () => server.stop() }, 'apollo server');
  return url;
}

async function post(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{
  status: number;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : {} };
}

/** A router over `subgraphs`, composed by introspecting them (`_service { sdl }`). */
async function startRouter(subgraphs: Array<{ name: string; url: string }>): Promise<string> {
  const router = new ApolloServer({
    gateway: new ApolloGateway({ supergraphSdl: new IntrospectAndCompose({ subgraphs }) }),
  });
  return serve(router);
}

beforeAll(async () => {
  systems = await startSystems();
  admin = track(await startAdmin({ systems: systems.list }), 'admin');
  gateway = await startGatewayOn(
    unifiedDemoConfig(systems, { ...NO_READ_CACHE, federation: { enabled: true } }),
  );
});

beforeEach(async () => {
  await resetStats();
});

afterAll(async () => {
  await gateway?.close();
});

describe('behind a federation router', () => {
  it('answers a cross-source query: a rankings subgraph joins Product by sku, with one batch call per source', async () => {
    const rankings = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: parse(`
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
          type Query { topSellers: [Product!]! }
          type Product @key(fields: "sku") { sku: ID! rank: Int! }
        `),
        resolvers: {
          Query: { topSellers: () => RANKED.map((sku, index) => ({ sku, rank: index + 1 })) },
        } as never,
      }),
    });
    const rankingsUrl = await serve(rankings);
    const routerUrl = await startRouter([
      { name: 'switchboard', url: `${gateway.url}/federation` },
      { name: 'rankings', url: rankingsUrl },
    ]);
    await resetStats();
    const { body } = await post(
      routerUrl,
      'query TopSellers { topSellers { rank sku title price { amount currencyCode } stock { available } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.topSellers).toHaveLength(RANKED.length);
    const first = seed.products[0] as (typeof seed.products)[number];
    expect(body.data.topSellers[0]).toMatchObject({ rank: 1, sku: first.sku, title: first.title });
    expect(
      body.data.topSellers.every(
        (product: { price: unknown; stock: { available: number } }) =>
          product.price !== null && typeof product.stock.available === 'number',
      ),
    ).toBe(true);
    // One _entities fetch of 30 products: one call per source, not 30.
    expect(await stats()).toEqual({
      storefront: { listProducts: 1 },
      erp: { GetStockLevels: 1 },
      billing: { BatchGetPrices: 1 },
    });
  });

  it("composes two sources' own subgraphs (erp and billing) and answers from both in one query", async () => {
    const routerUrl = await startRouter([
      { name: 'erp', url: `${gateway.url}/federation/erp` },
      { name: 'billing', url: `${gateway.url}/federation/billing` },
    ]);
    await resetStats();
    const sku = RANKED[0] as string;
    const { body } = await post(
      routerUrl,
      'query ($sku: String!) { getItem(itemCode: $sku) { itemCode } getPrice(sku: $sku) { sku } }',
      { sku },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ getItem: { itemCode: sku }, getPrice: { sku } });
    expect(await stats()).toEqual({
      storefront: {},
      erp: { GetItem: 1 },
      billing: { GetPrice: 1 },
    });
  });
});

describe('the subgraphs directly', () => {
  it("_service { sdl } puts @key on the unified schema's entities and on each source's looked-up types", async () => {
    const unified = await gateway.graphql('{ _service { sdl } }', undefined, {
      path: '/federation',
    });
    const sdl = unified.body.data._service.sdl as string;
    expect(sdl).toMatch(/type Product\s+@key\(fields: "sku"\)/);
    expect(sdl).toMatch(/type Customer\s+@key\(fields: "id"\)/);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
    expect(sdl).not.toMatch(/type Subscription/);
    const storefront = (
      await gateway.graphql('{ _service { sdl } }', undefined, { path: '/federation/storefront' })
    ).body.data._service.sdl as string;
    expect(storefront).toMatch(
      /type Product\s+@key\(fields: "id"\)\s+@key\(fields: "sku"\)|type Product\s+@key\(fields: "sku"\)\s+@key\(fields: "id"\)/,
    );
    // read-only by default: no backend writes through a federation subgraph.
    expect(storefront).not.toMatch(/type Mutation/);
    const billing = (
      await gateway.graphql('{ _service { sdl } }', undefined, { path: '/federation/billing' })
    ).body.data._service.sdl as string;
    expect(billing).toMatch(/type Price\s+@key\(fields: "sku"\)/);
    const erp = (
      await gateway.graphql('{ _service { sdl } }', undefined, { path: '/federation/erp' })
    ).body.data._service.sdl as string;
    expect(erp).toMatch(/type Item\s+@key\(fields: "itemCode"\)/);
    expect(await stats()).toEqual({ storefront: {}, erp: {}, billing: {} });
  });

  it('_entities resolves 50 references with one batch call per source', async () => {
    const skus = seed.products.slice(100, 150).map((product) => product.sku);
    const representations = skus.map((sku) => ({ __typename: 'Product', sku }));
    const { body } = await gateway.graphql(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { sku title price { amount } } } }',
      { r: representations },
      { path: '/federation' },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data._entities.map((entity: { sku: string }) => entity.sku)).toEqual(skus);
    expect(await stats()).toEqual({
      storefront: { listProducts: 1 },
      erp: {},
      billing: { BatchGetPrices: 1 },
    });

    await resetStats();
    const prices = await gateway.graphql(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Price { sku } } }',
      { r: skus.map((sku) => ({ __typename: 'Price', sku })) },
      { path: '/federation/billing' },
    );
    expect(prices.body.errors).toBeUndefined();
    expect(prices.body.data._entities).toHaveLength(50);
    expect(await stats()).toEqual({ storefront: {}, erp: {}, billing: { BatchGetPrices: 1 } });
  });

  it('an unknown key is a null entity, the others still arrive', async () => {
    const first = RANKED[0] as string;
    const { body } = await gateway.graphql(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { sku } } }',
      {
        r: [
          { __typename: 'Product', sku: first },
          { __typename: 'Product', sku: 'SKU-NOPE-1' },
        ],
      },
      { path: '/federation' },
    );
    expect(body.data._entities).toEqual([{ sku: first }, null]);
    expect(await stats()).toEqual({ storefront: { listProducts: 1 }, erp: {}, billing: {} });
  });
});

describe('hostile _entities input, refused before any backend call', () => {
  const entities =
    'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { sku title } } }';

  it('thousands of representations: LIMIT_REPRESENTATIONS_EXCEEDED', async () => {
    const representations = Array.from({ length: 5_000 }, (_, index) => ({
      __typename: 'Product',
      sku: `SKU-${String(index).padStart(5, '0')}`,
    }));
    const { body } = await gateway.graphql(
      entities,
      { r: representations },
      { path: '/federation' },
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('LIMIT_REPRESENTATIONS_EXCEEDED');
    expect(body.errors?.[0]?.message).toContain('at most 1000');
    expect(await stats()).toEqual({ storefront: {}, erp: {}, billing: {} });
  });

  it.each([
    ['a wrong __typename', [{ __typename: 'Sku', sku: 'SKU-00001' }], 'not an entity'],
    [
      'an __typename that is not a name',
      [{ __typename: '<script>', sku: 'SKU-00001' }],
      'no entity of this subgraph',
    ],
    ['no __typename', [{ sku: 'SKU-00001' }], 'no entity of this subgraph'],
    ['a missing key', [{ __typename: 'Product', id: 'prod_00001' }], 'needs its key "sku"'],
    [
      'a key that is an object',
      [{ __typename: 'Product', sku: { $gt: '' } }],
      'needs its key "sku"',
    ],
    [
      'an oversized key',
      [{ __typename: 'Product', sku: 'S'.repeat(10_000) }],
      'needs its key "sku"',
    ],
    ['a representation that is a string', ['Product:SKU-00001'], 'should be an object'],
  ])('%s: BAD_USER_INPUT', async (_name, representations, words) => {
    const { body } = await gateway.graphql(
      entities,
      { r: [{ __typename: 'Product', sku: RANKED[0] }, ...representations] },
      { path: '/federation' },
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toContain(words);
    expect(body.errors?.[0]?.message).not.toContain('<script>');
    expect(await stats()).toEqual({ storefront: {}, erp: {}, billing: {} });
  });

  it('has the edge of /graphql: the alias limit and the body limit', async () => {
    const many = `{ _entities(representations: []) { ... on Product { ${Array.from({ length: 20 }, (_, index) => `a${index}: sku`).join(' ')} } } }`;
    const aliases = await gateway.graphql(many, undefined, { path: '/federation' });
    expect(aliases.body.errors?.[0]?.extensions?.code).toBe('LIMIT_ALIASES_EXCEEDED');
    const tooBig = await gateway.fetch('/federation', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1_100_000) } }),
    });
    expect(tooBig.status).toBe(413);
    await tooBig.text();
    expect(await stats()).toEqual({ storefront: {}, erp: {}, billing: {} });
  });
});

describe('configuration', () => {
  it('is off by default: no /federation paths', async () => {
    const plain = await startGatewayOn(unifiedDemoConfig(systems, NO_READ_CACHE));
    try {
      expect(
        (await plain.graphql('{ _service { sdl } }', undefined, { path: '/federation' })).status,
      ).toBe(404);
      expect(
        (await plain.graphql('{ _service { sdl } }', undefined, { path: '/federation/storefront' }))
          .status,
      ).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
