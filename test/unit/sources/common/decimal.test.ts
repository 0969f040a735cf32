/**
 * Exact decimals (sources/common/decimal.ts): the bounds of xs:long, xs:
 * unsignedLong and money types compare on their digits, where a double
 * would round 2^63 - 1 to 2^63 and miss a digit past 99999.99.
 */
import { describe, expect, it } from 'vitest';
import {
  canonicalDecimal,
  compareBounds,
  compareDecimals,
  numberToDecimal,
} from '../../../../sources/common/index.js';

describe('decimal digits', () => {
  it('canonicalDecimal reads every XSD decimal form and refuses the rest', () => {
    expect(canonicalDecimal('+001.500')).toBe('1.5');
    expect(canonicalDecimal('-0.00')).toBe('0');
    expect(canonicalDecimal('.5')).toBe('0.5');
    expect(canonicalDecimal('5.')).toBe('5');
    expect(canonicalDecimal('-9223372036854775808')).toBe('-9223372036854775808');
    for (const bad of ['', '.', '-', '1e5', 'NaN', 'INF', ' 7', '0x10', '1,5'])
      expect(canonicalDecimal(bad), bad).toBeUndefined();
  });

  it('compareDecimals is exact past 2^53 and past a double’s last digit', () => {
    expect(compareDecimals('9223372036854775808', '9223372036854775807')).toBe(1);
    expect(compareDecimals('99999.990000000000001', '99999.99')).toBe(1);
    expect(compareDecimals('-1.50', '-1.5')).toBe(0);
    expect(compareDecimals('-0', '0')).toBe(0);
    expect(compareDecimals('-2', '-10')).toBe(1);
    expect(compareDecimals('0.1', '0.09')).toBe(1);
    expect(compareDecimals('007', '7.000')).toBe(0);
    expect(() => compareDecimals('NaN', '1')).toThrow(TypeError);
  });

  it('numberToDecimal writes a double out without an exponent', () => {
    expect(numberToDecimal(1e21)).toBe('1000000000000000000000');
    expect(numberToDecimal(1e-7)).toBe('0.0000001');
    expect(numberToDecimal(-1.5e-7)).toBe('-0.00000015');
    expect(numberToDecimal(12.5)).toBe('12.5');
    expect(numberToDecimal(2 ** 63)).toBe('9223372036854775808');
    expect(() => numberToDecimal(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('compareBounds mixes numbers and digits', () => {
    expect(compareBounds(5, '9223372036854775807')).toBe(-1);
    expect(compareBounds('0.01', 0.01)).toBe(0);
    expect(compareBounds(3, 2)).toBe(1);
    expect(compareBounds(Number.POSITIVE_INFINITY, '9223372036854775807')).toBe(1);
    expect(compareBounds('-1', Number.NEGATIVE_INFINITY)).toBe(1);
  });
});
