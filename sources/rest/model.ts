/**
 * The internal model of a REST contract: what each operation takes and
 * answers, with schemas still as located JSON nodes. OpenAPI 3.x is read
 * here; Swagger 2.0 is read into the same model by `swagger2.ts`, so
 * nothing after this point knows which version the contract was.
 */
import type { SourceWarning } from '../common/index.js';
import {
  childLoc,
  deref,
  isObject,
  showLoc,
  type DocumentSet,
  type Loc,
  type Located,
} from './refs.js';

export type ParamLocation = 'path' | 'query' | 'header' | 'cookie';

export interface ParamModel {
  readonly name: string;
  readonly in: ParamLocation;
  readonly required: boolean;
  readonly schema: Located | undefined;
  /** OpenAPI `style`: form, simple, spaceDelimited, pipeDelimited, deepObject (and "json" for `content` parameters). */
  readonly style: string;
  readonly explode: boolean;
  readonly description?: string;
  readonly loc: Loc;
}

export interface BodyModel {
  /** json and form: built from the schema; text: a String sent as is; binary: Base64 from the caller, sent as bytes. */
  readonly encoding: 'json' | 'form' | 'text' | 'binary';
  /** The media type sent as `Content-Type` for text and binary bodies. */
  readonly mediaType?: string;
  readonly schema: Located | undefined;
  readonly required: boolean;
  readonly loc: Loc;
}

export interface ResponseModel {
  /** "200", "2XX", "default"... the status this model was read from. */
  readonly status: string;
  /** json: a JSON body; text: a string; binary: bytes, answered as Base64; empty: no body (204), answered as `true`. */
  readonly kind: 'json' | 'text' | 'binary' | 'empty';
  readonly schema?: Located;
  /** The media type read, as the contract spells it; sent as `Accept` for answers that are not JSON. */
  readonly mediaType?: string;
}

export interface OperationModel {
  readonly method: string;
  readonly path: string;
  readonly operationId?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly parameters: readonly ParamModel[];
  readonly body?: BodyModel;
  readonly response: ResponseModel;
  readonly loc: Loc;
}

export interface ApiModel {
  readonly operations: readonly OperationModel[];
  /** The first server URL the contract names, variables filled with their defaults. */
  readonly serverUrl?: string;
}

export const HTTP_METHODS = [
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
] as const;

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function isJsonMediaType(mediaType: string): boolean {
  const base = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    base === 'application/json' || base === '*/*' || /^[a-z]+\/([a-z0-9.+-]+\+)?json$/.test(base)
  );
}

/**
 * Media types whose bodies are text, beyond `text/*`: structured text
 * (`+xml`, `+yaml`), JSON Lines and sequences, and a few
 * `application/*` names that are text by definition. Any media type that
 * declares a `charset` is text too.
 */
const TEXTUAL =
  /^(text\/.*|[a-z]+\/([a-z0-9.+-]+\+)?(xml|yaml|x-yaml)|application\/(text|x-ndjson|ndjson|jsonl|x-jsonlines|json-seq|javascript|ecmascript|x-javascript|csv|sql|graphql|x-www-form-urlencoded|rtf))$/;

export function isTextMediaType(mediaType: string): boolean {
  const [base = '', ...params] = mediaType.toLowerCase().split(';');
  return TEXTUAL.test(base.trim()) || params.some((param) => param.trim().startsWith('charset='));
}

/** How a body in a media type other than JSON or a form is taken from the caller: text as a String unless the schema says binary, else Base64. */
export function rawBodyEncoding(
  docs: DocumentSet,
  mediaType: string,
  schema: Located | undefined,
): 'text' | 'binary' {
  const resolved = schema === undefined ? undefined : deref(docs, schema);
  const saysBinary =
    resolved?.ok === true &&
    isObject(resolved.node) &&
    (resolved.node.format === 'binary' || resolved.node.contentEncoding === 'binary');
  return isTextMediaType(mediaType) && !saysBinary ? 'text' : 'binary';
}

/** A media type a request can declare: a range (`image/*`) says nothing precise, so it goes as octet-stream. */
export function sendableMediaType(mediaType: string): string {
  return mediaType.includes('*') ? 'application/octet-stream' : mediaType;
}

/** Picks the success response: 200, 201, other 2xx in order, 2XX, then `default`. */
export function pickSuccessStatus(responses: Record<string, unknown>): string | undefined {
  const statuses = Object.keys(responses);
  const twoHundreds = statuses.filter((s) => /^2\d\d$/.test(s)).sort();
  return (
    twoHundreds[0] ??
    statuses.find((s) => s.toUpperCase() === '2XX') ??
    statuses.find((s) => s === 'default')
  );
}

