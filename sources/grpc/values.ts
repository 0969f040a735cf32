/**
 * GraphQL values ↔ protobuf messages, driven by the contract model.
 * Arguments become the object protobufjs' `fromObject` takes (proto field
 * names, int64 as decimal strings, bytes as base64); decoded messages become
 * values in the subgraph's shape. Bad arguments throw InputError, naming the
 * argument path but never echoing its value.
 */
import protobuf from 'protobufjs';
import { INTEGER_RANGES, type IntegerBounds } from './field-rules.js';
import type { EnumModel, FieldModel, MessageModel, ValueType } from './model.js';
import {
  fieldName,
  jsonToList,
  jsonToStruct,
  jsonToValue,
  listToJson,
  structToJson,
  valueToJson,
} from './struct.js';
import {
  durationToString,
  stringToDuration,
  stringToTimestamp,
  timestampToString,
} from './time.js';

type Wire = Record<string, unknown>;

/** The caller's arguments cannot be encoded; the message is safe to show. */
export class InputError extends Error {}

/** How decoded messages are turned into plain objects before the model walks them. */
export const DECODE_OPTIONS: protobuf.IConversionOptions = Object.freeze({
  longs: String,
  enums: String,
  bytes: String,
  defaults: true,
  arrays: true,
  objects: true,
});

const INTEGER = /^-?\d+$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

const enumLookups = new WeakMap<
  EnumModel,
  { toProto: Map<string, string>; toGraphQL: Map<string, string> }
>();

