/**
 * Request validation for the OpenAPI mock, by ajv: draft-07 for OpenAPI 3.0
 * documents, JSON Schema 2020-12 for 3.1 ones. The document is read once into
 * a copy ajv understands (see `adapt`), added to ajv whole, and each schema
 * the mock asks about is compiled once, by its JSON pointer, so local refs
 * resolve as in the document. Unknown keywords are refused at compile time
 * (`strictSchema`), so a contract the mock cannot check says so instead of
 * passing everything; OpenAPI's annotation keywords and `x-` extensions are
 * declared, unknown formats pass (OpenAPI lets tools ignore them).
 */
import {
  Ajv,
  type ErrorObject,
  type KeywordDefinition,
  type Options,
  type ValidateFunction,
} from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { isRecord, resolveRef } from './openapi-schema.js';

/** Every way `value` breaks the schema, as "where: reason" lines (`where` is `at` plus the JSON pointer into the value); empty when it conforms. */
export type RequestValidator = (schema: unknown, value: unknown, at: string) => string[];

const DOCUMENT_ID = 'mock:openapi';
/** Added beside `readOnly: true`: a request may not carry the property (OpenAPI 3.0, "readOnly"). */
const READ_ONLY = 'readOnlyInRequest';
const ANNOTATIONS = ['example', 'xml', 'externalDocs', 'discriminator', 'components', 'paths'];

interface Reading {
  readonly is30: boolean;
  readonly pointers: WeakMap<object, string>;
  readonly extensions: Set<string>;
  readonly formats: Set<string>;
}

/** "#/a/b~1c" for ["a", "b/c"], URI-escaped for ajv's ref parser. */
function pointerOf(parts: readonly string[]): string {
  return parts
    .map((part) => `/${encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1'))}`)
    .join('');
}

function isReadOnly(doc: unknown, schema: unknown): boolean {
  try {
    const resolved = resolveRef(doc, schema);
    return isRecord(resolved) && resolved.readOnly === true;
  } catch {
    return false;
  }
}

/**
 * A discriminated oneOf chooses its member by the tag (mapping, or the
 * member's schema name), as the hand-written mock did: rewritten as "the tag
 * is one of the known values" plus one if/then per member. A oneOf with
 * inline members keeps plain oneOf semantics.
 */
function byDiscriminator(out: Record<string, unknown>): void {
  const discriminator = out.discriminator;
  if (
    !isRecord(discriminator) ||
    typeof discriminator.propertyName !== 'string' ||
    !Array.isArray(out.oneOf)
  )
    return;
  const members = out.oneOf as unknown[];
  const refs = members.map((member) =>
    isRecord(member) && typeof member.$ref === 'string' ? member.$ref : undefined,
  );
  if (refs.some((ref) => ref === undefined)) return;
  const mapping = isRecord(discriminator.mapping) ? discriminator.mapping : {};
  const tagsOf = (ref: string): string[] => {
    const named = Object.entries(mapping)
      .filter(([, target]) => target === ref || `#/components/schemas/${String(target)}` === ref)
      .map(([tag]) => tag);
    return named.length > 0 ? named : [ref.split('/').pop() ?? ref];
  };
  const tag = discriminator.propertyName;
  const chosen = (refs as string[]).map((ref, index) => ({
    if: { required: [tag], properties: { [tag]: { enum: tagsOf(ref) } } },
    then: members[index],
  }));
  const known = {
    required: [tag],
    properties: { [tag]: { enum: (refs as string[]).flatMap(tagsOf) } },
  };
  out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), known, ...chosen];
  delete out.oneOf;
  delete out.discriminator;
}

/**
 * A copy of `node` in the schema language ajv speaks, seen from a request:
 * `readOnly` properties are not required and may not be sent; OpenAPI 3.0's
 * `nullable` admits null whatever else the schema says (as the 3.0.3 text
 * reads), and its boolean `exclusiveMinimum`/`exclusiveMaximum` become the
 * numeric form. The walk does not know which objects are schemas; the keys
 * it rewrites mean nothing elsewhere in a document, and examples it touches
 * are never validated.
 */
