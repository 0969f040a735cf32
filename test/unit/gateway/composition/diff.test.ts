/** diffComposed: which changes to the composed schema break callers, which may, which are safe. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ComposedSdlError,
  diffComposed,
  type Change,
} from '../../../../gateway/composition/diff.js';

const BASE = `
"The catalogue."
type Query {
  "One product."
  product(sku: ID!, currency: String): Product
  products(first: Int = 20, after: String): [Product!]!
}
type Mutation {
  placeOrder(input: PlaceOrderInput!): Order
}
input PlaceOrderInput {
  customerId: ID!
  note: String
}
"A product."
type Product {
  sku: ID!
  "The name shown to shoppers."
  title: String!
  brand: String
  status: ProductStatus!
  price: Money
}
type Order { id: ID! }
type Money { amount: String! }
enum ProductStatus { ACTIVE DRAFT ARCHIVED }
union SearchHit = Product | Order
`;

/** BASE with one text replaced; fails loudly when the text is not there, so a test cannot pass vacuously. */
function edit(from: string, to: string): string {
  expect(BASE).toContain(from);
  return BASE.replace(from, to);
}

const kinds = (changes: readonly Change[]): string[] =>
  changes.map((change) => `${change.type} ${change.path ?? '-'}`);

describe('diffComposed', () => {
  it('finds nothing between a schema and itself', () => {
    expect(diffComposed(BASE, BASE)).toEqual({ breaking: [], dangerous: [], safe: [] });
  });

  it('a removed field is breaking, with its coordinate', () => {
    const diff = diffComposed(BASE, edit('  brand: String\n', ''));
    expect(diff.breaking).toEqual([
      { type: 'FIELD_REMOVED', path: 'Product.brand', description: 'Product.brand was removed.' },
    ]);
    expect(diff.dangerous).toEqual([]);
    expect(diff.safe).toEqual([]);
  });

  it('an output field made nullable is breaking; made non-null is safe', () => {
    const loosened = diffComposed(BASE, edit('  title: String!\n', '  title: String\n'));
    expect(kinds(loosened.breaking)).toEqual(['FIELD_CHANGED_KIND Product.title']);
    expect(loosened.breaking[0]?.description).toBe(
      'Product.title changed type from String! to String.',
    );
    // The description is unchanged, and a breaking coordinate is not repeated as safe.
    expect(loosened.safe).toEqual([]);

    const tightened = diffComposed(BASE, edit('  brand: String\n', '  brand: String!\n'));
    expect(tightened.breaking).toEqual([]);
    expect(kinds(tightened.safe)).toEqual(['FIELD_TYPE_NARROWED Product.brand']);
  });

  it('a removed type and a removed enum value are breaking', () => {
    const diff = diffComposed(
      BASE,
      edit('type Money { amount: String! }\n', '')
        .replace('  price: Money\n', '')
        .replace(' ARCHIVED', ''),
    );
    expect(kinds(diff.breaking)).toEqual([
      'TYPE_REMOVED Money',
      'FIELD_REMOVED Product.price',
      'VALUE_REMOVED_FROM_ENUM ProductStatus.ARCHIVED',
    ]);
  });

  it('a type that changed kind is breaking', () => {
    const diff = diffComposed(BASE, edit('type Money { amount: String! }', 'scalar Money'));
    expect(kinds(diff.breaking)).toEqual(['TYPE_CHANGED_KIND Money']);
    expect(diff.safe).toEqual([]);
  });

  it('arguments: a required one added, one removed or made non-null is breaking; an optional one added is dangerous', () => {
    const diff = diffComposed(
      BASE,
      edit(
        'product(sku: ID!, currency: String)',
        'product(sku: ID!, currency: String!, region: String!)',
      ).replace(
        'products(first: Int = 20, after: String)',
        'products(first: Int = 20, before: String)',
      ),
    );
    expect(kinds(diff.breaking)).toEqual([
      'ARG_CHANGED_KIND Query.product(currency:)',
      'REQUIRED_ARG_ADDED Query.product(region:)',
      'ARG_REMOVED Query.products(after:)',
    ]);
    expect(kinds(diff.dangerous)).toEqual(['OPTIONAL_ARG_ADDED Query.products(before:)']);
  });

  it('an argument made nullable is safe; a changed default is dangerous', () => {
    const diff = diffComposed(
      BASE,
      edit('product(sku: ID!,', 'product(sku: ID,').replace('first: Int = 20', 'first: Int = 10'),
    );
    expect(diff.breaking).toEqual([]);
    expect(kinds(diff.dangerous)).toEqual(['ARG_DEFAULT_VALUE_CHANGE Query.products(first:)']);
    expect(kinds(diff.safe)).toEqual(['INPUT_TYPE_WIDENED Query.product(sku:)']);
  });

  it('input objects: a required field added is breaking, an optional one dangerous', () => {
    const diff = diffComposed(
      BASE,
      edit('  note: String\n}', '  note: String\n  channel: String!\n  coupon: String\n}'),
    );
    expect(kinds(diff.breaking)).toEqual(['REQUIRED_INPUT_FIELD_ADDED PlaceOrderInput.channel']);
    expect(kinds(diff.dangerous)).toEqual(['OPTIONAL_INPUT_FIELD_ADDED PlaceOrderInput.coupon']);
  });

  it('an added enum value and a union member are dangerous: clients may not handle them', () => {
    const diff = diffComposed(
      BASE,
      edit('ARCHIVED }', 'ARCHIVED DISCONTINUED }').replace(
        'union SearchHit = Product | Order',
        'union SearchHit = Product | Order | Money',
      ),
    );
    expect(diff.breaking).toEqual([]);
    expect(kinds(diff.dangerous)).toEqual([
      'VALUE_ADDED_TO_ENUM ProductStatus.DISCONTINUED',
      'TYPE_ADDED_TO_UNION SearchHit',
    ]);
  });

  it('a type removed from a union is breaking', () => {
    const diff = diffComposed(
      BASE,
      edit('union SearchHit = Product | Order', 'union SearchHit = Product'),
    );
    expect(kinds(diff.breaking)).toEqual(['TYPE_REMOVED_FROM_UNION SearchHit']);
  });

  it('added types and fields are safe and listed', () => {
    const diff = diffComposed(
      BASE,
      edit('  price: Money\n', '  price: Money\n  weightKg: String\n') +
        '\ntype Warehouse { code: ID! }\n',
    );
    expect(diff.breaking).toEqual([]);
    expect(diff.dangerous).toEqual([]);
    expect(diff.safe).toEqual([
      { type: 'FIELD_ADDED', path: 'Product.weightKg', description: 'Product.weightKg was added.' },
      { type: 'TYPE_ADDED', path: 'Warehouse', description: 'Warehouse was added.' },
    ]);
  });

  it('description-only changes are safe, at every level', () => {
    const diff = diffComposed(
      BASE,
      edit('"The name shown to shoppers."', '"The product name."')
        .replace('"A product."', '"A thing for sale."')
        .replace('"One product."\n', '')
        .replace('product(sku: ID!,', 'product("The SKU." sku: ID!,')
        .replace('"The catalogue."', '"The whole catalogue."'),
    );
    expect(diff.breaking).toEqual([]);
    expect(diff.dangerous).toEqual([]);
    expect(kinds(diff.safe)).toEqual([
      'DESCRIPTION_CHANGED Product',
      'DESCRIPTION_CHANGED Product.title',
      'DESCRIPTION_CHANGED Query',
      'DESCRIPTION_CHANGED Query.product',
      'DESCRIPTION_CHANGED Query.product(sku:)',
    ]);
  });

  it('deprecations are safe and say why', () => {
    const deprecated = diffComposed(
      BASE,
      edit('  brand: String\n', '  brand: String @deprecated(reason: "Use vendor.")\n'),
    );
    expect(deprecated.breaking).toEqual([]);
    expect(deprecated.safe).toEqual([
      {
        type: 'DEPRECATION_ADDED',
        path: 'Product.brand',
        description: 'Product.brand was deprecated: Use vendor.',
      },
    ]);
    const undeprecated = diffComposed(
      edit('  brand: String\n', '  brand: String @deprecated\n'),
      BASE,
    );
    expect(kinds(undeprecated.safe)).toEqual(['DEPRECATION_REMOVED Product.brand']);
  });

  it('a dropped or renamed root operation type is breaking', () => {
    const dropped = diffComposed(
      BASE,
      edit('type Mutation {\n  placeOrder(input: PlaceOrderInput!): Order\n}\n', ''),
    );
    expect(kinds(dropped.breaking)).toContain('ROOT_TYPE_CHANGED Mutation');
    const renamed = diffComposed(
      BASE,
      `schema { query: Root mutation: Mutation }\n${edit('type Query {', 'type Root {')}`,
    );
    expect(
      renamed.breaking.find((change) => change.type === 'ROOT_TYPE_CHANGED')?.description,
    ).toBe('The query root type changed from Query to Root.');
  });

  it('lists are sorted by coordinate, so the output is stable', () => {
    const diff = diffComposed(
      BASE,
      edit('  sku: ID!\n  "The name', '  "The name')
        .replace('type Order { id: ID! }', 'type Order { code: ID! }')
        .replace('  brand: String\n', ''),
    );
    const paths = diff.breaking.map((change) => change.path ?? '');
    expect(paths).toEqual(['Order.id', 'Product.brand', 'Product.sku']);
  });

  it('an unreadable side is a ComposedSdlError naming the side and the position', () => {
    expect(() => diffComposed('type Query {', BASE)).toThrowError(ComposedSdlError);
    try {
      diffComposed(BASE, 'type Query { a: Nope }');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ComposedSdlError);
      expect((error as ComposedSdlError).side).toBe('next');
      expect((error as ComposedSdlError).code).toBe('COMPOSED_SDL_INVALID');
      expect((error as Error).message).toMatch(
        /^The next composed schema is not valid SDL: Unknown type "Nope"/,
      );
    }
    try {
      diffComposed('type Query {\n  a: String\n', BASE);
      expect.unreachable();
    } catch (error) {
      expect((error as ComposedSdlError).side).toBe('previous');
      expect((error as ComposedSdlError).line).toBe(3);
    }
  });

  it('the committed commerce schema compared with itself has no changes (it parses as a composed schema would)', () => {
    // The binding directives are declared in directives.graphql; together the two build.
    const root = resolve(import.meta.dirname, '../../../..');
    const sdl = `${readFileSync(resolve(root, 'schema/commerce.graphql'), 'utf8')}\n${readFileSync(resolve(root, 'schema/directives.graphql'), 'utf8')}`;
    expect(diffComposed(sdl, sdl)).toEqual({ breaking: [], dangerous: [], safe: [] });
    const diff = diffComposed(
      sdl,
      sdl.replace('  "The name shown to shoppers."\n  title: String!\n', ''),
    );
    expect(kinds(diff.breaking)).toEqual(['FIELD_REMOVED Product.title']);
  });
});
