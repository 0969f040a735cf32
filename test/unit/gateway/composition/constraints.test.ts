import { describe, expect, it } from 'vitest';
import { buildASTSchema, parse } from 'graphql';
import { BINDING_DIRECTIVES_SDL } from '../../../../gateway/composition/index.js';
import { readConstraints } from '../../../../gateway/composition/constraints.js';
import type { CompositionIssue } from '../../../../gateway/composition/index.js';

function read(sdl: string): {
  constraints: ReturnType<typeof readConstraints>;
  errors: CompositionIssue[];
} {
  const schema = buildASTSchema(parse(`${BINDING_DIRECTIVES_SDL}\n${sdl}`), {
    assumeValidSDL: true,
  });
  const errors: CompositionIssue[] = [];
  return { constraints: readConstraints(schema, errors), errors };
}

describe('readConstraints', () => {
  it('reads arguments and input fields by coordinate, patterns anchored', () => {
    const { constraints, errors } = read(`
      type Query { items(first: Int @constraint(min: 1, max: 200), after: String @constraint(maxLength: 10, pattern: "[a-z]+")): [String] }
      input Line { qty: Int! @constraint(min: 1) skus: [ID!] @constraint(maxItems: 3, maxLength: 5) }
      type Mutation { add(line: Line): String }`);
    expect(errors).toEqual([]);
    expect(constraints.get('Query.items(first:)')).toEqual({ min: 1, max: 200 });
    const after = constraints.get('Query.items(after:)');
    expect(after?.maxLength).toBe(10);
    expect(after?.pattern?.test('abc')).toBe(true);
    expect(after?.pattern?.test('abc1')).toBe(false);
    expect(constraints.get('Line.skus')).toEqual({ maxItems: 3, maxLength: 5 });
    expect(constraints.has('Mutation.add(line:)')).toBe(false);
  });

  it('refuses a member that does not fit the type, and a pattern that does not compile (CONSTRAINT_INVALID)', () => {
    const { errors } = read(
      `type Query { a(n: Int @constraint(maxLength: 3), s: String @constraint(min: 1), l: String @constraint(maxItems: 2), p: String @constraint(pattern: "(")): String }`,
    );
    expect(errors.map((error) => error.code)).toEqual([
      'CONSTRAINT_INVALID',
      'CONSTRAINT_INVALID',
      'CONSTRAINT_INVALID',
      'CONSTRAINT_INVALID',
    ]);
    expect(errors[0]?.message).toMatch(/Query\.a\(n:\) has @constraint\(maxLength:\)/);
  });

  it('keeps the digits of a BigInt or Decimal bound as written, where a double would round them', () => {
    const { constraints, errors } = read(`
      scalar BigInt
      scalar Decimal
      type Query { a(id: BigInt @constraint(min: -9223372036854775808, max: 9223372036854775807), price: Decimal @constraint(exclusiveMin: 0, max: 99999.99), n: Int @constraint(max: 9223372036854775807)): String }`);
    expect(errors).toEqual([]);
    expect(constraints.get('Query.a(id:)')).toEqual({
      min: '-9223372036854775808',
      max: '9223372036854775807',
    });
    expect(constraints.get('Query.a(price:)')).toEqual({ exclusiveMin: '0', max: '99999.99' });
    // an Int's bound stays a number: its values are numbers
    expect(constraints.get('Query.a(n:)')).toEqual({ max: 2 ** 63 });
  });
});