const DEFAULT_STYLE: Readonly<Record<ParamLocation, string>> = {
  path: 'simple',
  query: 'form',
  header: 'simple',
  cookie: 'form',
};

export function isParamLocation(value: unknown): value is ParamLocation {
  return value === 'path' || value === 'query' || value === 'header' || value === 'cookie';
}

/** Reads OpenAPI 3.0 / 3.1 documents into the model, warning about what it leaves out. */
export function readOpenApi3(docs: DocumentSet, warn: (warning: SourceWarning) => void): ApiModel {
  const root = docs.files.get(docs.root) as Record<string, unknown>;
  const rootLoc: Loc = { file: docs.root, pointer: '' };
  const operations: OperationModel[] = [];
  const paths = isObject(root.paths) ? root.paths : {};
  for (const path of Object.keys(paths).sort()) {
    const itemLoc = childLoc(rootLoc, 'paths', path);
    const item = deref(docs, { node: paths[path], loc: itemLoc });
    if (!item.ok || !isObject(item.node)) {
      warn({
        path: showLoc(itemLoc, docs),
        message: item.ok
          ? 'Path item is not an object; left out.'
          : `${item.reason}; path left out.`,
      });
      continue;
    }
    const shared = readParameters(
      docs,
      item.node.parameters,
      childLoc(item.loc, 'parameters'),
      warn,
    );
    for (const method of HTTP_METHODS) {
      const operation = item.node[method];
      if (!isObject(operation)) continue;
      const loc = childLoc(item.loc, method);
      const own = readParameters(docs, operation.parameters, childLoc(loc, 'parameters'), warn);
      const model = readOperation(
        docs,
        { method, path, operation, loc, parameters: mergeParameters(shared, own) },
        warn,
      );
      if (model) operations.push(model);
    }
  }
  return { operations, serverUrl: readServerUrl(root.servers) };
}

/** Operation parameters override path-level ones with the same name and location. */
export function mergeParameters(
  shared: readonly ParamModel[],
  own: readonly ParamModel[],
): ParamModel[] {
  const byKey = new Map<string, ParamModel>();
  for (const param of [...shared, ...own]) byKey.set(`${param.in}:${param.name}`, param);
  return [...byKey.values()];
}

function readParameters(
  docs: DocumentSet,
  list: unknown,
  loc: Loc,
  warn: (warning: SourceWarning) => void,
): ParamModel[] {
  if (!Array.isArray(list)) return [];
  const params: ParamModel[] = [];
  list.forEach((entry, index) => {
    const entryLoc = childLoc(loc, index);
    const resolved = deref(docs, { node: entry, loc: entryLoc });
    if (!resolved.ok || !isObject(resolved.node)) {
      warn({
        path: showLoc(entryLoc, docs),
        message: resolved.ok
          ? 'Parameter is not an object; left out.'
          : `${resolved.reason}; parameter left out.`,
      });
      return;
    }
    const p = resolved.node;
    const name = str(p.name);
    if (name === undefined || !isParamLocation(p.in)) {
      warn({
        path: showLoc(entryLoc, docs),
        message: 'Parameter without a name or a known "in"; left out.',
      });
      return;
    }
    let schema: Located | undefined =
      p.schema === undefined
        ? undefined
        : { node: p.schema, loc: childLoc(resolved.loc, 'schema') };
    let style = str(p.style) ?? DEFAULT_STYLE[p.in];
    if (schema === undefined && isObject(p.content)) {
      // A `content` parameter carries its value serialised in that media type; we support JSON.
      const [mediaType] = Object.keys(p.content);
      const media = mediaType === undefined ? undefined : p.content[mediaType];
      if (isObject(media) && media.schema !== undefined) {
        schema = {
          node: media.schema,
          loc: childLoc(resolved.loc, 'content', mediaType as string, 'schema'),
        };
        style = 'json';
      }
    }
    params.push({
      name,
      in: p.in,
      required: p.in === 'path' || p.required === true,
      schema,
      style,
      explode: typeof p.explode === 'boolean' ? p.explode : style === 'form',
      description: str(p.description),
      loc: resolved.loc,
    });
  });
  return params;
}

