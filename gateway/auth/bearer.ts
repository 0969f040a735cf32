/**
 * Reading the bearer token from a request (RFC 6750 §2.1). Written by hand:
 * it is one regular expression, but the edge cases are the point — two
 * Authorization headers (node keeps only the first in `req.headers`, the
 * Fetch API joins them with ", "), an oversized value, another scheme, a
 * token with characters b64token does not allow.
 */

/** Longest Authorization value read; a JWT of ours is ~600 characters, an IdP's a few KiB. */
export const MAX_AUTHORIZATION_CHARS = 8_192;

export type Presented =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly token: string }
  /** Another scheme (Basic, Digest…): not ours, RFC 6750 §3.1 answers without an error code. */
  | { readonly kind: 'other-scheme' }
  /** Two headers, too long, or not `Bearer <b64token>`. */
  | { readonly kind: 'malformed' };

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*(?: |$)/;

export function presentedToken(values: readonly string[]): Presented {
  if (values.length === 0) return { kind: 'none' };
  if (values.length > 1) return { kind: 'malformed' };
  const value = values[0] as string;
  if (value.length > MAX_AUTHORIZATION_CHARS) return { kind: 'malformed' };
  const match = BEARER.exec(value);
  if (match !== null) return { kind: 'bearer', token: match[1] as string };
  if (/^bearer(?: |$)/i.test(value) || !SCHEME.test(value)) return { kind: 'malformed' };
  return { kind: 'other-scheme' };
}

/** Every Authorization value of a node request, from its raw headers (node's `req.headers` keeps only the first). */
export function authorizationOfRaw(rawHeaders: readonly string[]): string[] {
  const values: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2)
    if (
      (rawHeaders[index] as string).length === 13 &&
      (rawHeaders[index] as string).toLowerCase() === 'authorization'
    )
      values.push(rawHeaders[index + 1] as string);
  return values;
}

/** The Authorization value of a Fetch request (two headers arrive joined, and fail the pattern). */
export function authorizationOfHeaders(headers: Headers): string[] {
  const value = headers.get('authorization');
  return value === null ? [] : [value];
}
