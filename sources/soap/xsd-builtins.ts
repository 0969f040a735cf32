/**
 * Every XSD 1.0/1.1 built-in datatype and the GraphQL scalar it reads as.
 * Integers that can pass 2^31 become BigInt and xs:decimal becomes Decimal,
 * both strings on the wire, so no digit is lost on the way to a caller.
 */
import type { CustomScalarName } from '../common/index.js';

export type ScalarName = 'String' | 'Int' | 'Float' | 'Boolean' | 'ID' | CustomScalarName;

export const XSD_BUILTINS: ReadonlyMap<string, ScalarName> = new Map<string, ScalarName>([
  // strings and names
  ['string', 'String'],
  ['normalizedString', 'String'],
  ['token', 'String'],
  ['language', 'String'],
  ['Name', 'String'],
  ['NCName', 'String'],
  ['NMTOKEN', 'String'],
  ['NMTOKENS', 'String'],
  ['ID', 'ID'],
  ['IDREF', 'String'],
  ['IDREFS', 'String'],
  ['ENTITY', 'String'],
  ['ENTITIES', 'String'],
  ['anyURI', 'String'],
  ['QName', 'String'],
  ['NOTATION', 'String'],
  ['hexBinary', 'String'],
  ['anySimpleType', 'String'],
  ['anyAtomicType', 'String'],
  // calendar values without an RFC 3339 scalar of their own stay ISO 8601 strings
  ['time', 'String'],
  ['gYear', 'String'],
  ['gYearMonth', 'String'],
  ['gMonth', 'String'],
  ['gMonthDay', 'String'],
  ['gDay', 'String'],
  ['dateTime', 'DateTime'],
  ['dateTimeStamp', 'DateTime'],
  ['date', 'Date'],
  ['duration', 'Duration'],
  ['dayTimeDuration', 'Duration'],
  ['yearMonthDuration', 'Duration'],
  ['base64Binary', 'Base64'],
  ['boolean', 'Boolean'],
  ['float', 'Float'],
  ['double', 'Float'],
  ['decimal', 'Decimal'],
  // 32 bits or fewer, signed: fits GraphQL Int
  ['int', 'Int'],
  ['short', 'Int'],
  ['byte', 'Int'],
  ['unsignedShort', 'Int'],
  ['unsignedByte', 'Int'],
  // may pass 2^31 - 1
  ['integer', 'BigInt'],
  ['long', 'BigInt'],
  ['unsignedLong', 'BigInt'],
  ['unsignedInt', 'BigInt'],
  ['nonNegativeInteger', 'BigInt'],
  ['positiveInteger', 'BigInt'],
  ['nonPositiveInteger', 'BigInt'],
  ['negativeInteger', 'BigInt'],
  ['anyType', 'JSON'],
]);
