/**
 * Writing responses: JSON with a strong ETag and Cache-Control (answering
 * 304 to a matching If-None-Match), and problem+json errors.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpProblem } from './problem.js';

/** Strong validator: a digest of the exact bytes sent. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/**
 * RFC 9110 §13.1.2: If-None-Match compares weakly, so a `W/` prefix on the
 * client's copy still matches, and `*` matches any current representation.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

function safeWrite(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body?: string,
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, headers);
  res.end(body);
}

export interface JsonReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * Sends `reply`; with `cacheControl` (GETs) adds ETag and answers 304 when the client's copy is current.
 * @returns true when it answered 304 (no body)
 */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  reply: JsonReply,
  cacheControl?: string,
): boolean {
  const text = JSON.stringify(reply.body);
  const headers: Record<string, string> = {
    ...reply.headers,
    'content-type': 'application/json; charset=utf-8',
  };
  if (cacheControl !== undefined) {
    const etag = etagOf(text);
    headers.etag = etag;
    headers['cache-control'] = cacheControl;
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
      delete headers['content-type'];
      safeWrite(res, 304, headers);
      return true;
    }
  }
  headers['content-length'] = String(Buffer.byteLength(text));
  safeWrite(res, reply.status, headers, text);
  return false;
}

/** Sends a problem+json body; errors are never cached. */
export function sendProblem(res: ServerResponse, problem: HttpProblem, instance: string): void {
  const text = JSON.stringify(problem.toBody(instance));
  safeWrite(
    res,
    problem.status,
    {
      ...problem.headers,
      'content-type': 'application/problem+json',
      'content-length': String(Buffer.byteLength(text)),
      'cache-control': 'no-store',
    },
    text,
  );
}

/** Sends a plain JSON body without ETag, for the token endpoint and health. */
export function sendPlainJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  safeWrite(
    res,
    status,
    {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    },
    text,
  );
}
