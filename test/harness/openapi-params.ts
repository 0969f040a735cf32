/**
 * The server side of OpenAPI parameter serialisation, written from the
 * specification's "Style Values" table rather than from the gateway's own
 * serialiser, so a test that round-trips through it checks the gateway
 * against the standard and not against itself. Values come back typed as the
 * parameter's schema says (integers, booleans, arrays, objects).
 */
import { isRecord, resolveRef, type Json } from './openapi-schema.js';

export type ParamIn = 'path' | 'query' | 'header' | 'cookie';

export interface ParamSpec {
  readonly name: string;
  readonly in: ParamIn;
  readonly required: boolean;
  readonly schema: unknown;
  readonly style: string;
  readonly explode: boolean;
  /** Set for a `content` parameter: its value is serialised in that media type (JSON only). */
  readonly mediaType?: string;
}

const DEFAULT_STYLE: Record<ParamIn, string> = {
  path: 'simple',
  query: 'form',
  header: 'simple',
  cookie: 'form',
};

/** Operation-level parameters override path-level ones with the same name and location. */
export function readParams(doc: unknown, shared: unknown, own: unknown): ParamSpec[] {
  const byKey = new Map<string, ParamSpec>();
  for (const list of [shared, own]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const p = resolveRef(doc, entry);
      if (!isRecord(p) || typeof p.name !== 'string')
        throw new Error('The mock needs parameters with a name');
      const where = p.in as ParamIn;
      const style = typeof p.style === 'string' ? p.style : DEFAULT_STYLE[where];
      const content = isRecord(p.content) ? p.content : undefined;
      const mediaType = content ? Object.keys(content)[0] : undefined;
      const media = mediaType && content ? content[mediaType] : undefined;
      byKey.set(`${where}:${p.name}`, {
        name: p.name,
        in: where,
        required: where === 'path' || p.required === true,
        schema: isRecord(media) ? media.schema : p.schema,
        style,
        explode: typeof p.explode === 'boolean' ? p.explode : style === 'form',
        mediaType,
      });
    }
  }
  return [...byKey.values()];
}

function kindOf(doc: unknown, schema: unknown): string {
  const node = resolveRef(doc, schema);
  if (!isRecord(node)) return 'string';
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;
  if (typeof type === 'string') return type;
  if (isRecord(node.properties)) return 'object';
  return node.items !== undefined ? 'array' : 'string';
}

