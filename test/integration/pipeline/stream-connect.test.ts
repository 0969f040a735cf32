/**
 * Issue 9: subscriptions get a connect timeout. A real grpc-js billing on
 * 127.0.0.1 accepts WatchInvoiceEvents and then says nothing (no response
 * headers, no message): the caller gets SOURCE_TIMEOUT, the call is cancelled
 * at the backend (counted there), and the breaker counts it, so once open it
 * refuses new streams without reaching the backend. A backend that sends its
 * headers and then waits for events is open, and stays open past the timeout.
 * Counts only, never durations.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamCall } from '../../../gateway/pipeline/index.js';
import { createGrpcSource } from '../../../sources/grpc/index.js';
import { SourceError, type Source } from '../../../sources/common/index.js';
import { track, useHarness } from '../../harness/index.js';
import { operationOf, pipelineFor, recordingLogger, testPolicy } from './helpers.js';

useHarness();

const PROTO_ROOT = fileURLToPath(new URL('../../../demo/billing/proto', import.meta.url));
const CONTRACT = `${PROTO_ROOT}/billing/v1/billing.proto`;
/** How the backend treats a new stream: says nothing at all, or sends its headers and waits for events. */
let mode: 'silent' | 'headers' = 'silent';
const counts = { opened: 0, cancelled: 0 };
const open = new Set<grpc.ServerWritableStream<unknown, unknown>>();
let server: grpc.Server;
let billing: Source;

beforeAll(async () => {
  const definition = loadSync(CONTRACT, { includeDirs: [PROTO_ROOT] });
  const service = (
    grpc.loadPackageDefinition(definition) as unknown as {
      billing: { v1: { BillingService: { service: grpc.ServiceDefinition } } };
    }
  ).billing.v1.BillingService.service;
  server = new grpc.Server();
  const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<unknown>): void =>
    callback({
      code: grpc.status.UNIMPLEMENTED,
      details: 'not here',
      name: 'Error',
      message: 'not here',
      metadata: new grpc.Metadata(),
    });
  server.addService(service, {
    ...Object.fromEntries(Object.keys(service).map((name) => [name, unimplemented])),
    WatchInvoiceEvents: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      counts.opened += 1;
      open.add(call);
      call.on('cancelled', () => {
        counts.cancelled += 1;
        open.delete(call);
      });
      if (mode === 'headers') call.sendMetadata(new grpc.Metadata());
    },
  } as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  billing = track(
    await createGrpcSource({
      name: 'billing',
      contract: CONTRACT,
      includeDirs: [PROTO_ROOT],
      url: `127.0.0.1:${port}`,
    }),
    'billing source',
  );
});

afterAll(async () => {
  for (const call of open) call.end();
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
});

const watch = (): StreamCall => ({
  kind: 'stream',
  source: 'billing',
  operation: operationOf(billing, 'watchInvoiceEvents'),
  args: {},
  ctx: {},
});

/** The first step of a stream: its first event, or the SourceError it failed with. */
async function firstOf(
  stream: AsyncIterable<unknown>,
): Promise<{ iterator: AsyncIterator<unknown>; error?: SourceError }> {
  const iterator = stream[Symbol.asyncIterator]();
  try {
    await iterator.next();
    return { iterator };
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    return { iterator, error: error as SourceError };
  }
}

/** Waits (bounded by count, not time) until `done()`: the backend hears a cancellation asynchronously. */
async function eventually(done: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !done(); attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(done()).toBe(true);
}

describe('a subscription stream that never opens', () => {
  it('fails with SOURCE_TIMEOUT, is cancelled at the backend, is logged, and the stream ends for the caller', async () => {
    mode = 'silent';
    counts.opened = 0;
    counts.cancelled = 0;
    const logger = recordingLogger();
    const pipeline = pipelineFor(billing, testPolicy({ timeoutMs: 200 }), logger);
    const { iterator, error } = await firstOf(pipeline.subscribe(watch()));
    expect(error?.code).toBe('SOURCE_TIMEOUT');
    expect(error?.details).toEqual({ timeoutMs: 200 });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    await eventually(() => counts.cancelled === 1);
    expect(counts.opened).toBe(1);
    expect(logger.messages('billing watchInvoiceEvents failed: SOURCE_TIMEOUT')).toHaveLength(1);
  });

  it('counts against the breaker: once open, new streams are refused without reaching the backend', async () => {
    mode = 'silent';
    counts.opened = 0;
    counts.cancelled = 0;
    const pipeline = pipelineFor(
      billing,
      testPolicy({
        timeoutMs: 100,
        breaker: { failureRatio: 0.5, minimumCalls: 3, windowMs: 60_000, halfOpenAfterMs: 60_000 },
      }),
    );
    for (let stream = 0; stream < 3; stream += 1)
      expect((await firstOf(pipeline.subscribe(watch()))).error?.code).toBe('SOURCE_TIMEOUT');
    await eventually(() => counts.cancelled === 3);
    // The breaker records a connect's outcome as the caller hears it, a few promise turns apart.
    await eventually(() => pipeline.state().breaker?.state === 'open');
    let refusal: unknown;
    try {
      pipeline.subscribe(watch());
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      details: { reason: 'circuit open' },
    });
    expect(counts.opened).toBe(3);
  });

  it('a stream the backend opened (headers sent) and that waits for events is not timed out, and counts as a success', async () => {
    mode = 'headers';
    counts.opened = 0;
    counts.cancelled = 0;
    const pipeline = pipelineFor(
      billing,
      testPolicy({
        timeoutMs: 100,
        breaker: { failureRatio: 0.5, minimumCalls: 1, windowMs: 60_000, halfOpenAfterMs: 60_000 },
      }),
    );
    const iterator = pipeline.subscribe(watch())[Symbol.asyncIterator]();
    let settled = false;
    const first = iterator.next().then(
      () => (settled = true),
      () => (settled = true),
    );
    // Three timeouts' worth of waiting: the stream is still open and nothing failed.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(settled).toBe(false);
    expect(counts.cancelled).toBe(0);
    expect(pipeline.state().breaker).toEqual({ state: 'closed' });
    await iterator.return?.();
    await first;
    await eventually(() => counts.cancelled === 1);
  });

  it('a caller that leaves while the stream connects cancels it and counts nothing against the breaker', async () => {
    mode = 'silent';
    counts.opened = 0;
    counts.cancelled = 0;
    const pipeline = pipelineFor(
      billing,
      testPolicy({
        timeoutMs: 5_000,
        breaker: { failureRatio: 0.5, minimumCalls: 1, windowMs: 60_000, halfOpenAfterMs: 60_000 },
      }),
    );
    const iterator = pipeline.subscribe(watch())[Symbol.asyncIterator]();
    const first = iterator.next().catch((error: unknown) => error);
    await eventually(() => counts.opened === 1);
    await iterator.return?.();
    await first;
    await eventually(() => counts.cancelled === 1);
    expect(pipeline.state().breaker).toEqual({ state: 'closed' });
  });
});
