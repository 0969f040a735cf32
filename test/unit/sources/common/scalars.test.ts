import { Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  Base64Scalar,
  BigIntScalar,
  DateTimeScalar,
  DecimalScalar,
  DurationScalar,
  JSONScalar,
} from '../../../../sources/common/index.js';

describe('scalars', () => {
  it('BigInt keeps every digit past 2^53, as a string', () => {
    expect(BigIntScalar.serialize(9007199254740993n)).toBe('9007199254740993');
    expect(BigIntScalar.serialize('-9223372036854775808')).toBe('-9223372036854775808');
    expect(BigIntScalar.parseLiteral({ kind: Kind.INT, value: '9007199254740993' })).toBe(
      '9007199254740993',
    );
    expect(() => BigIntScalar.serialize(2 ** 60)).toThrow(/BigInt cannot represent/);
    expect(() => BigIntScalar.parseValue('12.5')).toThrow(/BigInt cannot represent/);
  });

  it('Decimal keeps a literal exactly as written', () => {
    expect(DecimalScalar.parseLiteral({ kind: Kind.FLOAT, value: '0.30000000000000000001' })).toBe(
      '0.30000000000000000001',
    );
    expect(DecimalScalar.serialize('19.99')).toBe('19.99');
    expect(() => DecimalScalar.parseValue('1,5')).toThrow(/Decimal cannot represent/);
  });

  // The edge refused "1e5", 10,000 digits and a literal's exponent only at the backend, if at all.
  it('BigInt and Decimal input is digits only, at most 100 of them', () => {
    const digits = '9'.repeat(101);
    for (const bad of ['1e3', '12.5', ' 7', '0x10', '', '+7', digits])
      expect(() => BigIntScalar.parseValue(bad), bad).toThrow(/BigInt (must be|has at most 100)/);
    for (const bad of ['NaN', 'Infinity', '1e5', '1E5', '', '.5', `${digits}.5`])
      expect(() => DecimalScalar.parseValue(bad), bad).toThrow(/Decimal (must be|has at most 100)/);
    // a literal's error is plain, so graphql-js reports it at the literal with its value
    expect(() => DecimalScalar.parseLiteral({ kind: Kind.FLOAT, value: '1e5' })).toThrow(TypeError);
    expect(() => BigIntScalar.parseLiteral({ kind: Kind.FLOAT, value: '12.5' })).toThrow(TypeError);
    expect(BigIntScalar.parseValue(`-${'9'.repeat(100)}`)).toHaveLength(101);
    expect(DecimalScalar.parseValue(1e21)).toBe('1000000000000000000000');
    expect(DecimalScalar.parseValue(1e-7)).toBe('0.0000001');
    // what a backend answers is served as before, exponent included
    expect(DecimalScalar.serialize('1e5')).toBe('1e5');
  });

  it('DateTime accepts RFC 3339 and Date objects, and refuses other strings', () => {
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 10, 24)))).toBe(
      '2026-11-24T00:00:00.000Z',
    );
    expect(DateTimeScalar.parseValue('2026-11-24T09:30:00+01:00')).toBe(
      '2026-11-24T09:30:00+01:00',
    );
    expect(() => DateTimeScalar.parseValue('yesterday')).toThrow(/DateTime cannot represent/);
  });

  it('Duration accepts protobuf and ISO 8601 forms', () => {
    expect(DurationScalar.parseValue('1.5s')).toBe('1.5s');
    expect(DurationScalar.parseValue('PT1H30M')).toBe('PT1H30M');
    expect(() => DurationScalar.parseValue('soon')).toThrow();
  });

  it('Base64 encodes bytes and validates strings', () => {
    expect(Base64Scalar.serialize(new Uint8Array([104, 105]))).toBe('aGk=');
    expect(() => Base64Scalar.parseValue('not base64!')).toThrow(/Base64 cannot represent/);
  });

  it('JSON passes objects through and reads object literals with variables', () => {
    const literal = {
      kind: Kind.OBJECT,
      fields: [
        {
          kind: Kind.OBJECT_FIELD,
          name: { kind: Kind.NAME, value: 'a' },
          value: { kind: Kind.INT, value: '1' },
        },
        {
          kind: Kind.OBJECT_FIELD,
          name: { kind: Kind.NAME, value: 'b' },
          value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: 'v' } },
        },
      ],
    } as const;
    expect(JSONScalar.parseLiteral(literal, { v: ['x'] })).toEqual({ a: 1, b: ['x'] });
  });
});
