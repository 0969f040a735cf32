/**
 * GraphQL arguments → one HTTP request, serialised as the contract's
 * parameter `style`s say (OpenAPI 3 "Style Values"). Path values are
 * percent-encoded whole, so `../x` or `a/b` stays inside its own segment
 * and can never reach another route.
 */
import { SourceError } from '../common/index.js';
import { encode } from './codec.js';
import type { ParamModel } from './model.js';
import type { TypeRef } from './shapes.js';

export interface ParamBinding {
  /** The GraphQL argument name. */
  readonly arg: string;
  readonly param: ParamModel;
  readonly type: TypeRef;
}

export interface BodyBinding {
  readonly arg: string;
  readonly encoding: 'json' | 'form' | 'text' | 'binary';
  /** Content-Type of text and binary bodies. */
  readonly mediaType?: string;
  readonly type: TypeRef;
}

export interface RequestPlan {
  readonly source: string;
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly params: readonly ParamBinding[];
  readonly body?: BodyBinding;
  /** The media type of a non-JSON answer, sent as `Accept` (the transport asks for JSON otherwise). */
  readonly accept?: string;
}

export interface BuiltRequest {
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array;
}

const DELIMITERS: Readonly<Record<string, string>> = {
  form: ',',
  simple: ',',
  spaceDelimited: ' ',
  pipeDelimited: '|',
  tabDelimited: '\t',
};
/** A path segment WHATWG URL parsing would treat as "." or "..". */
const DOT_SEGMENT = /^(\.|%2e){1,2}$/i;

function text(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** Name/value pairs for one query parameter or form field, by style and explode. */
function pairs(
  name: string,
  value: unknown,
  style: string,
  explode: boolean,
): Array<[string, string]> {
  if (style === 'json') return [[name, JSON.stringify(value)]];
  if (Array.isArray(value)) {
    if (explode && style === 'form') return value.map((item) => [name, text(item)]);
    return [[name, value.map(text).join(DELIMITERS[style] ?? ',')]];
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && v !== null);
    if (style === 'deepObject') return entries.map(([key, v]) => [`${name}[${key}]`, text(v)]);
    if (explode) return entries.map(([key, v]) => [key, text(v)]);
    return [[name, entries.flatMap(([key, v]) => [key, text(v)]).join(',')]];
  }
  return [[name, text(value)]];
}

/** `simple` style, for path segments and headers. */
function simple(value: unknown, explode: boolean): string[] {
  if (Array.isArray(value)) return value.map(text);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    return explode
      ? entries.map(([key, v]) => `${key}=${text(v)}`)
      : entries.flatMap(([key, v]) => [key, text(v)]);
  }
  return [text(value)];
}

/** `simple` (a,b), `label` (.a.b) and `matrix` (;id=a,b) path styles, from already-encoded parts. */
function pathStyle(param: ParamModel, parts: readonly string[]): string {
  if (param.style === 'label') return `.${parts.join(param.explode ? '.' : ',')}`;
  if (param.style === 'matrix') {
    const name = encodeURIComponent(param.name);
    return param.explode
      ? parts.map((part) => `;${name}=${part}`).join('')
      : `;${name}=${parts.join(',')}`;
  }
  return parts.join(',');
}

/**
 * The URL part of a path key. Some contracts key operations on one path as
 * `/files/{id}#get_shared_link`: what follows `#` names the operation and is
 * never sent (left in, it would turn the query string into a fragment).
 */
export function urlPath(pathKey: string): string {
  const hash = pathKey.indexOf('#');
  return hash < 0 ? pathKey : pathKey.slice(0, hash);
}

function badInput(plan: RequestPlan, safeMessage: string): SourceError {
  return new SourceError({
    code: 'SOURCE_BAD_INPUT',
    source: plan.source,
    operation: plan.operation,
    safeMessage,
  });
}

/** @throws SourceError SOURCE_BAD_INPUT when a required value is missing or a path value is "." or "..". */
export function buildRequest(
  plan: RequestPlan,
  args: Readonly<Record<string, unknown>>,
  baseUrl: string,
): BuiltRequest {
  let path = urlPath(plan.path);
  let query: URLSearchParams | undefined;
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const { arg, param, type } of plan.params) {
    const raw = args[arg];
    if (raw === undefined || raw === null) {
      if (param.required) throw badInput(plan, `${plan.operation} needs the argument "${arg}".`);
      continue;
    }
    const value = encode(type, raw);
    switch (param.in) {
      case 'path': {
        const parts = simple(value, param.explode).map(encodeURIComponent);
        const joined = parts.join(',');
        if (joined === '' || DOT_SEGMENT.test(joined))
          throw badInput(
            plan,
            `The argument "${arg}" of ${plan.operation} cannot be empty, "." or "..".`,
          );
        path = path.split(`{${param.name}}`).join(pathStyle(param, parts));
        break;
      }
      case 'query':
        query ??= new URLSearchParams();
        for (const [name, v] of pairs(param.name, value, param.style, param.explode))
          query.append(name, v);
        break;
      case 'header':
        headers[param.name.toLowerCase()] = simple(value, param.explode)
          .join(',')
          .replace(/[\r\n]/g, ' ');
        break;
      case 'cookie':
        for (const [name, v] of pairs(param.name, value, param.style, param.explode))
          cookies.push(`${name}=${encodeURIComponent(v)}`);
        break;
    }
  }
  if (cookies.length > 0) headers.cookie = cookies.join('; ');
  if (plan.accept !== undefined) headers.accept = plan.accept;
  const address = baseUrl.replace(/\/+$/, '') + path;
  // One parse with the query in it: appending to url.searchParams instead
  // re-serialises the query once per pair. A base URL with a query of its own keeps it.
  const search = query === undefined ? '' : query.toString();
  const url = new URL(search === '' || address.includes('?') ? address : `${address}?${search}`);
  if (search !== '' && address.includes('?'))
    for (const [name, v] of query as URLSearchParams) url.searchParams.append(name, v);
  if (plan.body === undefined || args[plan.body.arg] === undefined) return { url, headers };
  const body = encode(plan.body.type, args[plan.body.arg]);
  if (plan.body.encoding === 'text' || plan.body.encoding === 'binary') {
    headers['content-type'] = plan.body.mediaType ?? 'application/octet-stream';
    // The Base64 scalar has checked the alphabet; Buffer reads the standard and the URL-safe one.
    return {
      url,
      headers,
      body: plan.body.encoding === 'binary' ? Buffer.from(String(body), 'base64') : String(body),
    };
  }
  if (plan.body.encoding === 'json') {
    headers['content-type'] = 'application/json';
    return { url, headers, body: JSON.stringify(body) };
  }
  headers['content-type'] = 'application/x-www-form-urlencoded';
  const form = new URLSearchParams();
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    for (const [key, v] of Object.entries(body)) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) v.forEach((item) => form.append(key, text(item)));
      else form.append(key, text(v));
    }
  }
  return { url, headers, body: form.toString() };
}
