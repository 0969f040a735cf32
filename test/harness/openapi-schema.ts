/**
 * JSON Schema for the OpenAPI mock: validates a value against a schema of
 * an OpenAPI 3.0/3.1 document, and makes an answer from the schema's
 * examples. Hand-written because no schema validator is installed (ajv
 * would be the library to use); it covers the keywords contracts use for
 * requests (type, nullable, enum, const, required, properties,
 * additionalProperties, items, allOf/anyOf/oneOf with a discriminator,
 * bounds, pattern, readOnly) and says so when it meets one it does not know.
 * Refs are local to the one document (`#/components/...`).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Schema = Record<string, unknown>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows `$ref`s (local ones only) until a schema without one. */
export function resolveRef(doc: unknown, node: unknown): unknown {
  let current = node;
  for (let hops = 0; isRecord(current) && typeof current.$ref === 'string'; hops += 1) {
    const ref = current.$ref;
    if (!ref.startsWith('#') || hops > 64) throw new Error(`The mock resolves only local refs, got ${ref}`);
    current = ref
      .slice(2)
      .split('/')
      .filter((part) => part !== '')
      .reduce<unknown>((at, part) => (isRecord(at) ? at[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
    if (current === undefined) throw new Error(`Unresolved ref ${ref}`);
  }
  return current;
}

export type Direction = 'request' | 'response';

const KNOWN = new Set([
  '$ref', 'type', 'nullable', 'enum', 'const', 'required', 'properties', 'additionalProperties', 'items', 'allOf', 'anyOf', 'oneOf',
  'discriminator', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern', 'format', 'readOnly', 'writeOnly',
  'description', 'title', 'example', 'examples', 'default', 'deprecated', 'xml', 'externalDocs', 'contentEncoding', 'contentMediaType',
  'x-nullable',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(type: string, value: unknown): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Every way `value` breaks `schema`, as "$.path: reason" lines; empty when it conforms. */
export function validate(doc: unknown, schemaNode: unknown, value: unknown, direction: Direction, at = '$'): string[] {
  const schema = resolveRef(doc, schemaNode);
  if (schema === true || schema === undefined) return [];
  if (schema === false) return [`${at}: no value is allowed here`];
  if (!isRecord(schema)) return [`${at}: the schema is not an object`];
  const errors: string[] = [];
  for (const key of Object.keys(schema)) if (!KNOWN.has(key) && !key.startsWith('x-')) errors.push(`${at}: the mock does not know the keyword "${key}"`);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : [];
  if (value === null) {
    const nullable = schema.nullable === true || types.includes('null') || schema.const === null || (Array.isArray(schema.enum) && schema.enum.includes(null));
    if (nullable) return errors;
    if (types.length > 0 || schema.enum !== undefined || schema.const !== undefined) return [...errors, `${at}: null is not allowed`];
  }
  if (direction === 'request' && schema.readOnly === true && at !== '$') errors.push(`${at}: a readOnly property was sent`);
  if (types.length > 0 && !types.some((type) => typeMatches(type, value))) return [...errors, `${at}: expected ${types.join(' or ')}, got ${typeOf(value)}`];
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) errors.push(`${at}: ${JSON.stringify(value)} is not one of the enum values`);
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) errors.push(`${at}: expected the constant ${JSON.stringify(schema.const)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${at}: below the minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${at}: above the maximum`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) errors.push(`${at}: shorter than minLength`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) errors.push(`${at}: longer than maxLength`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${at}: does not match the pattern`);
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) errors.push(`${at}: not a date-time`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) errors.push(`${at}: fewer than minItems`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errors.push(`${at}: more than maxItems`);
    if (schema.items !== undefined) value.forEach((item, index) => errors.push(...validate(doc, schema.items, item, direction, `${at}[${index}]`)));
  }
  if (isRecord(value)) errors.push(...validateObject(doc, schema, value, direction, at));
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf) errors.push(...validate(doc, part, value, direction, at));
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((part) => validate(doc, part, value, direction, at).length === 0)) errors.push(`${at}: matches none of anyOf`);
  if (Array.isArray(schema.oneOf)) errors.push(...validateOneOf(doc, schema, schema.oneOf, value, direction, at));
  return errors;
}

function validateObject(doc: unknown, schema: Schema, value: Record<string, unknown>, direction: Direction, at: string): string[] {
  const errors: string[] = [];
  const properties = isRecord(schema.properties) ? schema.properties : {};
  if (Array.isArray(schema.required)) {
    for (const name of schema.required) {
      const property = resolveRef(doc, properties[name as string]);
      // A readOnly property is required of answers only (OpenAPI 3.0, "readOnly").
      const readOnlyInRequest = direction === 'request' && isRecord(property) && property.readOnly === true;
      if (typeof name === 'string' && !Object.hasOwn(value, name) && !readOnlyInRequest) errors.push(`${at}: the required property "${name}" is missing`);
    }
  }
  for (const [name, item] of Object.entries(value)) {
    if (Object.hasOwn(properties, name)) errors.push(...validate(doc, properties[name], item, direction, `${at}.${name}`));
    else if (schema.additionalProperties === false) errors.push(`${at}: the property "${name}" is not allowed`);
    else if (isRecord(schema.additionalProperties)) errors.push(...validate(doc, schema.additionalProperties, item, direction, `${at}.${name}`));
  }
  return errors;
}

function validateOneOf(doc: unknown, schema: Schema, options: unknown[], value: unknown, direction: Direction, at: string): string[] {
  const discriminator = isRecord(schema.discriminator) ? schema.discriminator : undefined;
  if (discriminator && typeof discriminator.propertyName === 'string' && isRecord(value)) {
    const tag = value[discriminator.propertyName];
    const mapping = isRecord(discriminator.mapping) ? discriminator.mapping : {};
    const target = typeof tag === 'string' ? (mapping[tag] ?? `#/components/schemas/${tag}`) : undefined;
    if (typeof target !== 'string') return [`${at}: the discriminator "${discriminator.propertyName}" is missing`];
    const chosen = options.find((option) => isRecord(option) && option.$ref === target);
    if (chosen === undefined) return [`${at}: the discriminator value ${JSON.stringify(tag)} names no oneOf member`];
    return validate(doc, chosen, value, direction, at);
  }
  const matching = options.filter((option) => validate(doc, option, value, direction, at).length === 0).length;
  return matching === 1 ? [] : [`${at}: matches ${matching} of oneOf, expected exactly one`];
}

/** A value for `schema` made from its examples: example, examples[0], default, const, enum[0], then by type. */
export function exampleOf(doc: unknown, schemaNode: unknown, depth = 0): Json {
  const schema = resolveRef(doc, schemaNode);
  if (!isRecord(schema) || depth > 8) return null;
  if (schema.example !== undefined) return schema.example as Json;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0] as Json;
  if (schema.default !== undefined) return schema.default as Json;
  if (schema.const !== undefined) return schema.const as Json;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] as Json;
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.map((part) => exampleOf(doc, part, depth + 1)), exampleOfProperties(doc, schema, depth)) as Json;
  }
  const options = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
  if (options !== undefined && options.length > 0) return exampleOf(doc, options[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'array':
      return [exampleOf(doc, schema.items, depth + 1)];
    case 'string':
      return schema.format === 'date-time' ? '2026-01-01T00:00:00Z' : 'string';
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return exampleOfProperties(doc, schema, depth);
  }
}

function exampleOfProperties(doc: unknown, schema: Schema, depth: number): Json {
  const out: Record<string, Json> = {};
  if (isRecord(schema.properties)) for (const [name, property] of Object.entries(schema.properties)) out[name] = exampleOf(doc, property, depth + 1);
  return out;
}
