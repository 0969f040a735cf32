/**
 * Refuses a request body over `maxBodyBytes` with 413 before anything parses
 * it. Yoga reads whatever body arrives (it has no size option), so the check
 * sits in front of it: by Content-Length when declared, else by counting the
 * stream and stopping at the limit.
 *
 * A compressed body (Content-Encoding gzip, deflate, br) is inflated here,
 * with node:zlib, and the limit applies to what it inflates to: zlib stops
 * at `maxOutputLength`, so a small body that would inflate to gigabytes is a
 * 413 after at most `maxBodyBytes` of output, never a full inflation.
 */
import { brotliDecompress, inflate, gunzip, type InputType, type ZlibOptions } from 'node:zlib';
import { promisify } from 'node:util';
import { graphqlErrorResponse } from './responses.js';

function tooLarge(maxBodyBytes: number): Response {
  return graphqlErrorResponse(413, `The request body is larger than ${maxBodyBytes} bytes.`, {
    code: 'REQUEST_TOO_LARGE',
    maxBodyBytes,
  });
}

// zlib's results are plain (unshared) Buffers.
type Inflate = (input: InputType, options: ZlibOptions) => Promise<Buffer<ArrayBuffer>>;
const INFLATERS: Readonly<Record<string, Inflate>> = {
  gzip: promisify(gunzip) as Inflate,
  'x-gzip': promisify(gunzip) as Inflate,
  deflate: promisify(inflate) as Inflate,
  br: promisify(brotliDecompress) as Inflate,
};

/** The coding a body must be inflated with, or undefined for none (identity, or no header). */
export function encodingOf(request: Request): string | undefined {
  const coding = request.headers.get('content-encoding')?.trim().toLowerCase();
  return coding === undefined || coding === '' || coding === 'identity' ? undefined : coding;
}

async function readUpTo(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Buffer<ArrayBuffer> | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
}

/** zlib refuses past maxOutputLength with this code; anything else is a corrupt body. */
function isOutputTooLarge(error: unknown): boolean {
  return (
    error instanceof RangeError ||
    (error as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE'
  );
}

/**
 * Returns the request to go on with (its body buffered when it was streamed
 * or inflated), or a 413 answer (400 for a compressed body that does not
 * inflate). The encoding must already be one of request-guard's.
 */
export async function limitBody(
  request: Request,
  maxBodyBytes: number,
): Promise<Request | Response> {
  if (request.body === null || request.method === 'GET' || request.method === 'HEAD')
    return request;
  const coding = encodingOf(request);
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared)) {
    // The HTTP server guarantees the body is exactly as long as declared.
    if (Number(declared) > maxBodyBytes) return tooLarge(maxBodyBytes);
    if (coding === undefined) return request;
  }
  const raw = await readUpTo(request.body, maxBodyBytes);
  if (raw === undefined) return tooLarge(maxBodyBytes);
  let body = raw;
  const headers = new Headers(request.headers);
  if (coding !== undefined) {
    const inflater = INFLATERS[coding];
    if (inflater === undefined)
      return graphqlErrorResponse(
        415,
        'The body may be sent as is, or with one Content-Encoding of gzip, deflate or br.',
        { code: 'REQUEST_CONTENT_TYPE_UNSUPPORTED' },
      );
    try {
      body = await inflater(raw, { maxOutputLength: maxBodyBytes });
    } catch (error) {
      if (isOutputTooLarge(error)) return tooLarge(maxBodyBytes);
      return graphqlErrorResponse(400, `The body does not inflate as ${coding}.`, {
        code: 'REQUEST_INVALID',
      });
    }
    headers.delete('content-encoding');
  }
  headers.set('content-length', String(body.byteLength));
  return new Request(request.url, {
    method: request.method,
    headers,
    body,
    signal: request.signal,
  });
}
