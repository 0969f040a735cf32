/**
 * A mock backend for any OpenAPI 3.x document: a real HTTP server on
 * 127.0.0.1:0 that matches each request to an operation by method and path,
 * validates its path, query, header and cookie parameters, its media types
 * and its body against the document (JSON Schema by ajv, see
 * openapi-validate.ts), and answers the documented example of
 * the operation's first 2xx response. What it parsed is recorded, so a test
 * asserts what the backend received; what broke the contract is recorded
 * too (and answered 400), so a test asserts there was nothing.
 *
 * @example
 * const mock = await startOpenApiMock('test/fixtures/openapi/fragment-paths.yaml');
 * // ... point a REST source at mock.url, call it ...
 * expect(mock.violations()).toEqual([]);
 * expect(mock.received[0]?.query).toEqual({ fields: 'name' });
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { track, untrack } from './cleanup.js';
import {
  cookiePairs,
  parseQuery,
  parseSimple,
  readParams,
  type ParamSpec,
} from './openapi-params.js';
import { exampleOf, isRecord, resolveRef, type Json } from './openapi-schema.js';
import { requestValidator, type RequestValidator } from './openapi-validate.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** One request as the mock understood it. */
export interface MockRequest {
  /** The operationId, or "METHOD pathKey" when it has none; undefined when no operation matched. */
  readonly operation: string | undefined;
  readonly method: string;
  /** The raw request target, query string included. */
  readonly url: string;
  readonly path: Record<string, Json>;
  readonly query: Record<string, Json>;
  readonly headers: Record<string, Json>;
  readonly cookies: Record<string, Json>;
  readonly contentType: string | undefined;
  /** JSON and form bodies parsed; other media types as the bytes received. */
  readonly body: Json | Buffer | undefined;
  /** How the request broke the contract; empty when it conformed. */
  readonly errors: readonly string[];
}

export interface OpenApiMock {
  readonly url: string;
  readonly received: MockRequest[];
  /** Every contract violation, as "operation: error" lines. */
  violations(): string[];
  close(): Promise<void>;
}

interface Route {
  readonly name: string;
  readonly method: string;
  readonly pattern: RegExp;
  readonly pathNames: readonly string[];
  readonly params: readonly ParamSpec[];
  readonly operation: Record<string, unknown>;
}

function routes(doc: Record<string, unknown>): Route[] {
  const out: Route[] = [];
  const paths = isRecord(doc.paths) ? doc.paths : {};
  for (const [key, itemNode] of Object.entries(paths)) {
    const item = resolveRef(doc, itemNode);
    if (!isRecord(item)) continue;
    // A path key may carry a "#fragment" that tells operations apart; it is never part of the URL.
    const template = key.split('#')[0] as string;
    const pathNames: string[] = [];
    const source = template
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{([^}]+)\}/g, (_, name: string) => {
        pathNames.push(name);
        return '([^/]+)';
      });
    for (const method of METHODS) {
      const operation = item[method];
      if (!isRecord(operation)) continue;
      const name =
        typeof operation.operationId === 'string'
          ? operation.operationId
          : `${method.toUpperCase()} ${key}`;
      out.push({
        name,
        method,
        pattern: new RegExp(`^${source}$`),
        pathNames,
        params: readParams(doc, item.parameters, operation.parameters),
        operation,
      });
    }
  }
  return out;
}

