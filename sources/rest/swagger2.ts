/**
 * Reads Swagger 2.0 into the same model as OpenAPI 3 (`model.ts`). Schemas
 * are JSON Schema in both, so they stay where they are (`#/definitions/...`
 * resolves in place); only the operation envelope differs: body and formData
 * parameters become the request body, `collectionFormat` becomes a style,
 * `host` + `basePath` become the server URL.
 */
import type { SourceWarning } from '../common/index.js';
import {
  HTTP_METHODS,
  isJsonMediaType,
  rawBodyEncoding,
  sendableMediaType,
  isParamLocation,
  mergeParameters,
  pickSuccessStatus,
  str,
  type ApiModel,
  type BodyModel,
  type OperationModel,
  type ParamModel,
  type ResponseModel,
} from './model.js';
import { childLoc, deref, isObject, showLoc, type DocumentSet, type Loc } from './refs.js';

const COLLECTION_FORMATS: Readonly<Record<string, { style: string; explode: boolean }>> = {
  csv: { style: 'form', explode: false },
  multi: { style: 'form', explode: true },
  ssv: { style: 'spaceDelimited', explode: false },
  pipes: { style: 'pipeDelimited', explode: false },
  tsv: { style: 'tabDelimited', explode: false },
};

/** Keywords a Swagger 2 non-body parameter shares with JSON Schema. */
const SCHEMA_KEYWORDS = [
  'type',
  'format',
  'items',
  'enum',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'pattern',
  'minLength',
  'maxLength',
];

interface RawParam {
  readonly node: Record<string, unknown>;
  readonly loc: Loc;
}

type Warn = (warning: SourceWarning) => void;

export function readSwagger2(docs: DocumentSet, warn: Warn): ApiModel {
  const root = docs.files.get(docs.root) as Record<string, unknown>;
  const rootLoc: Loc = { file: docs.root, pointer: '' };
  const consumesDefault = Array.isArray(root.consumes)
    ? root.consumes.filter((c): c is string => typeof c === 'string')
    : [];
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
    const shared = rawParameters(
      docs,
      item.node.parameters,
      childLoc(item.loc, 'parameters'),
      warn,
    );
    for (const method of HTTP_METHODS) {
      const operation = item.node[method];
      if (!isObject(operation)) continue;
      const loc = childLoc(item.loc, method);
      const own = rawParameters(docs, operation.parameters, childLoc(loc, 'parameters'), warn);
      const consumes = Array.isArray(operation.consumes)
        ? operation.consumes.filter((c): c is string => typeof c === 'string')
        : consumesDefault;
      const model = readOperation(
        docs,
        { method, path, operation, loc, raw: dedupe([...shared, ...own]), consumes },
        warn,
      );
      if (model) operations.push(model);
    }
  }
  return { operations, serverUrl: serverUrl(root) };
}

function dedupe(params: RawParam[]): RawParam[] {
  const byKey = new Map<string, RawParam>();
  for (const param of params)
    byKey.set(`${String(param.node.in)}:${String(param.node.name)}`, param);
  return [...byKey.values()];
}

function rawParameters(docs: DocumentSet, list: unknown, loc: Loc, warn: Warn): RawParam[] {
  if (!Array.isArray(list)) return [];
  const out: RawParam[] = [];
  list.forEach((entry, index) => {
    const entryLoc = childLoc(loc, index);
    const resolved = deref(docs, { node: entry, loc: entryLoc });
    if (!resolved.ok || !isObject(resolved.node) || typeof resolved.node.name !== 'string') {
      warn({
        path: showLoc(entryLoc, docs),
        message: resolved.ok
          ? 'Parameter without a name; left out.'
          : `${resolved.reason}; parameter left out.`,
      });
      return;
    }
    out.push({ node: resolved.node, loc: resolved.loc });
  });
  return out;
}

function schemaOf(node: Record<string, unknown>): Record<string, unknown> {
  const schema: Record<string, unknown> = {};
  for (const key of SCHEMA_KEYWORDS) if (node[key] !== undefined) schema[key] = node[key];
  if (node['x-nullable'] === true) schema['x-nullable'] = true;
  return schema;
}

