/**
 * Numbers and values of the @compute language: exact integer arithmetic past
 * 2^53 (BigInt when needed), and the error raised when data does not fit.
 */
import { ExpressionError } from './path.js';

export type Operator = '+' | '-' | '*' | '/';

/**
 * The expression parsed but the data it met does not fit it. `column` points
 * at the operator or function that refused. The message names kinds of
 * values ("a list"), never the values themselves, so it is safe to show.
 */
export class ExpressionEvaluationError extends ExpressionError {
  constructor(message: string, column: number) {
    super(message, column);
    this.name = 'ExpressionEvaluationError';
  }
}

// ---------------------------------------------------------------------------
// Numbers

export const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;
export const INTEGER_TEXT = /^-?[0-9]+$/;
const DECIMAL_TEXT = /^-?[0-9]+\.[0-9]+$/;

/** A number inside evaluation: bigint only while an integer is past 2^53. */
export type Numeric = number | bigint;

/** Bigints that fit in a double go back to numbers, so small results stay plain numbers. */
export function narrow(value: bigint): Numeric {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : 'a non-finite number';
  if (typeof value === 'bigint') return 'a number';
  return 'an object';
}

/**
 * Reads an operand as a number. Digit strings count (int64 fields travel as
 * strings), and stay exact past 2^53; decimal strings become doubles.
 * null stays null. Anything else is refused with `what` in the message.
 */
export function toNumeric(value: unknown, what: string, column: number): Numeric | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return narrow(value);
  if (typeof value === 'string') {
    if (INTEGER_TEXT.test(value)) return narrow(BigInt(value));
    if (DECIMAL_TEXT.test(value)) return Number(value);
  }
  const hint = Array.isArray(value) ? '; aggregate it first, e.g. with sum(...)' : '';
  throw new ExpressionEvaluationError(
    `${what} at column ${column} needs numbers, found ${describeValue(value)}${hint}`,
    column,
  );
}

function isInteger(value: Numeric): boolean {
  return typeof value === 'bigint' || Number.isInteger(value);
}

function toBigInt(value: Numeric): bigint {
  return typeof value === 'bigint' ? value : BigInt(value);
}

/**
 * `+ - *` on two integers is exact at any size (BigInt once past 2^53);
 * anything with a fraction is double arithmetic. `/` always gives a double:
 * a quotient is rarely an integer, and callers of a Float expect one.
 */
export function arithmetic(op: Operator, left: Numeric, right: Numeric, column: number): Numeric {
  if (op === '/') {
    const divisor = Number(right);
    if (divisor === 0)
      throw new ExpressionEvaluationError(`division by zero at column ${column}`, column);
    return Number(left) / divisor;
  }
  if (isInteger(left) && isInteger(right)) {
    if (typeof left === 'number' && typeof right === 'number') {
      const result = op === '+' ? left + right : op === '-' ? left - right : left * right;
      if (Number.isSafeInteger(result)) return result;
    }
    const a = toBigInt(left);
    const b = toBigInt(right);
    return narrow(op === '+' ? a + b : op === '-' ? a - b : a * b);
  }
  const a = Number(left);
  const b = Number(right);
  return op === '+' ? a + b : op === '-' ? a - b : a * b;
}

export function compareNumeric(left: Numeric, right: Numeric): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (isInteger(left) && isInteger(right)) {
    const a = toBigInt(left);
    const b = toBigInt(right);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return Number(left) - Number(right);
}

/** What evaluate hands out: bigints become digit strings (the BigInt scalar's form). */
export function toOutput(value: unknown): unknown {
  if (typeof value === 'bigint') {
    const narrowed = narrow(value);
    return typeof narrowed === 'bigint' ? narrowed.toString() : narrowed;
  }
  if (Array.isArray(value) && value.some((item) => typeof item === 'bigint'))
    return value.map(toOutput);
  return value;
}
