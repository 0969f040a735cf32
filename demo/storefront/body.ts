/**
 * Reading request bodies with a size cap, and parsing them as JSON or form
 * data. Everything from the wire enters as `unknown`.
 */
import type { IncomingMessage } from 'node:http';
import { HttpProblem, badRequest } from './problem.js';

function tooLarge(maxBodyBytes: number): HttpProblem {
  return new HttpProblem(413, 'body-too-large', `The request body is over ${maxBodyBytes} bytes.`, {
    headers: { connection: 'close' },
  });
}

/**
 * The whole body, refusing more than `maxBodyBytes` (413). A declared
 * Content-Length over the cap is refused before a byte is read.
 */
export async function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) throw tooLarge(maxBodyBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBodyBytes) throw tooLarge(maxBodyBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters, lower-cased: "application/json; charset=utf-8" → "application/json". */
export function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

const isJsonMediaType = (type: string): boolean =>
  type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);

/** `undefined` for an empty body; 415 when the body is not JSON, 400 when it does not parse. */
export function parseJsonBody(req: IncomingMessage, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  if (!isJsonMediaType(mediaTypeOf(req))) {
    throw new HttpProblem(
      415,
      'unsupported-media-type',
      'The request body must be application/json.',
    );
  }
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
}