function readOperation(
  docs: DocumentSet,
  init: {
    method: string;
    path: string;
    operation: Record<string, unknown>;
    loc: Loc;
    raw: RawParam[];
    consumes: string[];
  },
  warn: Warn,
): OperationModel | undefined {
  const params: ParamModel[] = [];
  let body: BodyModel | undefined;
  const formFields: RawParam[] = [];
  for (const param of init.raw) {
    const p = param.node;
    const name = p.name as string;
    if (p.in === 'body') {
      const schema =
        p.schema === undefined ? undefined : { node: p.schema, loc: childLoc(param.loc, 'schema') };
      // A body that `consumes` only other media types (octet-stream, text/plain...) is sent as the caller gives it.
      const raw =
        init.consumes.length > 0 && !init.consumes.some(isJsonMediaType)
          ? init.consumes.find((c) => !c.toLowerCase().startsWith('multipart/'))
          : undefined;
      body =
        raw === undefined
          ? { encoding: 'json', schema, required: p.required === true, loc: param.loc }
          : {
              encoding: rawBodyEncoding(docs, raw, schema),
              mediaType: sendableMediaType(raw),
              schema,
              required: p.required === true,
              loc: param.loc,
            };
    } else if (p.in === 'formData') {
      formFields.push(param);
    } else if (isParamLocation(p.in)) {
      const format = COLLECTION_FORMATS[str(p.collectionFormat) ?? 'csv'] ?? {
        style: 'form',
        explode: false,
      };
      const style = p.in === 'query' || p.in === 'cookie' ? format.style : 'simple';
      params.push({
        name,
        in: p.in,
        required: p.in === 'path' || p.required === true,
        schema: { node: schemaOf(p), loc: param.loc },
        style,
        explode: format.explode,
        description: str(p.description),
        loc: param.loc,
      });
    } else {
      warn({
        path: showLoc(param.loc, docs),
        message: `Parameter location "${String(p.in)}" is not known; left out.`,
      });
    }
  }
  if (formFields.length > 0) {
    const multipart =
      formFields.some((f) => f.node.type === 'file') ||
      init.consumes.some((c) => c.toLowerCase().startsWith('multipart/'));
    const required = formFields.some((f) => f.node.required === true);
    if (multipart) {
      warn({
        path: showLoc(init.loc, docs),
        message: `multipart/form-data uploads are not supported; ${required ? 'operation' : 'the optional form'} left out.`,
      });
      if (required) return undefined;
    } else {
      const properties = Object.fromEntries(
        formFields.map((f) => [f.node.name as string, schemaOf(f.node)]),
      );
      const requiredNames = formFields
        .filter((f) => f.node.required === true)
        .map((f) => f.node.name as string);
      body = {
        encoding: 'form',
        schema: { node: { type: 'object', properties, required: requiredNames }, loc: init.loc },
        required,
        loc: init.loc,
      };
    }
  }
  const { operation } = init;
  return {
    method: init.method,
    path: init.path,
    operationId: str(operation.operationId),
    summary: str(operation.summary),
    description: str(operation.description),
    parameters: mergeParameters([], params),
    body,
    response: readResponse(docs, operation.responses, childLoc(init.loc, 'responses'), warn),
    loc: init.loc,
  };
}

function readResponse(docs: DocumentSet, responses: unknown, loc: Loc, warn: Warn): ResponseModel {
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
  const schema = resolved.node.schema;
  if (status === '204' || schema === undefined) return { status, kind: 'empty' };
  // A file answer is bytes: Base64 keeps every one of them.
  if (isObject(schema) && schema.type === 'file') return { status, kind: 'binary' };
  return { status, kind: 'json', schema: { node: schema, loc: childLoc(resolved.loc, 'schema') } };
}

function serverUrl(root: Record<string, unknown>): string | undefined {
  const host = str(root.host);
  const basePath = str(root.basePath) ?? '';
  if (host === undefined) return basePath === '' ? undefined : basePath;
  const schemes = Array.isArray(root.schemes) ? root.schemes : [];
  const scheme = schemes.includes('https') ? 'https' : (str(schemes[0]) ?? 'http');
  return `${scheme}://${host}${basePath}`;
}
