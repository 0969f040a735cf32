/** Issue 14: proto field rules → @constraint on the gRPC subgraph (test/fixtures/proto/validated/orders.proto). */
import { print } from 'graphql';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { translateRe2 } from '../../../../sources/grpc/field-rules.js';
import { createGrpcSource } from '../../../../sources/grpc/index.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/proto/', import.meta.url));
const PROTOBUFJS = fileURLToPath(new URL('../../../../node_modules/protobufjs/', import.meta.url));

const whole = (re2: string): RegExp => new RegExp(`^(?:${translateRe2(re2).pattern ?? ''})$`, 'u');

describe('proto field rules → @constraint', () => {
  it('prints buf.validate and validate.rules limits on input fields, and warns about the rest', async () => {
    const source = await createGrpcSource({
      name: 'orders',
      contract: `${FIXTURES}validated/orders.proto`,
      includeDirs: [FIXTURES, PROTOBUFJS],
    });
    const lines = print(source.typeDefs)
      .split('\n')
      .map((line) => line.trim());
    expect(lines).toEqual(
      expect.arrayContaining([
        'customer: String @constraint(maxLength: 20)',
        'lines: [LineInput!] @constraint(minItems: 1, maxItems: 3)',
        'tags: [String!] @constraint(maxLength: 5, maxItems: 2)',
        'priority: Int @constraint(min: -5, max: 5)',
        'extras: [PlaceOrderRequestExtrasEntryInput!] @constraint(maxItems: 2)',
        'quantity: Int @constraint(exclusiveMin: 0, max: 100)',
        'discount: Float @constraint(min: 0, exclusiveMax: 1)',
        // A BigInt's range, its kind's narrowed by its rules, in digits; an untranslatable pattern is left out
        'count: BigInt @constraint(min: 0, max: 10)',
        'serial: BigInt @constraint(min: -9223372036854775808, max: 9223372036854775807)',
        'stamp: BigInt @constraint(min: 0, max: 18446744073709551615)',
        'code: String',
      ]),
    );
    expect(source.warnings).toContainEqual({
      path: 'PlaceOrderRequest.code',
      message:
        'Pattern "(?i)^[a-z]+$" of PlaceOrderRequest.code is not checked at the edge: it uses RE2 flags or named groups; the backend still validates it.',
    });
  });

  it('translates RE2 patterns with RE2 meaning: a match anywhere, . and \\s narrowed', () => {
    expect(whole('[a-z]+').test('ABCd')).toBe(true);
    expect(whole('^[a-z]+$').test('ABCd')).toBe(false);
    expect(whole('\\Aab\\z').test('ab')).toBe(true);
    expect(whole('a.b').test('a\rb')).toBe(true);
    expect(whole('a.b').test('a\nb')).toBe(false);
    expect(whole('^\\s$').test('\u00a0')).toBe(false);
    expect(whole('^[^\\s]+$').test('a\u00a0')).toBe(true);
    for (const refused of ['(?i)abc', '(?P<x>a)', '[[:alpha:]]', '\\pL', '[\\S]', 'a{2'])
      expect(translateRe2(refused).pattern, refused).toBeUndefined();
  });
});