function readOperation(
  docs: DocumentSet,
  init: {
    method: string;
    path: string;
    operation: Record<string, unknown>;
    loc: Loc;
    parameters: ParamModel[];
  },
  warn: (warning: SourceWarning) => void,
): OperationModel | undefined {
  const { operation, loc } = init;
  let body: BodyModel | undefined;
  if (operation.requestBody !== undefined) {
    const bodyLoc = childLoc(loc, 'requestBody');
    const resolved = deref(docs, { node: operation.requestBody, loc: bodyLoc });
    const required = resolved.ok && isObject(resolved.node) && resolved.node.required === true;
    const content =
      resolved.ok && isObject(resolved.node) && isObject(resolved.node.content)
        ? resolved.node.content
        : {};
    const mediaTypes = Object.keys(content);
    const json = mediaTypes.find(isJsonMediaType);
    const form = mediaTypes.find((m) =>
      m.toLowerCase().startsWith('application/x-www-form-urlencoded'),
    );
    // Any other media type but multipart is sent as the caller gives it (issue 16): text as a String, the rest as bytes from Base64.
    const other = mediaTypes.find((m) => !m.toLowerCase().startsWith('multipart/'));
    const chosen = json ?? form ?? other;
    if (chosen !== undefined && resolved.ok) {
      const media = content[chosen];
      const schema =
        isObject(media) && media.schema !== undefined
          ? { node: media.schema, loc: childLoc(resolved.loc, 'content', chosen, 'schema') }
          : undefined;
      const encoding =
        chosen === json ? 'json' : chosen === form ? 'form' : rawBodyEncoding(docs, chosen, schema);
      body = {
        encoding,
        mediaType: sendableMediaType(chosen),
        schema,
        required,
        loc: resolved.loc,
      };
    } else {
      const why = resolved.ok
        ? `request body media types ${mediaTypes.join(', ') || '(none)'} are not supported (multipart uploads are not)`
        : resolved.reason;
      if (required) {
        warn({ path: showLoc(loc, docs), message: `${why}; operation left out.` });
        return undefined;
      }
      warn({ path: showLoc(bodyLoc, docs), message: `${why}; the optional body is left out.` });
    }
  }
  const response = readResponse(docs, operation.responses, childLoc(loc, 'responses'), warn);
  return {
    method: init.method,
    path: init.path,
    operationId: str(operation.operationId),
    summary: str(operation.summary),
    description: str(operation.description),
    parameters: init.parameters,
    body,
    response,
    loc,
  };
}

function readResponse(
  docs: DocumentSet,
  responses: unknown,
  loc: Loc,
  warn: (warning: SourceWarning) => void,
): ResponseModel {
  if (!isObject(responses)) return { status: 'default', kind: 'json' };
  const status = pickSuccessStatus(responses);
  if (status === undefined) return { status: 'default', kind: 'empty' };
  const statusLoc = childLoc(loc, status);
  const resolved = deref(docs, { node: responses[status], loc: statusLoc });
  if (!resolved.ok || !isObject(resolved.node)) {
    warn({
      path: showLoc(statusLoc, docs),
      message: `${resolved.ok ? 'Response is not an object' : resolved.reason}; answered as JSON.`,
    });
    return { status, kind: 'json' };
  }
  const content = isObject(resolved.node.content) ? resolved.node.content : undefined;
  if (status === '204' || content === undefined || Object.keys(content).length === 0)
    return { status, kind: 'empty' };
  const mediaTypes = Object.keys(content);
  const json = mediaTypes.find(isJsonMediaType);
  if (json === undefined) {
    // Text is read as a String; anything else as Base64, which loses no byte whatever the schema says.
    const mediaType = mediaTypes.find(isTextMediaType) ?? (mediaTypes[0] as string);
    const media = content[mediaType];
    const schema =
      isObject(media) && media.schema !== undefined
        ? { node: media.schema, loc: childLoc(resolved.loc, 'content', mediaType, 'schema') }
        : undefined;
    return { status, kind: rawBodyEncoding(docs, mediaType, schema), mediaType };
  }
  const media = content[json];
  const schema =
    isObject(media) && media.schema !== undefined
      ? { node: media.schema, loc: childLoc(resolved.loc, 'content', json, 'schema') }
      : undefined;
  return { status, kind: 'json', schema };
}

function readServerUrl(servers: unknown): string | undefined {
  if (!Array.isArray(servers) || !isObject(servers[0])) return undefined;
  const server = servers[0];
  let url = str(server.url);
  if (url === undefined) return undefined;
  const variables = isObject(server.variables) ? server.variables : {};
  url = url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    return isObject(variable) && variable.default !== undefined ? String(variable.default) : whole;
  });
  return url;
}
