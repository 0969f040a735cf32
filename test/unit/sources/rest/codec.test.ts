import { describe, expect, it } from 'vitest';
import { decode, DigitLossError, encode } from '../../../../sources/rest/codec.js';
import {
  scalar,
  type EnumShape,
  type ObjectShape,
  type TypeRef,
  type UnionShape,
} from '../../../../sources/rest/shapes.js';

const kind: EnumShape = {
  kind: 'enum',
  name: 'Kind',
  values: [
    { name: 'IN_STOCK', wire: 'in-stock' },
    { name: 'CAT', wire: 'cat' },
    { name: '_3', wire: 3 },
  ],
};
const cat: ObjectShape = {
  kind: 'object',
  name: 'Cat',
  input: false,
  fields: [
    {
      name: 'firstName',
      wireName: 'first-name',
      type: { shape: scalar('String'), nonNull: false },
    },
    { name: 'type', wireName: '@type', type: { shape: scalar('String'), nonNull: false } },
    { name: 'kind', wireName: 'kind', type: { shape: kind, nonNull: true } },
    { name: 'lives', wireName: 'lives', type: { shape: scalar('Int'), nonNull: true } },
  ],
};
const dog: ObjectShape = {
  kind: 'object',
  name: 'Dog',
  input: false,
  fields: [
    { name: 'goodBoy', wireName: 'good_boy', type: { shape: scalar('Boolean'), nonNull: false } },
    { name: 'kind', wireName: 'kind', type: { shape: kind, nonNull: true } },
  ],
};
const animal: UnionShape = {
  kind: 'union',
  name: 'Animal',
  members: [cat, dog],
  discriminator: {
    wireProperty: 'kind',
    byValue: new Map([
      ['cat', cat],
      ['in-stock', dog],
    ]),
  },
};
const ref = (shape: TypeRef['shape']): TypeRef => ({ shape, nonNull: false });

