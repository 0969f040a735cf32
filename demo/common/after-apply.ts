/**
 * What an HTTP demo system does instead of answering a call it has applied,
 * when told to misbehave after applying (Misbehaviour.hangAfterApply,
 * dropAfterApply; failAfterApply is each system's own unavailable answer).
 */
import type { ServerResponse } from 'node:http';

/**
 * Never answers: the request stays open until the caller gives up or the
 * system closes (close() drops every connection).
 */
export function hang(_res: ServerResponse): void {}

/**
 * Sends the status line, the headers (with the full Content-Length) and half
 * the body, then destroys the socket: the caller has seen the answer start
 * and then lost the connection, so it cannot know the write went through.
 */
export function dropMidAnswer(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  const bytes = Buffer.from(body);
  res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  // Destroyed once the first half has reached the socket, so the caller sees the answer begin.
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
}
