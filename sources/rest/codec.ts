/**
 * Values between the wire and the subgraph: `decode` turns an answer into
 * subgraph shape (renamed fields, enum names, `__typename` on union
 * members), reusing the answer's own objects and arrays where it can (the
 * value given is consumed: pass only a fresh JSON.parse result); `encode`
 * turns GraphQL arguments back into wire JSON. A value
 * that does not match its declared type (`title: 42`, `amount: "abc"`, an
 * unknown enum value, a list where an object belongs) is replaced by the
 * Error `wrong` makes, so GraphQL fails that one field (graphql-js throws an
 * Error a resolver returns) and the rest of the answer arrives.
 */
import { canonicalDecimal, compareDecimals, numberToDecimal } from '../common/index.js';
import { isObject } from './refs.js';
import type { EnumShape, ObjectShape, ScalarShape, TypeRef, UnionShape } from './shapes.js';
import { fitsScalar, jsonTypeOf } from './wire-check.js';

/** Makes the Error that stands in for a value of the wrong type: the field's name, what was declared, what came. */
export type WrongValue = (field: string, expected: string, got: string) => Error;

/** An answer that maps more values than its source allows (`maxResponseValues`). */
export class ValueLimitError extends Error {
  constructor(readonly max: number) {
    super(`more than ${max} values`);
    this.name = 'ValueLimitError';
  }
}

/**
 * Counts the values (objects, lists, non-null scalars) one answer maps. Past
 * `max` it throws ValueLimitError, so a huge answer stops at the bound
 * instead of being mapped whole first.
 */
export class ValueCount {
  seen = 0;
  constructor(readonly max: number) {}
  add(): void {
    if (++this.seen > this.max) throw new ValueLimitError(this.max);
  }
}

/** For callers that check nothing (tests of the mapping alone): the value passes as it came. */
const PASS: WrongValue | undefined = undefined;

const enumByWire = new WeakMap<EnumShape, Map<string, string>>();
const enumByName = new WeakMap<EnumShape, Map<string, string | number>>();

function wireToName(shape: EnumShape): Map<string, string> {
  let map = enumByWire.get(shape);
  if (!map) {
    // Keyed by string form: a backend may answer 3 for an enum declared as "3", or the reverse.
    map = new Map(shape.values.map((value) => [String(value.wire), value.name]));
    enumByWire.set(shape, map);
  }
  return map;
}

function nameToWire(shape: EnumShape): Map<string, string | number> {
  let map = enumByName.get(shape);
  if (!map) {
    map = new Map(shape.values.map((value) => [value.name, value.wire]));
    enumByName.set(shape, map);
  }
  return map;
}

/**
 * Wire JSON → subgraph shape.
 * @param wrong makes the Error put in place of a value of the wrong type; without it, such values pass as they came
 * @param field the name of the field being read, for `wrong`
 * @param count counts every value mapped; without it, nothing is counted
 * @throws ValueLimitError when `count` passes its bound
 */
export function decode(
  ref: TypeRef,
  value: unknown,
  wrong: WrongValue | undefined = PASS,
  field = 'result',
  count?: ValueCount,
): unknown {
  if (value === null || value === undefined) return null;
  count?.add();
  const shape = ref.shape;
  switch (shape.kind) {
    case 'scalar':
      return wrong === undefined || fitsScalar(shape, value)
        ? value
        : wrong(field, shape.name, jsonTypeOf(value));
    case 'list':
      if (Array.isArray(value)) {
        // In place: the array is the answer's own, fresh from JSON.parse and held by nobody else.
        for (let i = 0; i < value.length; i += 1)
          value[i] = decode(shape.of, value[i], wrong, field, count);
        return value;
      }
      return wrong === undefined ? value : wrong(field, 'a list', jsonTypeOf(value));
    case 'enum': {
      const name =
        typeof value === 'string' || typeof value === 'number'
          ? wireToName(shape).get(String(value))
          : undefined;
      if (name !== undefined) return name;
      return wrong === undefined
        ? value
        : wrong(
            field,
            `one of ${shape.name}'s values`,
            typeof value === 'string' || typeof value === 'number'
              ? 'another value'
              : jsonTypeOf(value),
          );
    }
    case 'object':
      if (isObject(value)) return decodeObject(shape, value, wrong, count);
      return wrong === undefined ? value : wrong(field, 'an object', jsonTypeOf(value));
    case 'union': {
      if (!isObject(value))
        return wrong === undefined ? value : wrong(field, 'an object', jsonTypeOf(value));
      const member = pickMember(shape, value);
      const decoded = decodeObject(member, value, wrong, count);
      // A wire `__typename` of the backend's own was copied away (it is not declared), never kept.
      decoded.__typename = member.name;
      return decoded;
    }
  }
}

const keptNames = new WeakMap<ObjectShape, boolean>();

