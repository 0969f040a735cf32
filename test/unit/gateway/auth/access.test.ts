/**
 * Scope rules executed for real: a schema with the scope directives, its
 * resolvers counting what would be backend calls, and a Caller built here
 * as the context. Covers fragments, aliases, interfaces, unions, nested
 * paths, root fields, introspection per view, and the composition check.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  execute,
  getIntrospectionQuery,
  parse,
  printSchema,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAccessControl, type AccessControl } from '../../../../gateway/auth/access.js';
import type { Caller } from '../../../../gateway/auth/index.js';
import {
  BINDING_DIRECTIVES_SDL,
  readAccessRules,
  type CompositionIssue,
} from '../../../../gateway/composition/index.js';

const SDL = /* GraphQL */ `
  type Query {
    product(sku: ID!): Product @requiresScopes(scopes: [["catalog:read"]])
    order(id: ID!): Order
    search(text: String!): [SearchHit!]! @requiresScopes(scopes: [["catalog:read"]])
    node(id: ID!): Node @requiresScopes(scopes: [["catalog:read"]])
    whoami: String @authenticated
  }
  type Mutation {
    placeOrder(sku: ID!): Order @requiresScopes(scopes: [["orders:write"]])
  }
  interface Node {
    id: ID!
  }
  type Product implements Node {
    id: ID!
    title: String!
    price: Money @requiresScopes(scopes: [["prices:read"], ["admin"]])
  }
  type Money {
    amount: String!
  }
  type Order implements Node @requiresScopes(scopes: [["orders:read"]]) {
    id: ID!
    lines: [Line!]!
  }
  type Line {
    product: Product
  }
  union SearchHit = Product | Order
  type Secret @authenticated {
    value: String!
  }
`;

/** What each resolver was asked, as a backend would count calls. */
const calls = new Map<string, number>();
const count = (name: string): void => {
  calls.set(name, (calls.get(name) ?? 0) + 1);
};

const product = { id: 'p1', title: 'Shoe' };
const order = { id: 'o1', lines: [{ sku: 'p1' }, { sku: 'p2' }] };

function build(): { schema: GraphQLSchema; access: AccessControl } {
  const schema = makeExecutableSchema({
    typeDefs: [BINDING_DIRECTIVES_SDL, SDL],
    resolvers: {
      Query: {
        product: () => (count('product'), product),
        order: () => (count('order'), order),
        search: () => (
          count('search'),
          [
            { __typename: 'Product', ...product },
            { __typename: 'Order', ...order },
          ]
        ),
        node: () => (count('node'), { __typename: 'Product', ...product }),
        whoami: () => 'me',
      },
      Mutation: { placeOrder: () => (count('placeOrder'), order) },
      Product: { price: () => (count('price'), { amount: '9.99' }) },
      Line: {
        product: (line: { sku: string }) => (
          count('line.product'),
          { id: line.sku, title: line.sku }
        ),
      },
      Node: { __resolveType: (value: { __typename: string }) => value.__typename },
      SearchHit: { __resolveType: (value: { __typename: string }) => value.__typename },
    },
  });
  const errors: CompositionIssue[] = [];
  const rules = readAccessRules(schema, errors);
  expect(errors).toEqual([]);
  return { schema, access: createAccessControl(schema, rules) };
}

function caller(scopes: string[], kind: Caller['kind'] = 'token'): Caller {
  return {
    kind,
    id: kind === 'token' ? 'tok_1' : 'anonymous',
    scopes: new Set(scopes),
    address: '127.0.0.1',
  };
}

let schema: GraphQLSchema;
let access: AccessControl;
beforeEach(() => {
  calls.clear();
  ({ schema, access } = build());
});

async function run(
  query: string,
  who: Caller,
  variables?: Record<string, unknown>,
): Promise<ExecutionResult> {
  return (await execute({
    schema,
    document: parse(query),
    contextValue: { caller: who },
    variableValues: variables,
  })) as ExecutionResult;
}

