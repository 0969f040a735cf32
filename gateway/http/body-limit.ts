/**
 * Refuses a request body over `maxBodyBytes` with 413 before anything parses
 * it. Yoga reads whatever body arrives (it has no size option), so the check
 * sits in front of it: by Content-Length when declared, else by counting the
 * stream and stopping at the limit.
 */
import { graphqlErrorResponse } from './responses.js';

function tooLarge(maxBodyBytes: number): Response {
  return graphqlErrorResponse(413, `The request body is larger than ${maxBodyBytes} bytes.`, { code: 'REQUEST_TOO_LARGE', maxBodyBytes });
}

/** Returns the request to go on with (its body buffered when it was streamed), or a 413 answer. */
export async function limitBody(request: Request, maxBodyBytes: number): Promise<Request | Response> {
  if (request.body === null || request.method === 'GET' || request.method === 'HEAD') return request;
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared)) {
    // The HTTP server guarantees the body is exactly as long as declared.
    return Number(declared) > maxBodyBytes ? tooLarge(maxBodyBytes) : request;
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel().catch(() => undefined);
      return tooLarge(maxBodyBytes);
    }
    chunks.push(value);
  }
  return new Request(request.url, { method: request.method, headers: request.headers, body: Buffer.concat(chunks), signal: request.signal });
}
