/**
 * Issue 14: XSD facets become @constraint on the SOAP subgraph's arguments
 * and input fields (test/fixtures/wsdl/facets/facets.wsdl), so bad values
 * stop at the edge; what JavaScript cannot check the same way is left out
 * with a contract warning.
 */
import { buildASTSchema, print, type GraphQLSchema } from 'graphql';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Source } from '../../../../sources/common/index.js';
import { createSoapSource } from '../../../../sources/soap/index.js';

const FACETS = fileURLToPath(new URL('../../../fixtures/wsdl/facets/facets.wsdl', import.meta.url));
const ERP = fileURLToPath(new URL('../../../../demo/erp/erp.wsdl', import.meta.url));

/** `name: Type @constraint(...)` of every constrained argument and input field, by its line. */
function constrained(source: Source): string[] {
  return print(source.typeDefs)
    .split('\n')
    .filter((line) => line.includes('@constraint(') && !line.startsWith('directive'))
    .map((line) => line.trim());
}

describe('XSD facets → @constraint', () => {
  let facets: Source;
  beforeAll(async () => {
    facets = await createSoapSource({ name: 'facets', contract: FACETS });
  });

  it('prints ranges, lengths, patterns and occurrence bounds, through chains of restrictions', () => {
    const lines = constrained(facets);
    const placeOrder = lines.find((line) => line.startsWith('placeOrder(')) ?? '';
    expect(placeOrder).toContain('customer: String! @constraint(minLength: 3, maxLength: 20)');
    expect(placeOrder).toContain('line: [LineInput!]! @constraint(minItems: 1, maxItems: 5)');
    expect(placeOrder).toContain('tag: [String!] @constraint(maxItems: 3)');
    // built-in types imply their own range, in digits where a double would round it
    expect(placeOrder).toContain('priority: Int @constraint(min: 0, max: 255)');
    expect(placeOrder).toContain('serial: BigInt @constraint(min: 0, max: 18446744073709551615)');
    // XSD ^ and $ are ordinary characters; . excludes only CR and LF; \s is four characters
    expect(placeOrder).toContain(
      String.raw`literal: String @constraint(pattern: "\\$\\^[^\\n\\r][ \\t\\n\\r]?")`,
    );
    // an untranslatable pattern is left out, its sibling facets kept
    expect(placeOrder).toContain('name: String @constraint(maxLength: 40)');
    expect(placeOrder).toContain('latin: String,');
    expect(placeOrder).toContain('consonants: String,');
    // a derived restriction tightens its base (rpc part with type=)
    expect(lines).toContain(
      'scale(factor: Int! @constraint(min: 1, max: 1000, exclusiveMax: 100)): Int',
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        // two restriction steps: both patterns must hold
        String.raw`code: String! @constraint(maxLength: 8, pattern: "(?=(?:E[^\\n\\r]*)$)(?:[A-Z]{3}-\\p{Nd}{4})")`,
        'quantity: Int! @constraint(min: 1, max: 1000, exclusiveMax: 100)',
        'ratio: Float @constraint(max: 1, exclusiveMin: 0)',
        String.raw`price: Decimal @constraint(exclusiveMin: 0, pattern: "-?[0-9]+(?:\\.[0-9]{0,2}0*)?")`,
        // an attribute's type
        'country: String @constraint(minLength: 2, maxLength: 2, pattern: "[A-Z]+")',
      ]),
    );
    // the subgraph declares the directive and builds
    const schema: GraphQLSchema = buildASTSchema(facets.typeDefs);
    expect(schema.getDirective('constraint')).toBeDefined();
  });

  it('warns, once each, about the patterns it cannot translate faithfully', () => {
    const warnings = (facets.warnings ?? []).filter((w) => w.message.startsWith('Pattern '));
    expect(warnings.map((w) => w.message)).toEqual([
      String.raw`Pattern "\i\c*" is not checked at the edge: it uses \i (XML name start characters); the backend still validates it.`,
      String.raw`Pattern "\p{IsBasicLatin}+" is not checked at the edge: \p{IsBasicLatin} names a Unicode block; the backend still validates it.`,
      'Pattern "[a-z-[aeiou]]+" is not checked at the edge: it subtracts character classes; the backend still validates it.',
    ]);
  });

  it('carries the demo erp facets: SKU lengths and at least one item code', async () => {
    const erp = await createSoapSource({ name: 'erp', contract: ERP });
    const lines = constrained(erp);
    expect(lines).toContain('getItem(itemCode: String! @constraint(maxLength: 64)): Item');
    expect(lines).toContain(
      'getItems(itemCode: [String!]! @constraint(maxLength: 64, minItems: 1)): [Item!]!',
    );
    expect(lines.join('\n')).toContain(
      'requestId: String @constraint(minLength: 1, maxLength: 128)',
    );
  });
});