function codesAt(result: ExecutionResult): Record<string, unknown> {
  return Object.fromEntries(
    (result.errors ?? []).map((error) => [
      error.path?.join('.'),
      error.originalError && 'code' in error.originalError
        ? (error.originalError as { code: string }).code
        : error.extensions.code,
    ]),
  );
}

describe('field rules on every path', () => {
  it('nulls a field the caller may not see, with FORBIDDEN at its path, and never runs its resolver', async () => {
    const result = await run(
      '{ product(sku: "p1") { title price { amount } } }',
      caller(['catalog:read']),
    );
    expect(result.data).toEqual({ product: { title: 'Shoe', price: null } });
    expect(codesAt(result)).toEqual({ 'product.price': 'FORBIDDEN' });
    expect(calls.get('product')).toBe(1);
    expect(calls.get('price')).toBeUndefined();
  });

  it('accepts any one alternative set', async () => {
    for (const scopes of [
      ['catalog:read', 'prices:read'],
      ['catalog:read', 'admin'],
    ]) {
      const result = await run('{ product(sku: "p1") { price { amount } } }', caller(scopes));
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ product: { price: { amount: '9.99' } } });
    }
  });

  it('holds through aliases, named and inline fragments', async () => {
    const query = `
      query { a: product(sku: "p1") { ...P } b: product(sku: "p1") { ... on Product { cheap: price { amount } } } }
      fragment P on Product { title expensive: price { amount } }`;
    const result = await run(query, caller(['catalog:read']));
    expect(result.data).toEqual({ a: { title: 'Shoe', expensive: null }, b: { cheap: null } });
    expect(codesAt(result)).toEqual({ 'a.expensive': 'FORBIDDEN', 'b.cheap': 'FORBIDDEN' });
    expect(calls.get('price')).toBeUndefined();
  });

  it('holds on a nested path: order.lines.product.price needs what Product.price needs', async () => {
    const result = await run(
      '{ order(id: "o1") { lines { product { title price { amount } } } } }',
      caller(['orders:read']),
    );
    expect(result.data).toEqual({
      order: {
        lines: [
          { product: { title: 'p1', price: null } },
          { product: { title: 'p2', price: null } },
        ],
      },
    });
    expect(codesAt(result)).toEqual({
      'order.lines.0.product.price': 'FORBIDDEN',
      'order.lines.1.product.price': 'FORBIDDEN',
    });
    expect(calls.get('price')).toBeUndefined();
  });

  it('applies a type rule to every field returning the type (Query.order needs orders:read)', async () => {
    const result = await run('{ order(id: "o1") { id } }', caller(['catalog:read']));
    expect(result.data).toEqual({ order: null });
    expect(codesAt(result)).toEqual({ order: 'FORBIDDEN' });
    expect(calls.get('order')).toBeUndefined();
  });

  it("holds through interfaces and unions: a union field needs every member type's rule", async () => {
    const union = await run(
      '{ search(text: "x") { ... on Product { title } ... on Order { id } } }',
      caller(['catalog:read']),
    );
    expect(codesAt(union)).toEqual({ search: 'FORBIDDEN' });
    expect(calls.get('search')).toBeUndefined();
    const both = await run(
      '{ search(text: "x") { ... on Product { title } ... on Order { id } } }',
      caller(['catalog:read', 'orders:read']),
    );
    expect(both.errors).toBeUndefined();
    const viaInterface = await run(
      '{ node(id: "p1") { id ... on Product { price { amount } } } }',
      caller(['catalog:read', 'orders:read']),
    );
    expect(codesAt(viaInterface)).toEqual({ 'node.price': 'FORBIDDEN' });
    expect(calls.get('price')).toBeUndefined();
  });

  it('@authenticated needs a token, whatever the scopes', async () => {
    expect(codesAt(await run('{ whoami }', caller(['catalog:read'], 'anonymous')))).toEqual({
      whoami: 'FORBIDDEN',
    });
    expect((await run('{ whoami }', caller([], 'token'))).data).toEqual({ whoami: 'me' });
  });

  it('guards a mutation field before its resolver runs', async () => {
    const result = await run('mutation { placeOrder(sku: "p1") { id } }', caller(['orders:read']));
    expect(codesAt(result)).toEqual({ placeOrder: 'FORBIDDEN' });
    expect(calls.get('placeOrder')).toBeUndefined();
  });

  it('says which scopes would open the field', async () => {
    const result = await run(
      '{ product(sku: "p1") { price { amount } } }',
      caller(['catalog:read']),
    );
    expect(result.errors?.[0]?.message).toBe(
      'Not allowed: Product.price needs the scopes prices:read | admin.',
    );
  });

  it('computes one view per distinct scope set; scopes no rule names do not make new views', () => {
    const one = access.viewOf(caller(['catalog:read', 'unrelated:x']));
    const two = access.viewOf(caller(['catalog:read']));
    expect(one).toBe(two);
    expect(access.viewOf(caller(['catalog:read'], 'anonymous'))).not.toBe(two);
    expect(access.scopes).toEqual([
      'admin',
      'catalog:read',
      'orders:read',
      'orders:write',
      'prices:read',
    ]);
  });

  it('refuses a context without a caller', async () => {
    const result = (await execute({
      schema,
      document: parse('{ product(sku: "p1") { id } }'),
      contextValue: {},
    })) as ExecutionResult;
    expect(codesAt(result)).toEqual({ product: 'FORBIDDEN' });
  });
});

