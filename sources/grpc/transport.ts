/**
 * The calls: one channel per source, one grpc-js Client per service on it,
 * a deadline per call, metadata from config plus the call's idempotency key.
 * Messages cross as bytes; encoding and decoding happen in values.ts so a bad
 * answer is told apart from a failed call.
 */
import * as grpc from '@grpc/grpc-js';
import type { CallContext } from '../common/index.js';
import type { GrpcAuthOptions, GrpcTlsOptions } from './options.js';

export interface TransportOptions {
  target: string;
  tls?: GrpcTlsOptions;
  auth?: GrpcAuthOptions;
  metadata?: Readonly<Record<string, string>>;
  deadlineMs: number;
  maxReceiveMessageBytes: number;
}

export interface Transport {
  unary(path: string, request: Uint8Array, ctx: CallContext, deadlineMs?: number): Promise<Buffer>;
  /** The answers of a server-streaming call; returning the iterator cancels the call. */
  serverStream(path: string, request: Uint8Array, ctx: CallContext): AsyncIterable<Buffer>;
  /** A bidi-streaming call, for the reflection client. */
  bidi(path: string, ctx: CallContext, deadlineMs: number): grpc.ClientDuplexStream<Buffer, Buffer>;
  readonly channel: grpc.Channel;
  close(): void;
}

const identity = (value: Buffer): Buffer => value;
const toBuffer = (value: Uint8Array): Buffer =>
  Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);

export function createCredentials(tls: GrpcTlsOptions | undefined): grpc.ChannelCredentials {
  if (!tls) return grpc.credentials.createInsecure();
  const pem = (value: string | Buffer | undefined): Buffer | null =>
    value === undefined ? null : Buffer.from(value);
  return grpc.credentials.createSsl(
    pem(tls.ca),
    pem(tls.key),
    pem(tls.cert),
    tls.insecure ? { checkServerIdentity: () => undefined, rejectUnauthorized: false } : undefined,
  );
}

function baseMetadata(options: TransportOptions): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(options.metadata ?? {}))
    metadata.set(key.toLowerCase(), value);
  // Call credentials would need TLS in grpc-js; plain metadata works on both kinds of channel.
  if (options.auth?.type === 'bearer')
    metadata.set('authorization', `Bearer ${options.auth.token}`);
  if (options.auth?.type === 'apiKey')
    metadata.set(options.auth.name.toLowerCase(), options.auth.value);
  return metadata;
}

export function createTransport(options: TransportOptions): Transport {
  const channelOptions: grpc.ChannelOptions = {
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes,
  };
  const channel = new grpc.Channel(options.target, createCredentials(options.tls), channelOptions);
  const clients = new Map<string, grpc.Client>();
  const base = baseMetadata(options);

  /** One Client per service, all on the one channel. */
  const clientFor = (path: string): grpc.Client => {
    const service = path.slice(1, path.lastIndexOf('/'));
    let client = clients.get(service);
    if (!client) {
      client = new grpc.Client(options.target, grpc.credentials.createInsecure(), {
        channelOverride: channel,
      });
      clients.set(service, client);
    }
    return client;
  };

  const metadataFor = (ctx: CallContext): grpc.Metadata => {
    const metadata = base.clone();
    if (ctx.idempotencyKey) metadata.set('idempotency-key', ctx.idempotencyKey);
    if (ctx.requestId) metadata.set('x-request-id', ctx.requestId);
    if (ctx.propagation !== undefined)
      for (const [name, value] of Object.entries(ctx.propagation)) metadata.set(name, value);
    return metadata;
  };

  const cancelOnAbort = (call: grpc.Call, signal: AbortSignal | undefined): (() => void) => {
    if (!signal) return () => {};
    const cancel = (): void => call.cancel();
    if (signal.aborted) queueMicrotask(cancel);
    else signal.addEventListener('abort', cancel, { once: true });
    return () => signal.removeEventListener('abort', cancel);
  };

  return {
    channel,
    unary(path, request, ctx, deadlineMs = options.deadlineMs) {
      // The pipeline's deadline for this call, when shorter than the source's own.
      const callDeadlineMs =
        ctx.timeoutMs !== undefined && ctx.timeoutMs < deadlineMs
          ? Math.max(1, ctx.timeoutMs)
          : deadlineMs;
      return new Promise<Buffer>((resolve, reject) => {
        let release = (): void => {};
        const call = clientFor(path).makeUnaryRequest<Buffer, Buffer>(
          path,
          identity,
          identity,
          toBuffer(request),
          metadataFor(ctx),
          { deadline: Date.now() + callDeadlineMs },
          (error, response) => {
            release();
            if (error) reject(error);
            else resolve(response ?? Buffer.alloc(0));
          },
        );
        release = cancelOnAbort(call, ctx.signal);
      });
    },
    serverStream(path, request, ctx) {
      return streamIterable(() => {
        const call = clientFor(path).makeServerStreamRequest<Buffer, Buffer>(
          path,
          identity,
          identity,
          toBuffer(request),
          metadataFor(ctx),
          {},
        );
        // The backend's response headers: the stream is open (the pipeline's connect timeout stops).
        if (ctx.onStreamOpen !== undefined) call.once('metadata', ctx.onStreamOpen);
        return call;
      }, ctx.signal);
    },
    bidi(path, ctx, deadlineMs) {
      return clientFor(path).makeBidiStreamRequest<Buffer, Buffer>(
        path,
        identity,
        identity,
        metadataFor(ctx),
        { deadline: Date.now() + deadlineMs },
      );
    },
    close() {
      for (const client of clients.values()) client.close();
      clients.clear();
      channel.close();
    },
  };
}

/** How many answers may wait unread before the stream is paused (HTTP/2 flow control then slows the server). */
const STREAM_HIGH_WATER = 64;

/**
 * A server stream as an AsyncIterable. Written by hand because Readable's own
 * iterator destroys the stream on return without cancelling the gRPC call,
 * and the call must end at the backend when the subscriber leaves.
 */
function streamIterable(
  start: () => grpc.ClientReadableStream<Buffer>,
  signal: AbortSignal | undefined,
): AsyncIterable<Buffer> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<Buffer> {
      const call = start();
      const queue: Buffer[] = [];
      let failure: unknown;
      let ended = false;
      let cancelled = false;
      let wake: (() => void) | undefined;
      const notify = (): void => {
        wake?.();
        wake = undefined;
      };
      const cancel = (): void => {
        if (cancelled) return;
        cancelled = true;
        call.cancel();
        notify();
      };
      signal?.addEventListener('abort', cancel, { once: true });
      call.on('data', (message: Buffer) => {
        queue.push(message);
        if (queue.length >= STREAM_HIGH_WATER) call.pause();
        notify();
      });
      call.on('error', (error: grpc.ServiceError) => {
        if (!cancelled) failure = error;
        ended = true;
        notify();
      });
      call.on('end', () => {
        ended = true;
        notify();
      });
      const finish = (): IteratorResult<Buffer> => {
        signal?.removeEventListener('abort', cancel);
        return { done: true, value: undefined };
      };
      return {
        async next() {
          for (;;) {
            const message = queue.shift();
            if (message !== undefined) {
              if (queue.length < STREAM_HIGH_WATER / 2) call.resume();
              return { done: false, value: message };
            }
            if (failure !== undefined) {
              const error = failure;
              failure = undefined;
              finish();
              throw error;
            }
            if (ended || cancelled) return finish();
            await new Promise<void>((resolve) => (wake = resolve));
          }
        },
        async return() {
          cancel();
          return finish();
        },
      };
    },
  };
}
