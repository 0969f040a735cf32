/**
 * Reading an OpenAPI 3.x document for the mock: follows local refs and makes
 * an answer from a schema's examples. Hand-written because no library makes
 * example values the way the mock wants them (example, examples, default,
 * const, enum, then by type) and following a local pointer is a few lines;
 * validation is ajv's (openapi-validate.ts). Refs are local to the one
 * document (`#/components/...`).
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
    if (!ref.startsWith('#') || hops > 64)
      throw new Error(`The mock resolves only local refs, got ${ref}`);
    current = ref
      .slice(2)
      .split('/')
      .filter((part) => part !== '')
      .reduce<unknown>(
        (at, part) =>
          isRecord(at)
            ? at[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')]
            : undefined,
        doc,
      );
    if (current === undefined) throw new Error(`Unresolved ref ${ref}`);
  }
  return current;
}

/** A value for `schema` made from its examples: example, examples[0], default, const, enum[0], then by type. */
export function exampleOf(doc: unknown, schemaNode: unknown, depth = 0): Json {
  const schema = resolveRef(doc, schemaNode);
  if (!isRecord(schema) || depth > 8) return null;
  if (schema.example !== undefined) return schema.example as Json;
  if (Array.isArray(schema.examples) && schema.examples.length > 0)
    return schema.examples[0] as Json;
  if (schema.default !== undefined) return schema.default as Json;
  if (schema.const !== undefined) return schema.const as Json;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] as Json;
  if (Array.isArray(schema.allOf)) {
    return Object.assign(
      {},
      ...schema.allOf.map((part) => exampleOf(doc, part, depth + 1)),
      exampleOfProperties(doc, schema, depth),
    ) as Json;
  }
  const options = Array.isArray(schema.oneOf)
    ? schema.oneOf
    : Array.isArray(schema.anyOf)
      ? schema.anyOf
      : undefined;
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
  if (isRecord(schema.properties))
    for (const [name, property] of Object.entries(schema.properties))
      out[name] = exampleOf(doc, property, depth + 1);
  return out;
}