describe('the schema a view introspects', () => {
  it('holds only what the view may see', () => {
    const sdl = printSchema(access.viewOf(caller(['catalog:read'])).schema());
    expect(sdl).toContain('product(sku: ID!): Product');
    expect(sdl).not.toMatch(/price|Money|Order|placeOrder|Mutation|search|node\(|Secret/);
    expect(sdl).toContain('whoami'); // a token caller
    const full = printSchema(
      access
        .viewOf(caller(['catalog:read', 'prices:read', 'orders:read', 'orders:write']))
        .schema(),
    );
    expect(full).toMatch(/price: Money/);
    expect(full).toMatch(/placeOrder/);
  });

  it('is a valid schema that answers the introspection query, also for a view that may see nothing', async () => {
    for (const who of [caller([], 'anonymous'), caller(['catalog:read'])]) {
      const view = access.viewOf(who).schema();
      const result = (await execute({
        schema: view,
        document: parse(getIntrospectionQuery()),
      })) as ExecutionResult;
      expect(result.errors).toBeUndefined();
    }
    const nothing = printSchema(access.viewOf(caller([], 'anonymous')).schema());
    expect(nothing).not.toMatch(/product|order|search|Product|Order/);
  });

  it('is built once per view', () => {
    const view = access.viewOf(caller(['catalog:read']));
    expect(view.schema()).toBe(view.schema());
  });
});

describe('composition check', () => {
  it('refuses empty alternatives, empty sets and malformed scopes as SCOPES_INVALID', () => {
    const bad = makeExecutableSchema({
      typeDefs: [
        BINDING_DIRECTIVES_SDL,
        'type Query { a: Int @requiresScopes(scopes: []) b: Int @requiresScopes(scopes: [[]]) c: Int @requiresScopes(scopes: [["has space"]]) d: Int @requiresScopes(scopes: [["ok:read"]]) }',
      ],
    });
    const errors: CompositionIssue[] = [];
    const rules = readAccessRules(bad, errors);
    expect(errors.map((error) => error.code)).toEqual([
      'SCOPES_INVALID',
      'SCOPES_INVALID',
      'SCOPES_INVALID',
    ]);
    expect(rules.get('Query.d')).toEqual({ authenticated: false, scopes: [['ok:read']] });
  });
});
