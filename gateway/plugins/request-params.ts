/**
 * The one way a request becomes GraphQL parameters: a POST body of UTF-8
 * JSON (an object), or GET's query string. Replaces Yoga's parsers (Yoga's
 * form-urlencoded, multipart and application/graphql parsers are never
 * wanted, see http/request-guard.ts) to word their errors without the
 * input: Yoga's JSON errors carry the parser's message, which quotes the
 * body or the `variables` parameter back to the caller (a GET with bad
 * `variables` even became a masked 500).
 */
import { GraphQLError } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'REQUEST_INVALID', http: { status: 400 } },
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(`${what} is not valid JSON.`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses a POST body: 400 REQUEST_INVALID when it is not UTF-8, not JSON or not an object; never quotes it. */
export async function parseJsonBody(request: Request): Promise<GraphQLParams> {
  let text: string;
  try {
    text = utf8.decode(await request.arrayBuffer());
  } catch {
    throw invalid('The request body is not valid UTF-8.');
  }
  const body = parseJson(text, 'The request body');
  if (!isObject(body))
    throw invalid(
      'The request body should be a JSON object with "query", and optionally "variables", "operationName" and "extensions".',
    );
  return body as GraphQLParams;
}

/** Parses GET's query string; `variables` and `extensions` are JSON objects. */
export function parseQueryString(request: Request): GraphQLParams {
  const search = new URL(request.url).searchParams;
  const params: Record<string, unknown> = {};
  for (const name of ['query', 'operationName'] as const) {
    const value = search.get(name);
    if (value !== null) params[name] = value;
  }
  for (const name of ['variables', 'extensions'] as const) {
    const value = search.get(name);
    if (value === null || value === '') continue;
    const parsed = parseJson(value, `The "${name}" parameter`);
    if (parsed !== null && !isObject(parsed))
      throw invalid(`The "${name}" parameter should be a JSON object.`);
    params[name] = parsed;
  }
  return params as GraphQLParams;
}

export function useRequestParams(): Plugin {
  return {
    onRequestParse({ request, setRequestParser }) {
      if (request.method === 'POST') setRequestParser(parseJsonBody);
      else if (request.method === 'GET') setRequestParser(parseQueryString);
    },
  };
}
