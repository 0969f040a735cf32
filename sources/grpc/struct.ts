/**
 * google.protobuf.Struct / Value / ListValue ↔ plain JSON, and the other
 * message-shaped well-known types. Fields are found by number, not name:
 * protobufjs' bundled copies name them in camelCase (`nullValue`) while
 * descriptors from reflection keep snake_case (`null_value`).
 */
import protobuf from 'protobufjs';

type Wire = Record<string, unknown>;

/** The name of field `id` of `type`; throws on a type that is not the well-known one it claims to be. */
export function fieldName(type: protobuf.Type, id: number): string {
  const field = type.fieldsById[id];
  if (!field) throw new TypeError(`${type.fullName} has no field ${id}.`);
  return field.name;
}

function fieldType(type: protobuf.Type, id: number): protobuf.Type {
  const field = type.fieldsById[id];
  field?.resolve();
  const resolved = field?.resolvedType;
  if (!(resolved instanceof protobuf.Type))
    throw new TypeError(`${type.fullName} field ${id} is not a message.`);
  return resolved;
}

/** Value.kind members, by field number (struct.proto). */
const NULL = 1,
  NUMBER = 2,
  STRING = 3,
  BOOL = 4,
  STRUCT = 5,
  LIST = 6;

export function valueToJson(valueType: protobuf.Type, wire: unknown): unknown {
  if (wire === null || typeof wire !== 'object') return null;
  const value = wire as Wire;
  const at = (id: number): unknown => value[fieldName(valueType, id)];
  if (at(NUMBER) !== undefined && at(NUMBER) !== null) return at(NUMBER);
  if (at(STRING) !== undefined && at(STRING) !== null) return at(STRING);
  if (at(BOOL) !== undefined && at(BOOL) !== null) return at(BOOL);
  if (at(STRUCT) !== undefined && at(STRUCT) !== null)
    return structToJson(fieldType(valueType, STRUCT), at(STRUCT));
  if (at(LIST) !== undefined && at(LIST) !== null)
    return listToJson(fieldType(valueType, LIST), at(LIST));
  return null;
}

export function structToJson(structType: protobuf.Type, wire: unknown): Record<string, unknown> {
  const fields = ((wire ?? {}) as Wire)[fieldName(structType, 1)] as Wire | undefined;
  const valueType = fieldType(structType, 1);
  return Object.fromEntries(
    Object.entries(fields ?? {}).map(([key, value]) => [key, valueToJson(valueType, value)]),
  );
}

export function listToJson(listType: protobuf.Type, wire: unknown): unknown[] {
  const values = ((wire ?? {}) as Wire)[fieldName(listType, 1)];
  const valueType = fieldType(listType, 1);
  return Array.isArray(values) ? values.map((value) => valueToJson(valueType, value)) : [];
}

export function jsonToValue(valueType: protobuf.Type, json: unknown): Wire {
  const set = (id: number, value: unknown): Wire => ({ [fieldName(valueType, id)]: value });
  if (json === null || json === undefined) return set(NULL, 0);
  if (typeof json === 'number') return set(NUMBER, json);
  if (typeof json === 'string') return set(STRING, json);
  if (typeof json === 'boolean') return set(BOOL, json);
  if (Array.isArray(json)) return set(LIST, jsonToList(fieldType(valueType, LIST), json));
  if (typeof json === 'object')
    return set(STRUCT, jsonToStruct(fieldType(valueType, STRUCT), json));
  throw new TypeError(`a ${typeof json} is not JSON`);
}

export function jsonToStruct(structType: protobuf.Type, json: unknown): Wire {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new TypeError('a JSON object is expected');
  const valueType = fieldType(structType, 1);
  return {
    [fieldName(structType, 1)]: Object.fromEntries(
      Object.entries(json).map(([key, value]) => [key, jsonToValue(valueType, value)]),
    ),
  };
}

export function jsonToList(listType: protobuf.Type, json: unknown): Wire {
  if (!Array.isArray(json)) throw new TypeError('a JSON array is expected');
  const valueType = fieldType(listType, 1);
  return { [fieldName(listType, 1)]: json.map((value) => jsonToValue(valueType, value)) };
}