/** A string from the wire, typed as `schema` says; left a string when it does not parse (validation then says why). */
export function coerce(doc: unknown, schema: unknown, raw: string): Json {
  const kind = kindOf(doc, schema);
  if (
    (kind === 'integer' || kind === 'number') &&
    raw.trim() !== '' &&
    Number.isFinite(Number(raw))
  )
    return Number(raw);
  if (kind === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

function itemsOf(doc: unknown, schema: unknown): unknown {
  const node = resolveRef(doc, schema);
  return isRecord(node) ? node.items : undefined;
}

function propertySchema(doc: unknown, schema: unknown, key: string): unknown {
  const node = resolveRef(doc, schema);
  if (!isRecord(node)) return undefined;
  if (isRecord(node.properties) && Object.hasOwn(node.properties, key)) return node.properties[key];
  return isRecord(node.additionalProperties) ? node.additionalProperties : undefined;
}

/** `k1,v1,k2,v2` or `k1=v1,k2=v2` into an object typed by the schema. */
function objectFrom(doc: unknown, spec: ParamSpec, parts: string[], explodedPairs: boolean): Json {
  const out: Record<string, Json> = {};
  if (explodedPairs) {
    for (const part of parts) {
      const [key = '', ...rest] = part.split('=');
      out[key] = coerce(doc, propertySchema(doc, spec.schema, key), rest.join('='));
    }
  } else {
    for (let i = 0; i + 1 < parts.length; i += 2)
      out[parts[i] as string] = coerce(
        doc,
        propertySchema(doc, spec.schema, parts[i] as string),
        parts[i + 1] as string,
      );
  }
  return out;
}

/** One path segment or header value (`simple`, `label` or `matrix` style), already percent-decoded. */
export function parseSimple(doc: unknown, spec: ParamSpec, raw: string): Json {
  if (spec.mediaType !== undefined) return JSON.parse(raw) as Json;
  const kind = kindOf(doc, spec.schema);
  let parts: string[];
  if (spec.style === 'label') {
    if (!raw.startsWith('.')) throw new Error('a label value starts with "."');
    parts = raw.slice(1).split(spec.explode ? '.' : ',');
  } else if (spec.style === 'matrix') {
    const prefix = `;${spec.name}=`;
    if (!raw.startsWith(prefix)) throw new Error(`a matrix value starts with "${prefix}"`);
    parts =
      spec.explode && kind === 'array'
        ? raw
            .slice(1)
            .split(';')
            .map((part) => part.slice(prefix.length - 1))
        : raw.slice(prefix.length).split(',');
  } else parts = raw.split(',');
  if (kind === 'array') return parts.map((item) => coerce(doc, itemsOf(doc, spec.schema), item));
  if (kind === 'object') return objectFrom(doc, spec, parts, spec.explode);
  return coerce(doc, spec.schema, parts.join(','));
}

const DELIMITER: Record<string, string> = { form: ',', spaceDelimited: ' ', pipeDelimited: '|' };

/**
 * A query (or cookie) parameter out of the parsed pairs, or undefined when it
 * is absent. `consumed` collects the pair names it used, so the mock can
 * refuse names no parameter declares.
 */
export function parseQuery(
  doc: unknown,
  spec: ParamSpec,
  pairs: URLSearchParams,
  consumed: Set<string>,
): Json | undefined {
  if (spec.mediaType !== undefined) {
    const raw = pairs.get(spec.name);
    if (raw === null) return undefined;
    consumed.add(spec.name);
    return JSON.parse(raw) as Json;
  }
  const kind = kindOf(doc, spec.schema);
  if (spec.style === 'deepObject') {
    const out: Record<string, Json> = {};
    for (const [name, raw] of pairs) {
      const match = /^(.+)\[([^\]]*)\]$/.exec(name);
      if (!match || match[1] !== spec.name) continue;
      consumed.add(name);
      out[match[2] as string] = coerce(
        doc,
        propertySchema(doc, spec.schema, match[2] as string),
        raw,
      );
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (kind === 'object' && spec.explode) {
    // form + explode: each property is its own pair; only the schema's properties can be told apart from other parameters.
    const node = resolveRef(doc, spec.schema);
    const keys = isRecord(node) && isRecord(node.properties) ? Object.keys(node.properties) : [];
    const out: Record<string, Json> = {};
    for (const key of keys) {
      const raw = pairs.get(key);
      if (raw === null) continue;
      consumed.add(key);
      out[key] = coerce(doc, propertySchema(doc, spec.schema, key), raw);
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  const all = pairs.getAll(spec.name);
  if (all.length === 0) return undefined;
  consumed.add(spec.name);
  if (kind === 'array') {
    const items =
      spec.explode && spec.style === 'form'
        ? all
        : (all[0] as string).split(DELIMITER[spec.style] ?? ',');
    return items.map((item) => coerce(doc, itemsOf(doc, spec.schema), item));
  }
  if (all.length > 1) return all as Json;
  if (kind === 'object') return objectFrom(doc, spec, (all[0] as string).split(','), false);
  return coerce(doc, spec.schema, all[0] as string);
}

/** `a=1; b=2` → pairs, values percent-decoded. */
export function cookiePairs(header: string | undefined): URLSearchParams {
  const pairs = new URLSearchParams();
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    pairs.append(part.slice(0, index).trim(), decodeURIComponent(part.slice(index + 1).trim()));
  }
  return pairs;
}
