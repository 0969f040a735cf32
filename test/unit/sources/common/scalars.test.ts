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
