/**
 * JSON Schema primitives and enums → GraphQL scalars and enums.
 *
 * The integer rule: `format: int64` (or uint64) is BigInt; `format: int32` is
 * Int; a plain `integer` is Int unless its `minimum`/`maximum` reach past
 * the 32-bit range GraphQL's Int allows, then BigInt. Contracts rarely
 * bound their ids, so a plain `integer` stays Int: readable, and what the
 * author most likely meant.
 */
import { createNameAllocator, toEnumValue } from '../common/index.js';
import { scalar, type EnumValueShape, type ScalarShape } from './shapes.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const STRING_FORMATS: Readonly<Record<string, string>> = {
  'date-time': 'DateTime',
  date: 'Date',
  duration: 'Duration',
  binary: 'Base64',
  byte: 'Base64',
  int64: 'BigInt',
  decimal: 'Decimal',
};

const NUMBER_FORMATS: Readonly<Record<string, string>> = {
  int32: 'Int',
  int64: 'BigInt',
  decimal: 'Decimal',
  money: 'Decimal',
};

/**
 * A schema whose only value is null: `type: "null"` (OpenAPI 3.1),
 * `const: null` or `enum: [null]`. It maps to a nullable scalar: typed
 * non-null, its one value would null the whole object around it.
 */
export function isNullOnly(schema: Record<string, unknown>): boolean {
  const { type } = schema;
  return (
    type === 'null' ||
    (Array.isArray(type) && type.length > 0 && type.every((t) => t === 'null')) ||
    (Object.hasOwn(schema, 'const') && schema.const === null) ||
    (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every((v) => v === null))
  );
}

/** The scalar for a primitive JSON Schema type, or undefined when `type` is not a primitive. */
export function primitiveScalar(
  type: string,
  schema: Record<string, unknown>,
): ScalarShape | undefined {
  const format = typeof schema.format === 'string' ? schema.format.toLowerCase() : undefined;
  switch (type) {
    case 'string':
      if (schema.contentEncoding === 'base64') return scalar('Base64');
      return scalar((format && STRING_FORMATS[format]) ?? 'String', 'string');
    case 'integer': {
      if (format === 'int64' || format === 'uint64' || format === 'uint32')
        return scalar('BigInt', 'integer');
      if (format === 'int32') return scalar('Int');
      const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
      const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
      if ((min !== undefined && min < INT32_MIN) || (max !== undefined && max > INT32_MAX))
        return scalar('BigInt', 'integer');
      return scalar('Int');
    }
    case 'number':
      return scalar((format && NUMBER_FORMATS[format]) ?? 'Float', 'number');
    case 'boolean':
      return scalar('Boolean');
    default:
      return undefined;
  }
}

/**
 * Enum values with GraphQL names. Every value is kept: names that would
 * collide after mapping (`in-stock`, `IN_STOCK`) are told apart with a suffix.
 * Returns undefined for enums that are not strings or numbers.
 */
export function enumValues(raw: readonly unknown[]): EnumValueShape[] | undefined {
  const allocator = createNameAllocator();
  const values: EnumValueShape[] = [];
  const seen = new Set<string>();
  for (const value of raw) {
    if (value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    const key = JSON.stringify(value);
    if (seen.has(key)) continue;
    seen.add(key);
    values.push({ name: allocator.claim(toEnumValue(String(value))), wire: value });
  }
  return values;
}
