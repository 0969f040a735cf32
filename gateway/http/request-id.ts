import { randomUUID } from 'node:crypto';

/** An id a caller may send (from a proxy or a client), when it is short and plain. */
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Keeps the caller's `x-request-id` when it is harmless, so traces join up; otherwise makes one.
 * Takes the header's value as node:http (string, or an array when repeated) or Headers.get (null) give it.
 */
export function requestIdFrom(given: string | readonly string[] | null | undefined): string {
  return typeof given === 'string' && ACCEPTED_ID.test(given) ? given : randomUUID();
}

/** requestIdFrom, reading the header of a WHATWG Request. */
export function requestIdOf(request: Request): string {
  return requestIdFrom(request.headers.get('x-request-id'));
}
