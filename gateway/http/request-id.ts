import { randomUUID } from 'node:crypto';

/** An id a caller may send (from a proxy or a client), when it is short and plain. */
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps the caller's `x-request-id` when it is harmless, so traces join up; otherwise makes one. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get('x-request-id');
  return given !== null && ACCEPTED_ID.test(given) ? given : randomUUID();
}
