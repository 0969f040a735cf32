/**
 * gateway/variables.ts: a request's variables coerced once for the edge's
 * checks (the @constraint check and the cost measure share the result).
 */
import { buildSchema, getOperationAST, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { coercedVariables } from '../../../gateway/variables.js';

const schema = buildSchema('type Query { products(first: Int, sku: String): [String] }');

function operationOf(query: string): OperationDefinitionNode {
  const operation = getOperationAST(parse(query));
  if (!operation) throw new Error('no operation');
  return operation;
}

describe('coercedVariables', () => {
  const operation = operationOf(
    'query ($n: Int = 5, $sku: String) { products(first: $n, sku: $sku) }',
  );

  it('coerces as the executor does: defaults applied; undefined when a value does not coerce', () => {
    expect(coercedVariables(schema, operation, { sku: 'SKU-1' })).toEqual({ n: 5, sku: 'SKU-1' });
    expect(coercedVariables(schema, operation, undefined)).toEqual({ n: 5 });
    expect(coercedVariables(schema, operation, { n: 'many' })).toBeUndefined();
  });

  it('coerces a request’s variables once, and never hands them to another operation', () => {
    const raw = { n: 3 };
    const first = coercedVariables(schema, operation, raw);
    expect(coercedVariables(schema, operation, raw)).toBe(first);
    const other = operationOf('query ($n: Int) { products(first: $n) }');
    const theirs = coercedVariables(schema, other, raw);
    expect(theirs).toEqual({ n: 3 });
    expect(theirs).not.toBe(first);
  });

  it('an operation without variables coerces nothing, whatever was sent', () => {
    expect(coercedVariables(schema, operationOf('{ products }'), { n: 'ignored' })).toEqual({});
  });
});