function adapt(doc: unknown, node: unknown, path: string[], reading: Reading): unknown {
  if (Array.isArray(node))
    return node.map((item, index) => adapt(doc, item, [...path, String(index)], reading));
  if (!isRecord(node)) return node;
  if (!reading.pointers.has(node)) reading.pointers.set(node, pointerOf(path));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-')) reading.extensions.add(key);
    out[key] = adapt(doc, value, [...path, key], reading);
  }
  if (typeof out.format === 'string') reading.formats.add(out.format);
  if (out.readOnly === true) out[READ_ONLY] = true;
  if (Array.isArray(out.required) && isRecord(node.properties)) {
    const properties = node.properties;
    out.required = out.required.filter(
      (name) => typeof name !== 'string' || !isReadOnly(doc, properties[name]),
    );
  }
  byDiscriminator(out);
  if (!reading.is30) return out;
  for (const [bound, exclusive] of [
    ['minimum', 'exclusiveMinimum'],
    ['maximum', 'exclusiveMaximum'],
  ] as const) {
    if (typeof out[exclusive] !== 'boolean') continue;
    if (out[exclusive] === true && typeof out[bound] === 'number') {
      out[exclusive] = out[bound];
      delete out[bound];
    } else delete out[exclusive];
  }
  if (!('nullable' in out) || typeof out.nullable !== 'boolean') return out;
  const { nullable, ...rest } = out;
  return nullable ? { if: { type: 'null' }, else: rest } : rest;
}

function describe(at: string, error: ErrorObject): string {
  const where = `${at}${error.instancePath}`;
  if (error.keyword === READ_ONLY) return `${where}: a readOnly property was sent`;
  const params = error.params as Record<string, unknown>;
  let detail = '';
  if (error.keyword === 'additionalProperties')
    detail = ` ("${String(params.additionalProperty)}")`;
  else if (error.keyword === 'type')
    detail = ` (got ${error.data === null ? 'null' : Array.isArray(error.data) ? 'array' : typeof error.data})`;
  else if (error.keyword === 'enum' && Array.isArray(params.allowedValues))
    detail = ` (${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')})`;
  return `${where}: ${error.message ?? error.keyword}${detail}`;
}

/** A validator for the requests of one parsed OpenAPI 3.x document; each schema is compiled on first use and kept. */
export function requestValidator(doc: Record<string, unknown>): RequestValidator {
  const is31 = typeof doc.openapi === 'string' && doc.openapi.startsWith('3.1');
  const reading: Reading = {
    is30: !is31,
    pointers: new WeakMap(),
    extensions: new Set(),
    formats: new Set(),
  };
  const adapted = adapt(doc, doc, [], reading) as Record<string, unknown>;
  const readOnly: KeywordDefinition = {
    keyword: READ_ONLY,
    schemaType: 'boolean',
    errors: false,
    // The value itself may be readOnly (a body that is one); only properties of it may not be sent.
    validate: (
      forbidden: boolean,
      _data: unknown,
      _parent?: unknown,
      cxt?: { instancePath: string },
    ) => !forbidden || cxt?.instancePath === '',
  };
  const extensions = [...reading.extensions].filter((key) => /^[a-z_$][a-z0-9_$:-]*$/i.test(key));
  const options: Options = {
    strict: false,
    strictSchema: true,
    allErrors: true,
    verbose: true,
    keywords: [...ANNOTATIONS, ...extensions, readOnly],
  };
  const ajv = is31 ? new Ajv2020(options) : new Ajv(options);
  formats.default(ajv);
  for (const format of reading.formats)
    if (ajv.formats[format] === undefined) ajv.addFormat(format, true);
  // Only the parts schemas live in: the rest of the document is not a schema, and ajv compiles the root once.
  ajv.addSchema(
    { $id: DOCUMENT_ID, components: adapted.components, paths: adapted.paths },
    undefined,
    undefined,
    false,
  );
  const compiled = new Map<string, ValidateFunction | string>();
  return (schema, value, at) => {
    if (schema === undefined || schema === true) return [];
    if (schema === false) return [`${at}: no value is allowed here`];
    const pointer = isRecord(schema) ? reading.pointers.get(schema) : undefined;
    if (pointer === undefined) return [`${at}: the schema is not an object of the document`];
    let validate = compiled.get(pointer);
    if (validate === undefined) {
      try {
        validate =
          (ajv.getSchema(`${DOCUMENT_ID}#${pointer}`) as ValidateFunction | undefined) ??
          'no schema at this place';
      } catch (error) {
        validate = (error as Error).message;
      }
      compiled.set(pointer, validate);
    }
    if (typeof validate === 'string')
      return [`${at}: the mock cannot check this schema: ${validate}`];
    if (validate(value)) return [];
    // An if/then or if/else failure repeats the errors of its branch, which are reported.
    return [
      ...new Set(
        (validate.errors ?? [])
          .filter((error) => error.keyword !== 'if')
          .map((error) => describe(at, error)),
      ),
    ];
  };
}
