/**
 * Protobuf scalar and well-known types → GraphQL types. Integers that do not
 * fit GraphQL's signed 32-bit Int (every 64-bit kind, and uint32/fixed32)
 * become BigInt strings, so no value loses a digit.
 */

export type WellKnown =
  | { kind: 'timestamp'; graphql: 'DateTime' }
  | { kind: 'duration'; graphql: 'Duration' }
  /** google.protobuf.*Value: a nullable scalar. */
  | { kind: 'wrapper'; graphql: string }
  | { kind: 'struct' | 'value' | 'listValue' | 'any'; graphql: 'JSON' }
  /** As a request: no arguments; as a response or field: Boolean (true when present). */
  | { kind: 'empty'; graphql: 'Boolean' }
  | { kind: 'fieldMask'; graphql: '[String!]' };

const SCALARS: Readonly<Record<string, string>> = {
  double: 'Float',
  float: 'Float',
  int32: 'Int',
  sint32: 'Int',
  sfixed32: 'Int',
  uint32: 'BigInt',
  fixed32: 'BigInt',
  int64: 'BigInt',
  uint64: 'BigInt',
  sint64: 'BigInt',
  fixed64: 'BigInt',
  sfixed64: 'BigInt',
  bool: 'Boolean',
  string: 'String',
  bytes: 'Base64',
};

export function scalarOf(protoType: string): string {
  const graphql = SCALARS[protoType];
  if (graphql === undefined) throw new TypeError(`Unknown protobuf scalar type "${protoType}".`);
  return graphql;
}

const WELL_KNOWN: Readonly<Record<string, WellKnown>> = {
  '.google.protobuf.Timestamp': { kind: 'timestamp', graphql: 'DateTime' },
  '.google.protobuf.Duration': { kind: 'duration', graphql: 'Duration' },
  '.google.protobuf.DoubleValue': { kind: 'wrapper', graphql: 'Float' },
  '.google.protobuf.FloatValue': { kind: 'wrapper', graphql: 'Float' },
  '.google.protobuf.Int64Value': { kind: 'wrapper', graphql: 'BigInt' },
  '.google.protobuf.UInt64Value': { kind: 'wrapper', graphql: 'BigInt' },
  '.google.protobuf.Int32Value': { kind: 'wrapper', graphql: 'Int' },
  '.google.protobuf.UInt32Value': { kind: 'wrapper', graphql: 'BigInt' },
  '.google.protobuf.BoolValue': { kind: 'wrapper', graphql: 'Boolean' },
  '.google.protobuf.StringValue': { kind: 'wrapper', graphql: 'String' },
  '.google.protobuf.BytesValue': { kind: 'wrapper', graphql: 'Base64' },
  '.google.protobuf.Struct': { kind: 'struct', graphql: 'JSON' },
  '.google.protobuf.Value': { kind: 'value', graphql: 'JSON' },
  '.google.protobuf.ListValue': { kind: 'listValue', graphql: 'JSON' },
  '.google.protobuf.Any': { kind: 'any', graphql: 'JSON' },
  '.google.protobuf.Empty': { kind: 'empty', graphql: 'Boolean' },
  '.google.protobuf.FieldMask': { kind: 'fieldMask', graphql: '[String!]' },
};

/** The well-known type with this full name (leading dot), if it is one. */
export function wellKnownOf(fullName: string): WellKnown | undefined {
  return WELL_KNOWN[fullName];
}
