/**
 * What a request must look like before any GraphQL runs, checked on the
 * method and headers alone (no body read): the cross-site rules of
 * GraphQL over HTTP, and header abuse.
 *
 * CSRF: a browser sends a cross-site POST without asking first (no
 * preflight) only with a "simple" content type (form-urlencoded, multipart,
 * text/plain). Accepting nothing but `application/json` for POST means every
 * POST, and so every mutation, is preflighted and falls under the CORS
 * allow-list; GET carries queries only (Yoga refuses a mutation over GET).
 * Written here rather than with Yoga's request parsers switched off because
 * Yoga has no option to drop them, and the answer must be a coded 415.
 */
import { graphqlErrorResponse } from './responses.js';

/** Content-Encodings a body may arrive in; body-limit.ts inflates them within the body limit. */
export const ACCEPTED_ENCODINGS: ReadonlySet<string> = new Set([
  'identity',
  'gzip',
  'x-gzip',
  'deflate',
  'br',
]);

function unsupported(message: string): Response {
  return graphqlErrorResponse(415, message, { code: 'REQUEST_CONTENT_TYPE_UNSUPPORTED' });
}

/** The media type and charset of a Content-Type value, lower-cased; charset undefined when not given. */
export function parseContentType(value: string): { mediaType: string; charset?: string } {
  const [type = '', ...params] = value.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq !== -1 && param.slice(0, eq).trim().toLowerCase() === 'charset')
      charset = param
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
  }
  return { mediaType: type.trim().toLowerCase(), ...(charset === undefined ? {} : { charset }) };
}

/**
 * Answers 415 for a POST whose body is not JSON in UTF-8, or whose
 * Content-Encoding the gateway does not inflate; undefined when the request
 * may go on. Other methods pass: Yoga answers GET, and 405 for the rest.
 */
export function refuseBodyType(
  method: string,
  header: (name: string) => string | null | undefined,
): Response | undefined {
  if (method !== 'POST') return undefined;
  const contentType = header('content-type');
  if (contentType === null || contentType === undefined)
    return unsupported('A POST needs "Content-Type: application/json".');
  const { mediaType, charset } = parseContentType(contentType);
  if (mediaType !== 'application/json') {
    return unsupported(
      'Only "application/json" bodies are accepted: GraphQL over HTTP needs nothing else, and other types would let a web page post without a CORS preflight.',
    );
  }
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    return unsupported('The body must be UTF-8 (charset=utf-8, or no charset).');
  const encoding = header('content-encoding');
  if (encoding !== null && encoding !== undefined) {
    const codings = encoding
      .split(',')
      .map((coding) => coding.trim().toLowerCase())
      .filter((coding) => coding !== '');
    if (codings.length > 1 || codings.some((coding) => !ACCEPTED_ENCODINGS.has(coding))) {
      return unsupported(
        'The body may be sent as is, or with one Content-Encoding of gzip, deflate or br.',
      );
    }
  }
  return undefined;
}

/** 431 for a request with more than `maxHeaderCount` header lines (node itself answers 431 past `maxHeaderBytes`). */
export function refuseHeaderCount(count: number, maxHeaderCount: number): Response | undefined {
  if (count <= maxHeaderCount) return undefined;
  return graphqlErrorResponse(
    431,
    `The request has ${count} headers; at most ${maxHeaderCount} are accepted.`,
    { code: 'REQUEST_HEADERS_TOO_LARGE', maxHeaderCount },
  );
}