function baseType(mediaType: string | undefined): string {
  return (mediaType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function isJson(mediaType: string): boolean {
  return /^application\/([a-z0-9.+-]+\+)?json$/.test(baseType(mediaType));
}

function accepts(accept: string | undefined, mediaType: string): boolean {
  if (accept === undefined) return true;
  const [type, subtype] = baseType(mediaType).split('/');
  return accept.split(',').some((range) => {
    const [t, s] = baseType(range).split('/');
    return (t === '*' || t === type) && (s === '*' || s === subtype);
  });
}

function successResponse(
  doc: unknown,
  operation: Record<string, unknown>,
): { status: number; response: Record<string, unknown> } | undefined {
  const responses = isRecord(operation.responses) ? operation.responses : {};
  const status = Object.keys(responses)
    .filter((s) => /^2\d\d$/.test(s))
    .sort()[0];
  if (status === undefined) return undefined;
  const response = resolveRef(doc, responses[status]);
  return isRecord(response) ? { status: Number(status), response } : undefined;
}

/** Checks one request against one route; returns what was parsed and what broke. */
function check(
  doc: Record<string, unknown>,
  validate: RequestValidator,
  route: Route,
  req: IncomingMessage,
  url: URL,
  match: RegExpExecArray,
  body: Buffer,
): MockRequest {
  const errors: string[] = [];
  const parsed = {
    path: {} as Record<string, Json>,
    query: {} as Record<string, Json>,
    header: {} as Record<string, Json>,
    cookie: {} as Record<string, Json>,
  };
  const consumedQuery = new Set<string>();
  const cookies = cookiePairs(req.headers.cookie);
  for (const spec of route.params) {
    let value: Json | undefined;
    try {
      if (spec.in === 'path')
        value = parseSimple(
          doc,
          spec,
          decodeURIComponent(match[route.pathNames.indexOf(spec.name) + 1] ?? ''),
        );
      else if (spec.in === 'query') value = parseQuery(doc, spec, url.searchParams, consumedQuery);
      else if (spec.in === 'cookie') value = parseQuery(doc, spec, cookies, new Set());
      else {
        const raw = req.headers[spec.name.toLowerCase()];
        value = typeof raw === 'string' ? parseSimple(doc, spec, raw) : undefined;
      }
    } catch (error) {
      errors.push(
        `${spec.in} parameter "${spec.name}" cannot be parsed: ${(error as Error).message}`,
      );
      continue;
    }
    if (value === undefined) {
      if (spec.required) errors.push(`the required ${spec.in} parameter "${spec.name}" is missing`);
      continue;
    }
    parsed[spec.in][spec.name] = value;
    errors.push(...validate(spec.schema, value, `${spec.in}.${spec.name}`));
  }
  for (const name of new Set(url.searchParams.keys()))
    if (!consumedQuery.has(name))
      errors.push(`the query parameter "${name}" is not in the contract`);
  const contentType = req.headers['content-type'];
  const requestBody = resolveRef(doc, route.operation.requestBody);
  let value: Json | Buffer | undefined;
  if (body.length === 0) {
    if (isRecord(requestBody) && requestBody.required === true)
      errors.push('the required request body is missing');
  } else if (!isRecord(requestBody) || !isRecord(requestBody.content)) {
    errors.push('a body was sent to an operation that takes none');
  } else {
    const declared = Object.keys(requestBody.content).find(
      (m) => baseType(m) === baseType(contentType),
    );
    const media = declared === undefined ? undefined : requestBody.content[declared];
    if (declared === undefined)
      errors.push(
        `the body's content type ${String(contentType)} is not one of ${Object.keys(requestBody.content).join(', ')}`,
      );
    else if (isJson(declared)) {
      try {
        value = JSON.parse(body.toString('utf8')) as Json;
      } catch {
        errors.push('the JSON body does not parse');
      }
      if (value !== undefined)
        errors.push(...validate(isRecord(media) ? media.schema : undefined, value, 'body'));
    } else if (baseType(declared) === 'application/x-www-form-urlencoded') {
      const form: Record<string, Json> = {};
      for (const [name, v] of new URLSearchParams(body.toString('utf8')))
        form[name] = name in form ? ([] as Json[]).concat(form[name] as Json, v) : v;
      value = form;
    } else value = body;
  }
  const answer = successResponse(doc, route.operation);
  const content =
    answer && isRecord(answer.response.content) ? Object.keys(answer.response.content) : [];
  if (content.length > 0 && !content.some((m) => accepts(req.headers.accept, m)))
    errors.push(`Accept "${String(req.headers.accept)}" admits none of ${content.join(', ')}`);
  return {
    operation: route.name,
    method: req.method ?? '',
    url: req.url ?? '',
    path: parsed.path,
    query: parsed.query,
    headers: parsed.header,
    cookies: parsed.cookie,
    contentType,
    body: value,
    errors,
  };
}

function answer(doc: unknown, route: Route, accept: string | undefined, res: ServerResponse): void {
  const success = successResponse(doc, route.operation);
  if (success === undefined) return void res.writeHead(204).end();
  const content = isRecord(success.response.content) ? success.response.content : {};
  const mediaType = Object.keys(content).find((m) => accepts(accept, m)) ?? Object.keys(content)[0];
  if (mediaType === undefined || success.status === 204)
    return void res.writeHead(success.status).end();
  const media = isRecord(content[mediaType]) ? content[mediaType] : {};
  const named = isRecord(media.examples)
    ? Object.values(media.examples).map((e) => resolveRef(doc, e))[0]
    : undefined;
  const example =
    media.example !== undefined
      ? media.example
      : isRecord(named) && named.value !== undefined
        ? named.value
        : exampleOf(doc, media.schema);
  const payload = isJson(mediaType)
    ? JSON.stringify(example)
    : typeof example === 'string'
      ? example
      : JSON.stringify(example);
  res.writeHead(success.status, { 'content-type': mediaType }).end(payload);
}

/** Starts the mock for the OpenAPI 3.x document at `file` (YAML or JSON); closed by the harness's afterAll. */
export async function startOpenApiMock(file: string): Promise<OpenApiMock> {
  const doc = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const table = routes(doc);
  const validate = requestValidator(doc);
  const received: MockRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://mock');
      const candidates = table.filter(
        (route) =>
          route.method === (req.method ?? '').toLowerCase() && route.pattern.test(url.pathname),
      );
      // Fragment keys put several operations on one method and path: the first one the request satisfies is the one it meant.
      const checked = candidates.map((route) => ({
        route,
        result: check(
          doc,
          validate,
          route,
          req,
          url,
          route.pattern.exec(url.pathname) as RegExpExecArray,
          Buffer.concat(chunks),
        ),
      }));
      const chosen = checked.find((c) => c.result.errors.length === 0) ?? checked[0];
      if (chosen === undefined) {
        received.push({
          operation: undefined,
          method: req.method ?? '',
          url: req.url ?? '',
          path: {},
          query: {},
          headers: {},
          cookies: {},
          contentType: undefined,
          body: undefined,
          errors: ['no operation has this method and path'],
        });
        return void res
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"error":"no route"}');
      }
      received.push(chosen.result);
      if (chosen.result.errors.length > 0)
        return void res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errors: chosen.result.errors }));
      answer(doc, chosen.route, req.headers.accept, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  const mock: OpenApiMock = {
    url: `http://127.0.0.1:${port}`,
    received,
    violations: () =>
      received.flatMap((r) =>
        r.errors.map((error) => `${r.operation ?? `${r.method} ${r.url}`}: ${error}`),
      ),
    close: async () => {
      if (closed) return;
      closed = true;
      untrack(mock);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return track(mock, 'openapi mock');
}
