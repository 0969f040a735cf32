/**
 * composeSchema against the real contracts of the demo systems (read
 * offline: no backend is called), on the commerce schema and on fixtures
 * with one broken binding of each kind.
 */
import { readFileSync } from 'node:fs';
import { parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, GatewayError } from '../../../../gateway/index.js';
import {
  BINDING_DIRECTIVES_SDL,
  composeSchema,
  formatCompositionIssue,
  type Composition,
} from '../../../../gateway/composition/index.js';
import type { Source } from '../../../../sources/common/index.js';
import { createGrpcSource } from '../../../../sources/grpc/index.js';
import { createRestSource } from '../../../../sources/rest/index.js';
import { createSoapSource } from '../../../../sources/soap/index.js';

const root = new URL('../../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** Nothing listens on port 1: these sources are only read for their contracts. */
function offlineSources(): Array<Promise<Source>> {
  return [
    createRestSource({
      name: 'storefront',
      contract: 'demo/storefront/openapi.yaml',
      url: 'http://127.0.0.1:1',
    }),
    createSoapSource({ name: 'erp', contract: 'demo/erp/erp.wsdl', url: 'http://127.0.0.1:1/erp' }),
    createGrpcSource({
      name: 'billing',
      contract: 'demo/billing/proto/billing/v1/billing.proto',
      includeDirs: ['demo/billing/proto'],
      url: '127.0.0.1:1',
    }),
  ];
}

let sources: Source[];
beforeAll(async () => {
  sources = await Promise.all(offlineSources());
});
afterAll(async () => {
  await Promise.all(sources.map((source) => source.close()));
});

function compose(file: string, sdl = read(file)): Composition {
  return composeSchema({ documents: [{ file, sdl }], sources });
}

function lines(composition: Composition): string[] {
  return composition.ok ? [] : composition.errors.map(formatCompositionIssue);
}

describe('composeSchema on schema/commerce.graphql', () => {
  it('composes without errors or warnings', () => {
    const composition = compose('schema/commerce.graphql');
    expect(lines(composition)).toEqual([]);
    expect(composition.warnings).toEqual([]);
  });

  it('shows callers no binding directive', () => {
    const composition = compose('schema/commerce.graphql');
    if (!composition.ok) throw new Error('expected a composition');
    expect(composition.composedSdl).not.toMatch(
      /@(fetch|from|compute|connection|entity|enumFrom|constraint)\b|_Bindings/,
    );
    expect(composition.composedSdl).toContain('product(\n    """\n    The stock-keeping unit');
    expect(composition.schema.getDirective('fetch')).toBeUndefined();
  });

  it("carries the contracts' limits to the unified arguments they feed, tightened by the schema's own @constraint", () => {
    const composition = compose('schema/commerce.graphql');
    if (!composition.ok) throw new Error('expected a composition');
    const { constraints } = composition;
    // product(sku:) states only maxLength 64; the storefront's getProductBySku(sku:) adds its pattern.
    expect(constraints.get('Query.product(sku:)')).toMatchObject({ maxLength: 64 });
    expect(constraints.get('Query.product(sku:)')?.pattern?.test('SKU-00001')).toBe(true);
    expect(constraints.get('Query.product(sku:)')?.pattern?.test('../orders')).toBe(false);
    expect(constraints.get('Query.products(first:)')).toEqual({ min: 1, max: 200 });
    // Input objects bound whole are matched field by field: OrderLineInput.quantity from the OpenAPI (1..100).
    expect(constraints.get('OrderLineInput.quantity')).toEqual({ min: 1, max: 100 });
    expect(constraints.get('PlaceOrderInput.lines')).toEqual({ minItems: 1, maxItems: 50 });
  });

  it('prints the same SDL every time, equal to the committed schema/commerce.composed.graphql', () => {
    const first = compose('schema/commerce.graphql');
    const second = compose('schema/commerce.graphql');
    if (!first.ok || !second.ok) throw new Error('expected a composition');
    expect(second.composedSdl).toBe(first.composedSdl);
    expect(read('schema/commerce.composed.graphql')).toBe(first.composedSdl);
  });

  it('has built-in directives equal to schema/directives.graphql', () => {
    expect(print(parse(read('schema/directives.graphql')))).toBe(
      print(parse(BINDING_DIRECTIVES_SDL)),
    );
  });
});

describe('composeSchema on broken bindings', () => {
  const file = 'test/fixtures/unified/broken-binding.graphql';

  it('reports each broken binding at its file, line and column, in order', () => {
    const found = lines(compose(file));
    expect(found.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual([
      `${file}:5:5 BINDING_UNKNOWN_OPERATION`,
      `${file}:7:5 BINDING_UNKNOWN_SOURCE`,
      `${file}:8:114 BINDING_UNKNOWN_ARGUMENT`,
      `${file}:9:88 BINDING_BAD_REFERENCE`,
      `${file}:14:3 BINDING_UNKNOWN_FIELD`,
      `${file}:15:19 BINDING_TYPE_MISMATCH`,
      `${file}:16:47 BINDING_BAD_EXPRESSION`,
      `${file}:17:80 BINDING_UNKNOWN_FIELD`,
      `${file}:23:3 BINDING_NULLABILITY`,
      `${file}:31:3 BINDING_TYPE_MISMATCH`,
      `${file}:35:1 BINDING_ENUM_UNMAPPED`,
    ]);
    expect(found[0]).toBe(
      `${file}:5:5 BINDING_UNKNOWN_OPERATION Query.product calls storefront.getProductBySKU, which storefront does not have as a query. Fix: use "getProductBySku", the closest storefront query operations that exist.`,
    );
    expect(found[4]).toMatch(
      /Product\.name reads "name", but storefront's Product has no field "name"\. Fix: .*"title"/,
    );
    expect(found[5]).toContain(
      "a list of erp's StockLevel, but Product.stockLevel is a single Int",
    );
    expect(found[9]).toContain("billing's BigInt, but Money.amountMinor is Int");
    expect(found[10]).toContain('"INVOICE_STATUS_VOID"');
  });

  it('reports a malformed SDL as SCHEMA_INVALID at its place', () => {
    expect(lines(compose('bad.graphql', 'type Query {\n  a: Nope\n}\n'))).toEqual([
      expect.stringMatching(/^bad\.graphql:2:6 SCHEMA_INVALID Unknown type "Nope"/),
    ]);
    expect(lines(compose('bad.graphql', 'type Query {\n  a: \n'))).toEqual([
      expect.stringMatching(/^bad\.graphql:3:1 SCHEMA_INVALID Syntax Error/),
    ]);
  });

  it('reports a bad @from path at the exact character, a write bound from Query, and a required argument left out', () => {
    const sdl = [
      'type Query {',
      '  a: Product @fetch(source: "storefront", operation: "createOrder", args: {})',
      '  b: Product @fetch(source: "storefront", operation: "getProductBySku")',
      '  c: Product @fetch(source: "storefront", operation: "getProductBySku", args: { sku: "$args.sku" })',
      '}',
      'type Product { title: String @from(path: "a..b") }',
    ].join('\n');
    expect(
      lines(compose('x.graphql', sdl)).map((line) => line.split(' ').slice(0, 2).join(' ')),
    ).toEqual([
      'x.graphql:2:14 BINDING_WRONG_ROOT',
      'x.graphql:3:14 BINDING_MISSING_ARGUMENT',
      'x.graphql:4:86 BINDING_BAD_REFERENCE',
      'x.graphql:6:45 BINDING_BAD_PATH',
    ]);
  });

  it('reports an @entity key that a feeding source type lacks', () => {
    const sdl = [
      'type Query { item(code: ID!): Item @fetch(source: "erp", operation: "getItem", args: { itemCode: "$args.code" }) }',
      'type Item @entity(key: "sku") { description: String! }',
    ].join('\n');
    expect(lines(compose('e.graphql', sdl))).toEqual([
      'e.graphql:2:11 BINDING_ENTITY_KEY Item is an entity keyed by "sku", but erp\'s Item, which feeds it, has no field "sku". Fix: bind Item only to source types that carry "sku", or change the key.',
    ]);
  });

  it('reports an @ownedBy field a feeding source type lacks, and a @fetch reading more of the caller than its partner', () => {
    const sdl = [
      'type Query { order(id: ID!): Order @fetch(source: "storefront", operation: "getOrder", args: { orderId: "$args.id" })',
      '  mine: Order @fetch(source: "storefront", operation: "getOrder", args: { orderId: "$caller.id" }) }',
      'type Order @ownedBy(field: "partnerId") { id: ID! }',
    ].join('\n');
    const found = lines(compose('o.graphql', sdl));
    expect(found).toContainEqual(
      expect.stringMatching(
        /^o\.graphql:3:12 BINDING_OWNER_FIELD Order is owned by "partnerId", but storefront's Order, which feeds it, has no single value there\./,
      ),
    );
    expect(found).toContainEqual(
      expect.stringMatching(
        /^o\.graphql:2:\d+ BINDING_BAD_REFERENCE Query\.mine passes "\$caller\.id", but a @fetch may read only "\$caller\.partner"\./,
      ),
    );
  });

  it("composes the commerce schema's ownership: Order is owned by the storefront's channel", () => {
    const composition = compose('schema/commerce.graphql');
    expect(lines(composition)).toEqual([]);
    const bad = read('schema/commerce.graphql').replace(
      '@ownedBy(field: "channel")',
      '@ownedBy(field: "lines")',
    );
    expect(lines(compose('schema/commerce.graphql', bad))).toEqual([
      expect.stringMatching(
        /^schema\/commerce\.graphql:\d+:55 BINDING_OWNER_FIELD Order is owned by "lines", but storefront's Order/,
      ),
    ]);
  });

  it('stops the gateway from starting with COMPOSITION_FAILED listing every issue', async () => {
    const failed = await createGateway({
      sources: offlineSources(),
      schema: file,
      logging: { level: 'silent' },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(GatewayError);
    expect((failed as GatewayError).code).toBe('COMPOSITION_FAILED');
    expect((failed as GatewayError).message).toContain(`${file}:5:5 BINDING_UNKNOWN_OPERATION`);
    expect((failed as GatewayError).message).toContain(`${file}:35:1 BINDING_ENUM_UNMAPPED`);
  });
});
