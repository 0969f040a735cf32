/**
 * @invalidates at composition: a mutation with @fetch may declare which
 * @entity it touches, with keys read from its arguments; every other use is
 * an issue at its file, line and column.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  composeSchema,
  formatCompositionIssue,
  type Composition,
} from '../../../../gateway/composition/index.js';
import {
  compileInvalidations,
  readInvalidation,
} from '../../../../gateway/composition/invalidates.js';
import type { Source } from '../../../../sources/common/index.js';
import { createRestSource } from '../../../../sources/rest/index.js';
import { parse, Kind, type ObjectTypeDefinitionNode } from 'graphql';

let sources: Source[];
beforeAll(async () => {
  sources = [
    await createRestSource({
      name: 'storefront',
      contract: 'demo/storefront/openapi.yaml',
      url: 'http://127.0.0.1:1',
    }),
  ];
});
afterAll(async () => {
  await Promise.all(sources.map((source) => source.close()));
});

const BASE = [
  'type Query { product(sku: ID!): Product @fetch(source: "storefront", operation: "getProductBySku", args: { sku: "$args.sku" }) }',
  'type Product @entity(key: "sku") { sku: ID! title: String! }',
  'input LineInput { sku: ID! quantity: Int! }',
  'input OrderInput { customerId: ID! lines: [LineInput!]! }',
  'type Order { id: ID! }',
];

function compose(mutation: string): Composition {
  const sdl = [
    ...BASE,
    'type Mutation {',
    `  placeOrder(input: OrderInput!): Order @fetch(source: "storefront", operation: "createOrder", args: { input: { customerId: "$args.input.customerId", lines: "$args.input.lines" } })`,
    `    ${mutation}`,
    '}',
  ].join('\n');
  return composeSchema({ documents: [{ file: 'm.graphql', sdl }], sources });
}

function lines(composition: Composition): string[] {
  return composition.ok ? [] : composition.errors.map(formatCompositionIssue);
}

describe('@invalidates at composition', () => {
  it('accepts an entity and a path through the input types to a scalar, and hides the directive from callers', () => {
    const composition = compose('@invalidates(entity: "Product", keys: "$args.input.lines.sku")');
    expect(lines(composition)).toEqual([]);
    if (composition.ok) expect(composition.composedSdl).not.toContain('@invalidates');
  });

  it('reports an unknown entity with the closest @entity types', () => {
    expect(
      lines(compose('@invalidates(entity: "Produkt", keys: "$args.input.lines.sku")')),
    ).toEqual([
      'm.graphql:8:26 BINDING_UNKNOWN_ENTITY Mutation.placeOrder invalidates "Produkt", which is not an @entity type. Fix: use "Product", the closest @entity types that exist.',
    ]);
  });

  it('reports a path that is not $args, an unknown argument, an unknown field and a path that ends on an object, each at its place', () => {
    const codes = (text: string): string[] =>
      lines(compose(text)).map((line) => line.split(' ').slice(0, 2).join(' '));
    expect(codes('@invalidates(entity: "Product", keys: "$parent.sku")')).toEqual([
      'm.graphql:8:44 BINDING_BAD_REFERENCE',
    ]);
    expect(codes('@invalidates(entity: "Product", keys: "$args.input..sku")')).toEqual([
      'm.graphql:8:56 BINDING_BAD_REFERENCE',
    ]);
    expect(codes('@invalidates(entity: "Product", keys: "$args.order.sku")')).toEqual([
      'm.graphql:8:43 BINDING_BAD_REFERENCE',
    ]);
    expect(codes('@invalidates(entity: "Product", keys: "$args.input.lines.skus")')).toEqual([
      'm.graphql:8:43 BINDING_UNKNOWN_FIELD',
    ]);
    expect(codes('@invalidates(entity: "Product", keys: "$args.input.lines")')).toEqual([
      'm.graphql:8:43 BINDING_TYPE_MISMATCH',
    ]);
  });

  it('refuses @invalidates on a query field', () => {
    const sdl = [
      ...BASE.slice(1),
      'type Query { product(sku: ID!): Product @fetch(source: "storefront", operation: "getProductBySku", args: { sku: "$args.sku" }) @invalidates(entity: "Product", keys: "$args.sku") }',
    ].join('\n');
    expect(
      lines(composeSchema({ documents: [{ file: 'q.graphql', sdl }], sources })).map(
        (line) => line.split(' ')[1],
      ),
    ).toEqual(['BINDING_WRONG_ROOT']);
  });
});

describe('the keys a mutation touches', () => {
  it("reads every line's SKU once, and leaves nulls out", () => {
    const type = parse(
      'type M { f: Int @invalidates(entity: "Product", keys: "$args.input.lines.sku") @invalidates(entity: "Customer", keys: "$args.input.customerId") }',
    ).definitions[0] as ObjectTypeDefinitionNode;
    const directives =
      type.kind === Kind.OBJECT_TYPE_DEFINITION ? (type.fields?.[0]?.directives ?? []) : [];
    const bindings = directives.map((directive) => readInvalidation(directive, [])!);
    const touched = compileInvalidations(bindings)({
      input: {
        customerId: 'cus_1',
        lines: [{ sku: 'A' }, { sku: 'B' }, { sku: 'A' }, { sku: null }],
      },
    });
    expect(touched).toEqual([
      { entity: 'Product', keys: ['A', 'B'] },
      { entity: 'Customer', keys: ['cus_1'] },
    ]);
  });
});
