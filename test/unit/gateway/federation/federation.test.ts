/**
 * Federation subgraphs of a source, on the in-process memory source: the
 * entity a batch lookup defines, its @key, references batched into one
 * invokeMany, the mutation switch, and the operation name the request log reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../../../gateway/index.js';
import { operationNameOf } from '../../../../gateway/plugins/request-log.js';
import { createMemorySource, type MemorySource } from '../fixtures/memory-source.js';

let shop: MemorySource;
let gateway: Gateway;

async function graphql(
  path: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}> {
  const response = await gateway.fetch(
    new Request(`http://gateway.test${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    }),
  );
  return (await response.json()) as never;
}

beforeAll(async () => {
  shop = createMemorySource('shop');
  gateway = await createGateway({
    sources: [shop],
    logging: { level: 'silent' },
    federation: { enabled: true, sources: 'read-write', maxRepresentations: 10 },
  });
});

afterAll(async () => {
  await gateway.close();
});

describe('a source as a federation subgraph', () => {
  it('keys the type its batch lookup returns by the batch key, keeps mutations when read-write, drops subscriptions', async () => {
    const { data } = await graphql('/federation/shop', '{ _service { sdl } }');
    const sdl = data._service.sdl as string;
    expect(sdl).toMatch(/type Product\s+@key\(fields: "id"\)/);
    expect(sdl).not.toMatch(/type Category\s+@key/);
    expect(sdl).toMatch(/type Mutation/);
    expect(sdl).not.toMatch(/type Subscription/);
  });

  it('resolves references through one invokeMany, in order, unknown keys as null', async () => {
    const before = shop.batches.length;
    const { data } = await graphql(
      '/federation/shop',
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id title } } }',
      {
        r: ['p3', 'p1', 'p99', 'p2'].map((id) => ({ __typename: 'Product', id })),
      },
    );
    expect(data._entities).toEqual([
      { id: 'p3', title: 'Product 3' },
      { id: 'p1', title: 'Product 1' },
      null,
      { id: 'p2', title: 'Product 2' },
    ]);
    expect(shop.batches.slice(before)).toEqual([['p3', 'p1', 'p99', 'p2']]);
  });

  it('refuses more representations than federation.maxRepresentations, before the source is called', async () => {
    const before = shop.batches.length;
    const { errors } = await graphql(
      '/federation/shop',
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id } } }',
      {
        r: Array.from({ length: 11 }, (_, index) => ({
          __typename: 'Product',
          id: `p${index + 1}`,
        })),
      },
    );
    expect(errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_REPRESENTATIONS_EXCEEDED',
      limit: 10,
    });
    expect(shop.batches.length).toBe(before);
  });
});

describe('operationNameOf', () => {
  it.each([
    [{ operationName: 'Chosen', query: 'query Other { a }' }, 'Chosen'],
    [{ query: 'query ProductPage($sku: ID!) { a }' }, 'ProductPage'],
    [{ query: '# a comment\n  mutation Place { a }' }, 'Place'],
    [{ query: '{ a }' }, undefined],
    [{ query: 'query { a }' }, undefined],
    [{}, undefined],
  ])('%o → %s', (params, name) => {
    expect(operationNameOf(params)).toBe(name);
  });
});