function lookupOf(model: EnumModel): {
  toProto: Map<string, string>;
  toGraphQL: Map<string, string>;
} {
  let lookup = enumLookups.get(model);
  if (!lookup) {
    lookup = {
      toProto: new Map(model.values.map((value) => [value.name, value.protoName])),
      toGraphQL: new Map(),
    };
    for (const value of model.values) {
      lookup.toGraphQL.set(value.protoName, value.name);
      lookup.toGraphQL.set(String(value.number), value.name);
    }
    enumLookups.set(model, lookup);
  }
  return lookup;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- GraphQL → wire ----

function scalarIn(graphql: string, value: unknown, path: string): unknown {
  const ok =
    graphql === 'BigInt'
      ? (typeof value === 'string' && INTEGER.test(value)) ||
        (typeof value === 'number' && Number.isSafeInteger(value)) ||
        typeof value === 'bigint'
      : graphql === 'Int'
        ? typeof value === 'number' && Number.isInteger(value)
        : graphql === 'Float'
          ? typeof value === 'number'
          : graphql === 'Boolean'
            ? typeof value === 'boolean'
            : graphql === 'Base64'
              ? typeof value === 'string' && BASE64.test(value)
              : typeof value === 'string';
  if (!ok) throw new InputError(`${path} should be a ${graphql}.`);
  return typeof value === 'bigint' || (graphql === 'BigInt' && typeof value === 'number')
    ? String(value)
    : value;
}

/**
 * Refuses an integer its proto kind cannot hold, or one outside the field's
 * rules (field-rules.ts). The edge refuses the same through `@constraint`
 * first (model.ts); this stays for callers of the source alone.
 */
function checkInteger(
  protoType: string,
  wire: unknown,
  path: string,
  bounds?: IntegerBounds,
): unknown {
  const range = INTEGER_RANGES[protoType];
  if ((range === undefined && bounds === undefined) || typeof wire !== 'string') return wire;
  const n = BigInt(wire);
  const min = [range?.[0], bounds?.min].reduce<bigint | undefined>(
    (a, b) => (b === undefined ? a : a === undefined || b > a ? b : a),
    undefined,
  );
  const max = [range?.[1], bounds?.max].reduce<bigint | undefined>(
    (a, b) => (b === undefined ? a : a === undefined || b < a ? b : a),
    undefined,
  );
  if ((min !== undefined && n < min) || (max !== undefined && n > max))
    throw new InputError(
      `${path} should be ${min === undefined ? '' : `at least ${min}`}${min !== undefined && max !== undefined ? ' and ' : ''}${max === undefined ? '' : `at most ${max}`} (${protoType}).`,
    );
  return wire;
}

function valueIn(type: ValueType, value: unknown, path: string, bounds?: IntegerBounds): unknown {
  switch (type.kind) {
    case 'scalar':
      return checkInteger(type.protoType, scalarIn(type.graphql, value, path), path, bounds);
    case 'enum': {
      const proto = typeof value === 'string' ? lookupOf(type.model).toProto.get(value) : undefined;
      if (proto === undefined)
        throw new InputError(
          `${path} should be one of ${type.model.values
            .map((v) => v.name)
            .slice(0, 10)
            .join(', ')}.`,
        );
      return proto;
    }
    case 'message':
      if (!isRecord(value)) throw new InputError(`${path} should be an input object.`);
      return messageIn(type.model, value, path);
    case 'wellKnown':
      return wellKnownIn(type, value, path);
  }
}

function wellKnownIn(
  type: Extract<ValueType, { kind: 'wellKnown' }>,
  value: unknown,
  path: string,
): unknown {
  const t = type.type;
  try {
    switch (type.wellKnown.kind) {
      case 'timestamp':
        return stringToTimestamp(value instanceof Date ? value.toISOString() : String(value));
      case 'duration':
        return stringToDuration(String(value));
      case 'wrapper': {
        // UInt64Value holds a uint64: its range is checked as a bare uint64's is.
        const inner = t.fields.value?.type ?? '';
        return {
          [fieldName(t, 1)]: checkInteger(
            inner,
            scalarIn(type.wellKnown.graphql, value, path),
            path,
          ),
        };
      }
      case 'struct':
        return jsonToStruct(t, value);
      case 'value':
        return jsonToValue(t, value);
      case 'listValue':
        return jsonToList(t, value);
      case 'any': {
        if (!isRecord(value) || typeof value.typeUrl !== 'string')
          throw new TypeError('an object { typeUrl, value (base64) } is expected');
        return {
          [fieldName(t, 1)]: value.typeUrl,
          [fieldName(t, 2)]: scalarIn('Base64', value.value ?? '', `${path}.value`),
        };
      }
      case 'empty':
        return {};
      case 'fieldMask':
        if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
          throw new TypeError('a list of field paths is expected');
        return { [fieldName(t, 1)]: value };
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: ${error instanceof Error ? error.message : 'unreadable'}.`);
  }
}

function fieldIn(field: FieldModel, value: unknown, path: string): unknown {
  if (field.map) {
    if (!Array.isArray(value))
      throw new InputError(`${path} should be a list of { key, value } entries.`);
    const entries: Wire = {};
    const list: Wire[] = [];
    value.forEach((entry, index) => {
      if (!isRecord(entry) || entry.key === undefined || entry.key === null)
        throw new InputError(`${path}[${index}] should be an entry with a key.`);
      const key =
        field.map?.key.kind === 'scalar'
          ? valueIn(field.map.key, entry.key, `${path}[${index}].key`)
          : scalarIn('String', entry.key, `${path}[${index}].key`);
      if (entry.value === undefined || entry.value === null) return;
      const wire = valueIn(field.type, entry.value, `${path}[${index}].value`);
      // protobufjs writes an object map's keys with writer.bool(key), so the string "false" would be written as true; "" is written as false.
      entries[key === false ? '' : String(key)] = wire;
      list.push({ key, value: wire });
    });
    return field.map.wire === 'entries' ? list : entries;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) throw new InputError(`${path} should be a list.`);
    return value.map((item, index) => valueIn(field.type, item, `${path}[${index}]`, field.bounds));
  }
  return valueIn(field.type, value, path, field.bounds);
}

/** Builds the wire object of `model` from GraphQL arguments or an input object. */
/** `path.name`, or `name` at the top; a module function, not a per-call closure (see wireField). */
const joinPath = (path: string, name: string): string => (path ? `${path}.${name}` : name);

export function messageIn(
  model: MessageModel,
  value: Readonly<Record<string, unknown>>,
  path = '',
): Wire {
  const wire: Wire = {};
  const known = new Set<string>();
  for (const member of model.members) {
    if (member.kind === 'field') {
      const { field } = member;
      known.add(field.name);
      const given = value[field.name];
      if (given !== undefined && given !== null)
        wire[field.protoName] = fieldIn(field, given, joinPath(path, field.name));
      continue;
    }
    const { oneof } = member;
    known.add(oneof.name);
    const given = value[oneof.name];
    if (given === undefined || given === null) continue;
    if (!isRecord(given))
      throw new InputError(
        `${joinPath(path, oneof.name)} should be an input object with exactly one of ${oneof.members.map((m) => m.name).join(', ')}.`,
      );
    const set = oneof.members.filter((m) => given[m.name] !== undefined && given[m.name] !== null);
    // graphql 16 does not enforce @oneOf, so the rule is kept here.
    if (
      set.length !== 1 ||
      Object.keys(given).some((key) => !oneof.members.some((m) => m.name === key))
    ) {
      throw new InputError(
        `${joinPath(path, oneof.name)} takes exactly one of ${oneof.members.map((m) => m.name).join(', ')}; ${set.length} given.`,
      );
    }
    const [chosen] = set as [FieldModel];
    wire[chosen.protoName] = valueIn(
      chosen.type,
      given[chosen.name],
      `${joinPath(path, oneof.name)}.${chosen.name}`,
      chosen.bounds,
    );
  }
  for (const key of Object.keys(value)) {
    if (!known.has(key))
      throw new InputError(`${joinPath(path, key)} is not a field of ${model.inputName}.`);
  }
  return wire;
}

/** Encodes GraphQL arguments as the request message of `type`. */
export function encodeRequest(
  request: ValueType,
  args: Readonly<Record<string, unknown>>,
): Uint8Array {
  let wire: Wire;
  let protoType: protobuf.Type;
  if (request.kind === 'message') {
    wire = messageIn(request.model, args);
    protoType = request.model.type;
  } else if (request.kind === 'wellKnown') {
    protoType = request.type;
    const given = args.value;
    wire =
      request.wellKnown.kind === 'empty' || given === undefined || given === null
        ? {}
        : (wellKnownIn(request, given, 'value') as Wire);
  } else {
    throw new TypeError('A request type is always a message.');
  }
  let message: protobuf.Message;
  try {
    message = protoType.fromObject(wire);
  } catch (error) {
    throw new InputError(
      `The arguments cannot be encoded: ${error instanceof Error ? error.message : 'unreadable'}.`,
    );
  }
  return protoType.encode(message).finish();
}

// ---- wire → GraphQL ----

function scalarOut(graphql: string, value: unknown): unknown {
  if (graphql === 'BigInt' && typeof value === 'number') return String(value);
  return value;
}

function valueOut(type: ValueType, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (type.kind) {
    case 'scalar':
      return scalarOut(type.graphql, value);
    case 'enum':
      // A number the contract does not name (a newer server) reads as the zero value, as proto3 says of unknown enum values in open enums.
      return (
        lookupOf(type.model).toGraphQL.get(String(value)) ?? type.model.values[0]?.name ?? null
      );
    case 'message':
      return messageOut(type.model, value as Wire);
    case 'wellKnown':
      return wellKnownOut(type, value as Wire);
  }
}

/**
 * Field `id` of a decoded well-known message. A module function rather than a
 * closure made per value: under tsx (keepNames) every named closure costs a
 * defineProperty, which showed in profiles of a 50-price decode.
 */
const wireField = (type: protobuf.Type, wire: Wire, id: number): unknown =>
  wire[fieldName(type, id)];

function wellKnownOut(type: Extract<ValueType, { kind: 'wellKnown' }>, wire: Wire): unknown {
  const t = type.type;
  switch (type.wellKnown.kind) {
    case 'timestamp':
      return timestampToString(
        String(wireField(t, wire, 1) ?? '0'),
        Number(wireField(t, wire, 2) ?? 0),
      );
    case 'duration':
      return durationToString(
        String(wireField(t, wire, 1) ?? '0'),
        Number(wireField(t, wire, 2) ?? 0),
      );
    case 'wrapper':
      return scalarOut(type.wellKnown.graphql, wireField(t, wire, 1));
    case 'struct':
      return structToJson(t, wire);
    case 'value':
      return valueToJson(t, wire);
    case 'listValue':
      return listToJson(t, wire);
    case 'any':
      return { typeUrl: wireField(t, wire, 1) ?? '', value: wireField(t, wire, 2) ?? '' };
    case 'empty':
      return true;
    case 'fieldMask':
      return Array.isArray(wireField(t, wire, 1)) ? wireField(t, wire, 1) : [];
  }
}

const UNSIGNED_64 = new Set(['uint64', 'fixed64']);

function mapKeyOut(key: ValueType | undefined, raw: string): unknown {
  if (key?.kind !== 'scalar') return raw;
  // protobufjs keys 64-bit maps by an 8-character hash of the number's bits, not by its digits.
  if (
    key.graphql === 'BigInt' &&
    /^(u|s)?(int|fixed)64$/.test(key.protoType) &&
    raw.length === 8 &&
    !INTEGER.test(raw)
  ) {
    return protobuf.util.LongBits.fromHash(raw).toLong(UNSIGNED_64.has(key.protoType)).toString();
  }
  if (key.graphql === 'Int') return Number(raw);
  if (key.graphql === 'Boolean') return raw === 'true';
  return raw;
}

function fieldOut(field: FieldModel, value: unknown): unknown {
  if (field.map) {
    const pairs: Array<[unknown, unknown]> =
      field.map.wire === 'entries'
        ? (Array.isArray(value) ? value : []).map((entry: Wire) => [entry.key, entry.value])
        : Object.entries(isRecord(value) ? value : {});
    return pairs.map(([key, entry]) => ({
      key: mapKeyOut(field.map?.key, String(key)),
      value: valueOut(field.type, entry),
    }));
  }
  if (field.repeated)
    return Array.isArray(value) ? value.map((item) => valueOut(field.type, item)) : [];
  return valueOut(field.type, value);
}

/** Turns a decoded message (after `toObject(DECODE_OPTIONS)`) into the subgraph's shape. */
export function messageOut(model: MessageModel, wire: Wire): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const member of model.members) {
    if (member.kind === 'field') {
      out[member.field.name] = fieldOut(member.field, wire[member.field.protoName]);
      continue;
    }
    const chosen = member.oneof.members.find(
      (m) => wire[m.protoName] !== undefined && wire[m.protoName] !== null,
    );
    out[member.oneof.name] = chosen
      ? { [chosen.name]: valueOut(chosen.type, wire[chosen.protoName]) }
      : null;
  }
  return out;
}

/** Decodes a response message and turns it into the subgraph's shape. Throws on bytes that are not the message. */
export function decodeResponse(response: ValueType, bytes: Uint8Array): unknown {
  const protoType =
    response.kind === 'message'
      ? response.model.type
      : response.kind === 'wellKnown'
        ? response.type
        : undefined;
  if (!protoType) throw new TypeError('A response type is always a message.');
  const wire = protoType.toObject(protoType.decode(bytes), DECODE_OPTIONS) as Wire;
  return valueOut(response, wire);
}
