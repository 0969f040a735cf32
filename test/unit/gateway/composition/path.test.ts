import { describe, expect, it } from 'vitest';
import { ExpressionError, parsePath, readPath } from '../../../../gateway/composition/path.js';

function parseError(text: string): ExpressionError {
  try {
    parsePath(text);
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error(`parsePath(${JSON.stringify(text)}) did not throw`);
}

describe('parsePath', () => {
  it('splits a dot path into field names', () => {
    expect(parsePath('total.currency')).toEqual(['total', 'currency']);
    expect(parsePath('sku')).toEqual(['sku']);
    expect(parsePath('_a1.B_2')).toEqual(['_a1', 'B_2']);
  });

  it('reads "$" as the value itself', () => {
    expect(parsePath('$')).toEqual([]);
  });

  it.each([
    ['', 1, /found nothing/],
    ['a.', 3, /expected a field name at column 3, found nothing/],
    ['.a', 1, /column 1/],
    ['a..b', 3, /column 3/],
    ['a.b c', 4, /found a space/],
    ['a.1b', 3, /found '1'/],
    ['lines.sku-x', 10, /found '-'/],
  ])('refuses %j at column %i', (text, column, message) => {
    const error = parseError(text);
    expect(error.column).toBe(column);
    expect(error.message).toMatch(message);
  });

  it('points "$parent.x" and "$.x" at the plain path', () => {
    expect(parseError('$parent.sku').message).toContain('write "sku"');
    expect(parseError('$.total.currency').message).toContain('write "total.currency"');
  });

  it('refuses paths past the length limit', () => {
    const error = parseError(`a${'.a'.repeat(600)}`);
    expect(error.column).toBe(1001);
    expect(error.message).toContain('1000');
  });
});

describe('readPath', () => {
  const order = {
    id: 'o1',
    total: { amountMinor: '1999', currency: 'USD' },
    lines: [
      { sku: 'A', tags: ['x', 'y'], price: { amountMinor: 100 } },
      { sku: 'B', tags: [], price: null },
      { sku: 'C', tags: ['z'] },
    ],
  };

  it('returns the value itself for the empty path', () => {
    expect(readPath(order, [])).toBe(order);
    expect(readPath([1, 2], [])).toEqual([1, 2]);
  });

  it('reads nested fields', () => {
    expect(readPath(order, ['total', 'currency'])).toBe('USD');
  });

  it('maps a list along the path', () => {
    expect(readPath(order, ['lines', 'sku'])).toEqual(['A', 'B', 'C']);
    expect(readPath(order.lines, ['sku'])).toEqual(['A', 'B', 'C']);
  });

  it('keeps nulls in place when an element reads as null', () => {
    expect(readPath(order, ['lines', 'price', 'amountMinor'])).toEqual([100, null, null]);
  });

  it('returns a list at the end of the path as it is', () => {
    expect(readPath(order.lines[0], ['tags'])).toEqual(['x', 'y']);
    expect(readPath(order, ['lines'])).toBe(order.lines);
  });

  it('flattens one level per list met along the way', () => {
    const customer = { orders: [order, { lines: [{ sku: 'D' }] }, { lines: [] }] };
    expect(readPath(customer, ['orders', 'lines', 'sku'])).toEqual(['A', 'B', 'C', 'D']);
    // A list that is the final value is an element, not flattened.
    expect(readPath(order, ['lines', 'tags'])).toEqual([['x', 'y'], [], ['z']]);
    expect(readPath({ l: [[{ a: 1 }, { a: 2 }], [{ a: 3 }]] }, ['l', 'a'])).toEqual([1, 2, 3]);
  });

  it('gives an empty list for an empty list along the path', () => {
    expect(readPath({ lines: [] }, ['lines', 'sku'])).toEqual([]);
  });

  it('short-circuits null and undefined to null', () => {
    expect(readPath(null, ['a'])).toBeNull();
    expect(readPath(undefined, [])).toBeNull();
    expect(readPath({ a: null }, ['a', 'b', 'c'])).toBeNull();
    expect(readPath({}, ['missing'])).toBeNull();
    expect(readPath({ a: undefined }, ['a'])).toBeNull();
  });

  it('reads nothing from scalars and never reaches the prototype', () => {
    expect(readPath('text', ['length'])).toBeNull();
    expect(readPath(5, ['a'])).toBeNull();
    expect(readPath({}, ['constructor'])).toBeNull();
    expect(readPath({}, ['__proto__'])).toBeNull();
    expect(readPath({ a: {} }, ['a', 'toString'])).toBeNull();
  });
});
