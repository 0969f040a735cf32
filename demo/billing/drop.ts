/**
 * Cuts the HTTP/2 connection a call came on, after its response headers went
 * out: the caller sees the answer begin and the connection go, for a call
 * billing has applied (Misbehaviour.dropAfterApply).
 *
 * grpc-js offers no public handle on a call's connection, so this walks to the
 * call's HTTP/2 stream through the call objects' fields (stable across 1.10 to
 * 1.14), and else finds the session by the caller's address among the
 * server's sessions. Demo code only: the gateway never does this.
 */
import type { ServerHttp2Session } from 'node:http2';
import { Metadata, type Server } from '@grpc/grpc-js';

/** What a unary or client-streaming call offers that this needs. */
interface AnsweringCall {
  getPeer(): string;
  sendMetadata(metadata: Metadata): void;
}

type Node = { call?: Node; nextCall?: Node; stream?: { session?: ServerHttp2Session } } | undefined;

function sessionOf(server: Server, call: AnsweringCall): ServerHttp2Session | undefined {
  let node = call as unknown as Node;
  for (let depth = 0; depth < 6 && node !== undefined; depth += 1) {
    if (node.stream?.session) return node.stream.session;
    node = node.call ?? node.nextCall;
  }
  const peer = call.getPeer();
  const sessions = (server as unknown as { sessions?: Map<ServerHttp2Session, unknown> }).sessions;
  for (const session of sessions?.keys() ?? []) {
    const socket = session.socket;
    if (`${socket?.remoteAddress}:${socket?.remotePort}` === peer) return session;
  }
  return undefined;
}

/** Sends the response headers, then destroys the connection; without a connection to find, the call is left unanswered (the caller times out). */
export function dropConnection(server: Server, call: AnsweringCall): void {
  const session = sessionOf(server, call);
  call.sendMetadata(new Metadata());
  // The next turn, so the headers are on the wire before the socket goes.
  setImmediate(() => session?.destroy());
}
