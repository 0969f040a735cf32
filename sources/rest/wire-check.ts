/**
 * Does a JSON value fit the GraphQL scalar the contract declared for it?
 * Written by hand: JSON Schema validators check the whole answer against the
 * whole schema (and fail it as a whole); here one value is checked against
 * the one scalar the mapping depends on, so only that field fails.
 */
import type { ScalarShape } from './shapes.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The JSON type of a value as a person names it ("a number", "an object"). */
export function jsonTypeOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

/** True when `value` can be served as `shape` without inventing anything (no coercion of 42 into "42"). */
export function fitsScalar(shape: ScalarShape, value: unknown): boolean {
  switch (shape.name) {
    case 'String':
    case 'DateTime':
    case 'Date':
    case 'Duration':
    case 'Base64':
      return typeof value === 'string';
    case 'ID':
      return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
    case 'Int':
      return (
        typeof value === 'number' &&
        Number.isInteger(value) &&
        value >= INT32_MIN &&
        value <= INT32_MAX
      );
    case 'Float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'Boolean':
      return typeof value === 'boolean';
    case 'BigInt':
      return (
        (typeof value === 'number' && Number.isInteger(value)) ||
        (typeof value === 'string' && INTEGER_TEXT.test(value))
      );
    case 'Decimal':
      return (
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && DECIMAL_TEXT.test(value))
      );
    default:
      // JSON and scalars we do not know: anything the backend sends is the value.
      return true;
  }
}
