/**
 * Decimal numbers written in digits (BigInt and Decimal values, XSD facet
 * values), compared exactly. A JavaScript number cannot: 2^63 - 1 reads as
 * 2^63 and 99999.991 is past 99999.99 only by a digit a double may drop, so
 * the limits of xs:long, xs:unsignedLong or a money type are checked on the
 * text. Hand-written: the comparison is thirty lines, and no dependency of
 * the gateway parses decimals (BigInt covers integers only).
 */

/** An XSD decimal lexical form (XSD 1.1 Part 2 §3.3.3): optional sign, digits, optional point. */
const LEXICAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * What each fixed-width integer holds, in digits: the one table behind an
 * OpenAPI `format` (int64, uint64, uint32), an XSD built-in (xs:long,
 * xs:unsignedLong, xs:unsignedInt) and a proto kind (int64, fixed64, …).
 */
export const INTEGER_WIDTHS = {
  int64: ['-9223372036854775808', '9223372036854775807'],
  uint64: ['0', '18446744073709551615'],
  uint32: ['0', '4294967295'],
} as const satisfies Readonly<Record<string, readonly [string, string]>>;

/** Most digits a BigInt or Decimal argument may have; past this a value is refused before any check. */
export const MAX_NUMBER_DIGITS = 100;

interface Parts {
  readonly negative: boolean;
  /** Integer digits without leading zeros ("" for zero). */
  readonly int: string;
  /** Fraction digits without trailing zeros. */
  readonly frac: string;
}

function partsOf(text: string): Parts | undefined {
  const match = LEXICAL.exec(text);
  if (match === null) return undefined;
  const [, sign = '', rawInt = '', rawFrac] = match;
  if (rawInt === '' && (rawFrac === undefined || rawFrac === '')) return undefined;
  const int = rawInt.replace(/^0+/, '');
  const frac = (rawFrac ?? '').replace(/0+$/, '');
  // -0 and +0.00 are zero, which has no sign.
  return { negative: sign === '-' && (int !== '' || frac !== ''), int, frac };
}

/**
 * `text` in canonical form ("-12.5", "0", "100"), which is also a valid
 * GraphQL Int or Float literal; undefined when it is not an XSD decimal.
 */
export function canonicalDecimal(text: string): string | undefined {
  const parts = partsOf(text);
  if (parts === undefined) return undefined;
  const digits = `${parts.int === '' ? '0' : parts.int}${parts.frac === '' ? '' : `.${parts.frac}`}`;
  return parts.negative ? `-${digits}` : digits;
}

function compareMagnitude(a: Parts, b: Parts): number {
  if (a.int.length !== b.int.length) return a.int.length < b.int.length ? -1 : 1;
  if (a.int !== b.int) return a.int < b.int ? -1 : 1;
  const width = Math.max(a.frac.length, b.frac.length);
  const fa = a.frac.padEnd(width, '0');
  const fb = b.frac.padEnd(width, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

/**
 * -1, 0 or 1 as decimal `a` is less than, equal to or greater than `b`,
 * exactly. Both must be XSD decimals (canonicalDecimal accepts them).
 */
export function compareDecimals(a: string, b: string): number {
  const pa = partsOf(a);
  const pb = partsOf(b);
  if (pa === undefined || pb === undefined) throw new TypeError('not a decimal');
  if (pa.negative !== pb.negative) return pa.negative ? -1 : 1;
  const magnitude = compareMagnitude(pa, pb);
  return pa.negative && magnitude !== 0 ? -magnitude : magnitude;
}

/**
 * A finite number in plain decimal digits, never with an exponent (1e21 →
 * "1000000000000000000000", 1e-7 → "0.0000001"): integers exactly as the
 * double holds them, others as the shortest digits that read back the same.
 */
export function numberToDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} has no decimal digits`);
  if (Number.isInteger(value)) return BigInt(value).toString();
  const [mantissa = '', exponentText] = String(value).split('e');
  if (exponentText === undefined) return mantissa;
  const negative = mantissa.startsWith('-');
  const [int = '', frac = ''] = mantissa.replace('-', '').split('.');
  const exponent = Number(exponentText);
  // Only small numbers reach here (a non-integer past 1e21 is not a double), so the exponent is negative.
  const digits = `${'0'.repeat(-exponent - int.length + 1)}${int}${frac}`;
  const point = digits.length - frac.length + exponent;
  const text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${text}` : text;
}

/** compareDecimals for bounds and values that may be numbers or digits; numbers alone compare as numbers. */
export function compareBounds(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  // A bound of 1e400 (Infinity) beside digits: digits are always finite.
  if (typeof a === 'number' && !Number.isFinite(a)) return a > 0 ? 1 : -1;
  if (typeof b === 'number' && !Number.isFinite(b)) return b > 0 ? -1 : 1;
  return compareDecimals(
    typeof a === 'number' ? numberToDecimal(a) : a,
    typeof b === 'number' ? numberToDecimal(b) : b,
  );
}
