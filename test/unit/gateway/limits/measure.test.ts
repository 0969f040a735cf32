/**
 * The operation's measure: list sizes from literals and from variables,
 * the page's own list counted once, fragments measured linearly, hostile
 * documents and variables.
 */
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIST_SIZE, measureOperation } from '../../../../gateway/limits/index.js';

// No @constraint here: only the cost stands between `first: $n` and the backend.
const schema = buildSchema(`
  type Query {
    items(first: Int = 20, after: String): ItemConnection!
    tags: [String!]!
    children: [Item!]!
    item(id: ID!): Item
  }
  type ItemConnection { edges: [ItemEdge!]! }
  type ItemEdge { node: Item! cursor: String }
  type Item { id: ID! name: String! parts(limit: Int): [Item!]! }
`);

const measure = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  measureOperation(schema, parse(query), operationName, variables);

describe('measureOperation', () => {
  it('counts a leaf 1 and an object 2 plus its selection', () => {
    expect(measure('{ item(id: "1") { id name } }')).toEqual({ cost: 4, depth: 2, aliases: 0 });
  });

  it("multiplies a page by its literal size, counting the page's own list once", () => {
    // items: 2 + 5 × (edges: 2 + (node: 2 + 1))
    expect(measure('{ items(first: 5) { edges { node { id } } } }')?.cost).toBe(2 + 5 * (2 + 3));
  });

  it('takes the size from a variable, so first: $n = 1,000,000 costs a million items', () => {
    const query = 'query ($n: Int) { items(first: $n) { edges { node { id name } } } }';
    expect(measure(query, { n: 2 })?.cost).toBe(2 + 2 * (2 + 4));
    expect(measure(query, { n: 1_000_000 })?.cost).toBe(2 + 1_000_000 * (2 + 4));
  });

  it("uses the argument's default when the caller gives none", () => {
    expect(measure('{ items { edges { node { id } } } }')?.cost).toBe(2 + 20 * (2 + 3));
  });

  it('multiplies a list without a size by the default list size, and nested sizes multiply', () => {
    expect(measure('{ children { id } }')?.cost).toBe(2 + DEFAULT_LIST_SIZE * 1);
    expect(
      measure(
        'query ($n: Int, $m: Int) { items(first: $n) { edges { node { parts(limit: $m) { id } } } } }',
        { n: 10, m: 100 },
      )?.cost,
    ).toBe(2 + 10 * (2 + (2 + (2 + 100 * 1))));
  });

  it('counts aliases and depth through fragments', () => {
    const result = measure(
      'query { a: item(id: "1") { ...F } b: item(id: "2") { ...F } } fragment F on Item { x: id y: name parts { id } }',
    );
    expect(result?.aliases).toBe(2 + 2 * 2);
    expect(result?.depth).toBe(3);
  });

  it('measures fragments spread inside fragments linearly, not exponentially', () => {
    // 40 levels, each spreading the next twice: 2^40 fields if expanded naively.
    const levels = Array.from(
      { length: 40 },
      (_, i) => `fragment L${i} on Item { ...L${i + 1} ...L${i + 1} }`,
    );
    const query = `{ item(id: "1") { ...L0 } } ${levels.join(' ')} fragment L40 on Item { id }`;
    const result = measure(query);
    expect(result?.cost).toBe(2 + 2 ** 40);
  });

  it('is undefined for variables that do not coerce or an unknown operation (execution reports those)', () => {
    expect(
      measure('query ($n: Int) { items(first: $n) { edges { cursor } } }', { n: 'many' }),
    ).toBeUndefined();
    expect(measure('query A { tags }', {}, 'B')).toBeUndefined();
  });

  it('treats a huge or negative size as a number, never as a crash', () => {
    expect(
      measure('query ($n: Int) { items(first: $n) { edges { cursor } } }', { n: 2_147_483_647 })
        ?.cost,
    ).toBeGreaterThan(1e9);
    expect(
      measure('query ($n: Int) { items(first: $n) { edges { cursor } } }', { n: -5 })?.cost,
    ).toBe(2);
  });

  it('leaves introspection free', () => {
    expect(measure('{ __schema { types { name fields { name } } } }')?.cost).toBe(0);
  });
});