describe('mapping values between the wire and the subgraph', () => {
  it('renames fields and maps enum values into subgraph shape', () => {
    expect(
      decode(ref(cat), { 'first-name': 'Tom', '@type': 'x', kind: 'cat', lives: 9, extra: 1 }),
    ).toEqual({ firstName: 'Tom', type: 'x', kind: 'CAT', lives: 9 });
    expect(decode(ref({ kind: 'list', of: ref(kind) }), ['in-stock', 3, 'unknown'])).toEqual([
      'IN_STOCK',
      '_3',
      'unknown',
    ]);
  });

  it('sets __typename on union members, by discriminator first, by shape otherwise', () => {
    expect(decode(ref(animal), { kind: 'in-stock', good_boy: true })).toEqual({
      __typename: 'Dog',
      goodBoy: true,
      kind: 'IN_STOCK',
    });
    expect(decode(ref(animal), { kind: 'cat', lives: 3 })).toMatchObject({
      __typename: 'Cat',
      lives: 3,
    });
    const noDiscriminator: UnionShape = { ...animal, discriminator: undefined };
    expect(decode(ref(noDiscriminator), { good_boy: false, kind: 'cat' })).toMatchObject({
      __typename: 'Dog',
    });
    expect(
      decode(ref(noDiscriminator), { lives: 1, kind: 'cat', 'first-name': 'x' }),
    ).toMatchObject({ __typename: 'Cat' });
  });

  it('maps an answer whose names match the wire in place, keeping only what its contract declares', () => {
    const variant: ObjectShape = {
      kind: 'object',
      name: 'Variant',
      input: false,
      fields: [
        { name: 'size', wireName: 'size', type: ref(scalar('Int')) },
        { name: 'kind', wireName: 'kind', type: ref(kind) },
      ],
    };
    const product: ObjectShape = {
      kind: 'object',
      name: 'Product',
      input: false,
      fields: [
        { name: 'sku', wireName: 'sku', type: ref(scalar('String')) },
        { name: 'variants', wireName: 'variants', type: ref({ kind: 'list', of: ref(variant) }) },
        { name: 'note', wireName: 'note', type: ref(scalar('String')) },
        { name: 'unmapped', wireName: '', type: ref(scalar('String')) },
      ],
    };
    const wrong = (field: string, expected: string, got: string) =>
      new Error(`${field}: ${expected}, not ${got}`);
    const answer = JSON.parse(
      '{"sku":"S-1","variants":[{"size":40,"kind":"cat"},{"size":"41","kind":3,"secret":"x"}]}',
    ) as Record<string, unknown>;
    const decoded = decode(ref(product), answer, wrong) as Record<string, unknown>;
    // The object and its list are the answer's own; the second variant holds an undeclared property, so it is a copy.
    expect(decoded).toBe(answer);
    const variants = decoded.variants as Array<Record<string, unknown>>;
    expect(variants).toBe(answer.variants);
    expect(Object.keys(decoded).sort()).toEqual(['note', 'sku', 'unmapped', 'variants']);
    expect(decoded).toMatchObject({ sku: 'S-1', note: null, unmapped: null });
    expect(variants[0]).toEqual({ size: 40, kind: 'CAT' });
    expect(Object.keys(variants[1]!).sort()).toEqual(['kind', 'size']);
    expect(variants[1]!.kind).toBe('_3');
    expect(variants[1]!.size).toEqual(new Error('size: Int, not a string'));
    // A backend's own __typename is not declared: the member's name replaces it, on a copy.
    const wire = { kind: 'in-stock', good_boy: true, __typename: 'Evil' };
    expect(decode(ref(animal), wire)).toEqual({
      __typename: 'Dog',
      goodBoy: true,
      kind: 'IN_STOCK',
    });
    expect(wire.__typename).toBe('Evil');
  });

  it('maps arguments back to wire names and enum values, leaving out what was not given', () => {
    const input: ObjectShape = { ...cat, name: 'CatInput', input: true };
    expect(encode(ref(input), { firstName: 'Tom', kind: 'IN_STOCK' })).toEqual({
      'first-name': 'Tom',
      kind: 'in-stock',
    });
    expect(encode(ref(input), { firstName: null })).toEqual({ 'first-name': null });
  });

  it('sends the one member set in a @oneOf input as that member, with its discriminator tag', () => {
    const catInput: ObjectShape = { ...cat, name: 'CatInput', input: true };
    const oneOf: ObjectShape = {
      kind: 'object',
      name: 'AnimalInput',
      input: true,
      oneOf: true,
      fields: [
        {
          name: 'cat',
          wireName: '',
          type: ref(catInput),
          tag: { wireProperty: 'kind', value: 'cat' },
        },
        { name: 'string', wireName: '', type: ref(scalar('String')) },
      ],
    };
    expect(encode(ref(oneOf), { cat: { firstName: 'Tom', lives: 9 } })).toEqual({
      'first-name': 'Tom',
      lives: 9,
      kind: 'cat',
    });
    expect(encode(ref(oneOf), { cat: { kind: 'IN_STOCK' } })).toEqual({ kind: 'in-stock' });
    expect(encode(ref(oneOf), { string: 'plain' })).toBe('plain');
  });

  it('sends BigInt and Decimal strings as JSON numbers when no digit is lost', () => {
    expect(encode(ref(scalar('BigInt', 'integer')), '42')).toBe(42);
    expect(encode(ref(scalar('BigInt', 'integer')), '9007199254740993')).toBe('9007199254740993');
    expect(encode(ref(scalar('Decimal', 'number')), '19.99')).toBe(19.99);
    expect(encode(ref(scalar('Decimal', 'string')), '19.99')).toBe('19.99');
    expect(encode(ref(scalar('Decimal', 'number')), '-0.10')).toBe(-0.1);
    // A double would send 0.3: refused instead.
    expect(() => encode(ref(scalar('Decimal', 'number')), '0.30000000000000000001')).toThrow(
      DigitLossError,
    );
    expect(() => encode(ref(scalar('Decimal', 'number')), '9007199254740993.5')).toThrow(
      DigitLossError,
    );
  });
});
