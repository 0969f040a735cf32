/**
 * Values between the wire and the subgraph: `decode` turns an answer into
 * subgraph shape (renamed fields, enum names, `__typename` on union
 * members); `encode` turns GraphQL arguments back into wire JSON. A value
 * that does not match its shape is passed through untouched, so GraphQL
 * reports it on that one field instead of the whole answer failing here.
 */
import { isObject } from './refs.js';
import type { EnumShape, ObjectShape, ScalarShape, TypeRef, UnionShape } from './shapes.js';

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

/** Wire JSON → subgraph shape. */
export function decode(ref: TypeRef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const shape = ref.shape;
  switch (shape.kind) {
    case 'scalar':
      return value;
    case 'list':
      return Array.isArray(value) ? value.map((item) => decode(shape.of, item)) : value;
    case 'enum':
      return typeof value === 'string' || typeof value === 'number' ? (wireToName(shape).get(String(value)) ?? value) : value;
    case 'object':
      return isObject(value) ? decodeObject(shape, value) : value;
    case 'union': {
      if (!isObject(value)) return value;
      const member = pickMember(shape, value);
      return { ...decodeObject(member, value), __typename: member.name };
    }
  }
}

function decodeObject(shape: ObjectShape, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of shape.fields) out[field.name] = field.wireName === '' ? null : decode(field.type, value[field.wireName]);
  return out;
}

/** The discriminator's choice when there is one; otherwise the member whose fields the value fills best. */
export function pickMember(shape: UnionShape, value: Record<string, unknown>): ObjectShape {
  if (shape.discriminator) {
    const tag = value[shape.discriminator.wireProperty];
    const chosen = typeof tag === 'string' || typeof tag === 'number' ? shape.discriminator.byValue.get(String(tag)) : undefined;
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
      return Array.isArray(value) ? value.map((item) => encode(shape.of, item)) : encode(shape.of, value);
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
  if (field.tag && isObject(encoded) && encoded[field.tag.wireProperty] === undefined) return { ...encoded, [field.tag.wireProperty]: field.tag.value };
  return encoded;
}

/** BigInt and Decimal arrive as strings; the wire wants the JSON number its schema declares, when no digit is lost. */
function encodeScalar(shape: ScalarShape, value: unknown): unknown {
  if (typeof value !== 'string' || (shape.wireType !== 'integer' && shape.wireType !== 'number')) return value;
  const number = Number(value);
  if (!Number.isFinite(number)) return value;
  if (shape.wireType === 'integer' && !Number.isSafeInteger(number)) return value;
  return number;
}