/** Does every field of `shape` keep its wire name? Then an answer object can become its subgraph object in place. */
function keepsNames(shape: ObjectShape): boolean {
  let keeps = keptNames.get(shape);
  if (keeps === undefined) {
    keeps = shape.fields.every((field) => field.wireName === field.name || field.wireName === '');
    keptNames.set(shape, keeps);
  }
  return keeps;
}

/** Does `value` hold no property but the declared ones? (JSON.parse objects: own, enumerable, plain.) */
function holdsOnlyDeclared(shape: ObjectShape, value: Record<string, unknown>): boolean {
  let keys = 0;
  for (const _key in value) keys += 1;
  let declared = 0;
  for (const field of shape.fields)
    if (field.wireName !== '' && Object.hasOwn(value, field.wireName)) declared += 1;
  return keys === declared;
}

/**
 * One answer object in subgraph shape. When the names match the wire's and
 * the object holds nothing undeclared (the usual case), the object itself is
 * mapped in place: copying a page of 50 products with their variants and
 * images was most of what a REST answer allocated (issue 15). Otherwise a
 * copy with the declared fields only, so nothing the contract does not
 * declare reaches the cache or the journal.
 */
function decodeObject(
  shape: ObjectShape,
  value: Record<string, unknown>,
  wrong: WrongValue | undefined,
  count: ValueCount | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> =
    keepsNames(shape) && holdsOnlyDeclared(shape, value) ? value : {};
  for (const field of shape.fields)
    out[field.name] =
      field.wireName === ''
        ? null
        : decode(field.type, value[field.wireName], wrong, field.name, count);
  return out;
}

/** The discriminator's choice when there is one; otherwise the member whose fields the value fills best. */
export function pickMember(shape: UnionShape, value: Record<string, unknown>): ObjectShape {
  if (shape.discriminator) {
    const tag = value[shape.discriminator.wireProperty];
    const chosen =
      typeof tag === 'string' || typeof tag === 'number'
        ? shape.discriminator.byValue.get(String(tag))
        : undefined;
    if (chosen) return chosen;
  }
  let best = shape.members[0] as ObjectShape;
  let bestScore = -Infinity;
  for (const member of shape.members) {
    let score = 0;
    for (const field of member.fields) {
      const present = Object.hasOwn(value, field.wireName) && value[field.wireName] !== null;
      if (present) score += 1;
      // A required field that is missing rules the member out more than an extra one rules it in.
      else if (field.type.nonNull) score -= 2;
    }
    if (score > bestScore) {
      best = member;
      bestScore = score;
    }
  }
  return best;
}

/** GraphQL argument value → wire JSON. */
export function encode(ref: TypeRef, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const shape = ref.shape;
  switch (shape.kind) {
    case 'scalar':
      return encodeScalar(shape, value);
    case 'list':
      return Array.isArray(value)
        ? value.map((item) => encode(shape.of, item))
        : encode(shape.of, value);
    case 'enum':
      return typeof value === 'string' ? (nameToWire(shape).get(value) ?? value) : value;
    case 'object': {
      if (!isObject(value)) return value;
      if (shape.oneOf) return encodeOneOf(shape, value);
      const out: Record<string, unknown> = {};
      for (const field of shape.fields) {
        if (field.wireName === '' || !Object.hasOwn(value, field.name)) continue;
        out[field.wireName] = encode(field.type, value[field.name]);
      }
      return out;
    }
    case 'union':
      return value;
  }
}

/** The one member the caller set, sent as that member's value, with the discriminator filled in when the contract has one. */
function encodeOneOf(shape: ObjectShape, value: Record<string, unknown>): unknown {
  const field = shape.fields.find((f) => value[f.name] !== undefined && value[f.name] !== null);
  if (field === undefined) return null;
  const encoded = encode(field.type, value[field.name]);
  if (field.tag && isObject(encoded) && encoded[field.tag.wireProperty] === undefined)
    return { ...encoded, [field.tag.wireProperty]: field.tag.value };
  return encoded;
}

/** A BigInt or Decimal whose digits a JSON number (a double, on Node 20) cannot carry to the wire. */
export class DigitLossError extends Error {
  constructor() {
    super('a number with more digits than a JSON number can carry');
    this.name = 'DigitLossError';
  }
}

/**
 * BigInt and Decimal arrive as strings; the wire wants the JSON number its
 * schema declares. Sent as a number when the double holds every digit;
 * otherwise refused (DigitLossError) rather than sent rounded: 0.30000000000000000001
 * would reach the backend as 0.3. An integer past 2^53 goes as the string it came as.
 */
function encodeScalar(shape: ScalarShape, value: unknown): unknown {
  if (typeof value !== 'string' || (shape.wireType !== 'integer' && shape.wireType !== 'number'))
    return value;
  const number = Number(value);
  if (!Number.isFinite(number)) return value;
  if (shape.wireType === 'integer' && !Number.isSafeInteger(number)) return value;
  if (
    canonicalDecimal(value) !== undefined &&
    compareDecimals(numberToDecimal(number), value) !== 0
  )
    throw new DigitLossError();
  return number;
}
