/**
 * The one way a POST body becomes GraphQL parameters: UTF-8 JSON, an object.
 * Replaces Yoga's parsers for POST (form-urlencoded, multipart and
 * application/graphql are never wanted, see http/request-guard.ts), and
 * words its errors without the body: Yoga's JSON error carries the parser's
 * message, which quotes the body back to the caller (and to anything that
 * logs answers).
 */
import { GraphQLError } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'REQUEST_INVALID', http: { status: 400 } } });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a POST body: 400 REQUEST_INVALID when it is not UTF-8, not JSON or not an object; never quotes it. */
export async function parseJsonBody(request: Request): Promise<GraphQLParams> {
  let text: string;
  try {
    text = utf8.decode(await request.arrayBuffer());
  } catch {
    throw invalid('The request body is not valid UTF-8.');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid('The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The request body should be a JSON object with "query", and optionally "variables", "operationName" and "extensions".');
  return body as GraphQLParams;
}

export function useJsonBody(): Plugin {
  return {
    onRequestParse({ request, setRequestParser }) {
      if (request.method === 'POST') setRequestParser(parseJsonBody);
    },
  };
}
