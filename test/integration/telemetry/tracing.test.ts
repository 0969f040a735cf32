/**
 * Traces against the real demo systems, recorded by an in-process exporter:
 * the span tree of a cross-source query, retries as events, the W3C trace
 * context each backend received (REST and SOAP headers, gRPC metadata), and
 * a caller's traceparent continued, or not, as configured.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  clearTraceContexts,
  KEPT_TRACE_CONTEXTS,
  receivedTraceContexts,
} from '../../../demo/common/trace-context.js';
import { startAdmin } from '../../../demo/index.js';
import type { SwitchboardConfig } from '../../../gateway/index.js';
import {
  NO_READ_CACHE,
  demoConfig,
  startGatewayOn,
  startSystems,
  track,
  unifiedDemoConfig,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';
import { orderInput, PLACE_ORDER } from '../writes/setup.js';

useHarness();

let systems: Systems;

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
});

afterEach(() => {
  systems.resetCounts();
  for (const system of systems.list) {
    system.misbehaviour.set({});
    clearTraceContexts(system);
  }
});

async function tracedGateway(
  config: SwitchboardConfig,
): Promise<{ gateway: TestGateway; spans: () => ReadableSpan[] }> {
  const exporter = new InMemorySpanExporter();
  const gateway = await startGatewayOn(config, {
    telemetry: { spanProcessors: [new SimpleSpanProcessor(exporter)] },
  });
  return { gateway, spans: () => exporter.getFinishedSpans() };
}

const TRACING = { telemetry: { tracing: { enabled: true } } } as const;
const PRODUCT =
  'query Product { product(sku: "SKU-00001") { sku title price { amount } stock { available } } }';

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

describe('traces', () => {
  it('records a span tree for a cross-source query, and each backend receives the trace context of its call', async () => {
    const { gateway, spans } = await tracedGateway(
      unifiedDemoConfig(systems, { ...NO_READ_CACHE, ...TRACING }),
    );
    try {
      const { body } = await gateway.graphql(PRODUCT);
      expect(body.errors).toBeUndefined();
      const all = spans();
      const root = all.find((span) => span.kind === SpanKind.SERVER);
      expect(root?.name).toBe('query Product');
      expect(root?.attributes).toMatchObject({
        'graphql.operation.name': 'Product',
        'graphql.operation.type': 'query',
        'http.response.status_code': 200,
      });
      expect(parentOf(root!)).toBeUndefined();
      const traceId = root!.spanContext().traceId;
      expect(all.every((span) => span.spanContext().traceId === traceId)).toBe(true);
      expect(all.every((span) => span.resource.attributes['service.name'] === 'switchboard')).toBe(
        true,
      );

      const calls = all.filter((span) => span.kind === SpanKind.INTERNAL);
      const attempts = all.filter((span) => span.kind === SpanKind.CLIENT);
      // One call span per source call under the request, one attempt under each.
      expect(calls.every((span) => parentOf(span) === root!.spanContext().spanId)).toBe(true);
      expect(new Set(calls.map((span) => span.attributes['switchboard.source']))).toEqual(
        new Set(['storefront', 'erp', 'billing']),
      );
      expect(attempts).toHaveLength(calls.length);
      for (const attempt of attempts) {
        const call = calls.find((span) => span.spanContext().spanId === parentOf(attempt));
        expect(call?.name).toBe(attempt.name);
        expect(attempt.status.code).not.toBe(SpanStatusCode.ERROR);
      }
      // The backends' own calls equal the attempts, and each received its attempt's traceparent.
      const backendCalls = Object.values(systems.totals()).reduce((sum, n) => sum + n, 0);
      expect(attempts).toHaveLength(backendCalls);
      for (const system of [systems.storefront, systems.erp, systems.billing]) {
        const received = receivedTraceContexts(system);
        expect(received.length).toBe(systems.totals()[system.name]);
        for (const { traceparent } of received) {
          const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceparent);
          expect(match?.[1]).toBe(traceId);
          const attempt = attempts.find((span) => span.spanContext().spanId === match?.[2]);
          expect(attempt?.attributes['switchboard.source']).toBe(system.name);
        }
      }
    } finally {
      await gateway.close();
    }
  });

  it("gives a subscription's stream a client span under the request, and billing its trace context", async () => {
    const { gateway, spans } = await tracedGateway(
      unifiedDemoConfig(systems, { ...NO_READ_CACHE, ...TRACING }),
    );
    const controller = new AbortController();
    try {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: 'subscription Watch { invoiceEvents { kind } }' }),
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      // The watch is open once billing has counted it; its trace context came with it.
      await expect
        .poll(() => receivedTraceContexts(systems.billing).map(({ operation }) => operation), {
          timeout: 30_000,
        })
        .toContain('WatchInvoiceEvents');
      controller.abort();
      await response.body?.cancel().catch(() => undefined);
      await expect
        .poll(() => spans().some((span) => span.attributes['switchboard.call.kind'] === 'stream'), {
          timeout: 30_000,
        })
        .toBe(true);
      const all = spans();
      const root = all.find((span) => span.kind === SpanKind.SERVER);
      const stream = all.find((span) => span.attributes['switchboard.call.kind'] === 'stream')!;
      expect(stream.kind).toBe(SpanKind.CLIENT);
      expect(stream.attributes['switchboard.source']).toBe('billing');
      expect(parentOf(stream)).toBe(root?.spanContext().spanId);
      const [watch] = receivedTraceContexts(systems.billing);
      expect(watch?.traceparent).toBe(
        `00-${stream.spanContext().traceId}-${stream.spanContext().spanId}-01`,
      );
    } finally {
      controller.abort();
      await gateway.close();
    }
  });

  it("gives each journal step of a write its own span, parent of the step's backend call", async () => {
    const { gateway, spans } = await tracedGateway(
      unifiedDemoConfig(systems, { ...NO_READ_CACHE, ...TRACING }),
    );
    try {
      const { body } = await gateway.graphql(PLACE_ORDER, { input: orderInput() });
      expect(body.errors).toBeUndefined();
      const all = spans();
      const steps = all.filter((span) => span.name.startsWith('journal step '));
      // placeOrder: storefront order, erp sales order, billing invoice; one span each, one write.
      expect(steps.map((span) => span.attributes['switchboard.source'])).toEqual([
        'storefront',
        'erp',
        'billing',
      ]);
      expect(steps.map((span) => span.attributes['switchboard.write.step'])).toEqual([0, 1, 2]);
      expect(new Set(steps.map((span) => span.attributes['switchboard.write.id'])).size).toBe(1);
      for (const step of steps) {
        const calls = all.filter((span) => parentOf(span) === step.spanContext().spanId);
        expect(calls.map((span) => span.kind)).toEqual([SpanKind.INTERNAL]);
        expect(calls[0]?.attributes['switchboard.source']).toBe(
          step.attributes['switchboard.source'],
        );
      }
    } finally {
      await gateway.close();
    }
  });

  it('puts retries on the call span as events, one attempt span each', async () => {
    const { gateway, spans } = await tracedGateway(
      demoConfig(systems, {
        ...TRACING,
        pipeline: { retry: { baseDelayMs: 1 }, cache: { enabled: false } },
      }),
    );
    try {
      systems.storefront.misbehaviour.set({
        failNext: 2,
        failWith: 'unavailable',
        retryAfterMs: 0,
      });
      const { body } = await gateway.graphql(
        '{ getProduct(productId: "prod_00001") { id } }',
        undefined,
        { path: '/graphql/storefront' },
      );
      expect(body.errors).toBeUndefined();
      expect(systems.counts().storefront).toEqual({ getProduct: 3 });
      const call = spans().find((span) => span.kind === SpanKind.INTERNAL);
      expect(call?.events.map((event) => [event.name, event.attributes])).toEqual([
        ['retry', { attempt: 2, 'error.type': 'SOURCE_UNAVAILABLE' }],
        ['retry', { attempt: 3, 'error.type': 'SOURCE_UNAVAILABLE' }],
      ]);
      const attempts = spans().filter((span) => span.kind === SpanKind.CLIENT);
      expect(
        attempts.map((span) => [span.attributes['switchboard.attempt'], span.status.code]),
      ).toEqual([
        [1, SpanStatusCode.ERROR],
        [2, SpanStatusCode.ERROR],
        [3, SpanStatusCode.UNSET],
      ]);
      expect(attempts[0]?.attributes['error.type']).toBe('SOURCE_UNAVAILABLE');
      expect(attempts.every((span) => parentOf(span) === call!.spanContext().spanId)).toBe(true);
      // Each attempt's own traceparent reached the backend.
      expect(
        receivedTraceContexts(systems.storefront).map(
          ({ traceparent }) => traceparent.split('-')[2],
        ),
      ).toEqual(attempts.map((span) => span.spanContext().spanId));
    } finally {
      await gateway.close();
    }
  });

  it("continues the caller's trace from its traceparent, and ignores a malformed one", async () => {
    const { gateway, spans } = await tracedGateway(demoConfig(systems, TRACING));
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parent = '00f067aa0ba902b7';
      const query = '{ getProduct(productId: "prod_00002") { id } }';
      await gateway.graphql(query, undefined, {
        path: '/graphql/storefront',
        headers: { traceparent: `00-${traceId}-${parent}-01`, tracestate: 'vendor=abc' },
      });
      const root = spans().find((span) => span.kind === SpanKind.SERVER)!;
      expect(root.spanContext().traceId).toBe(traceId);
      expect(parentOf(root)).toBe(parent);
      const [received] = receivedTraceContexts(systems.storefront);
      expect(received?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(received?.tracestate).toBe('vendor=abc');

      for (const hostile of [
        '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
        'ff-' + 'a'.repeat(32) + '-' + 'b'.repeat(16) + '-01',
        'x'.repeat(4000),
        '00-zz-yy-01',
      ]) {
        const before = spans().length;
        const { status } = await gateway.graphql(
          '{ getProduct(productId: "prod_00003") { id } }',
          undefined,
          { path: '/graphql/storefront', headers: { traceparent: hostile } },
        );
        expect(status).toBe(200);
        const fresh = spans()
          .slice(before)
          .find((span) => span.kind === SpanKind.SERVER)!;
        expect(parentOf(fresh)).toBeUndefined();
        expect(fresh.spanContext().traceId).not.toBe(traceId);
      }
    } finally {
      await gateway.close();
    }
  });

  it('starts a new trace whatever the caller sent when trustIncoming is false', async () => {
    const { gateway, spans } = await tracedGateway(
      demoConfig(systems, { telemetry: { tracing: { enabled: true, trustIncoming: false } } }),
    );
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      await gateway.graphql('{ getProduct(productId: "prod_00002") { id } }', undefined, {
        path: '/graphql/storefront',
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      });
      const root = spans().find((span) => span.kind === SpanKind.SERVER)!;
      expect(root.spanContext().traceId).not.toBe(traceId);
      expect(parentOf(root)).toBeUndefined();
      expect(receivedTraceContexts(systems.storefront)[0]?.traceparent).toContain(
        root.spanContext().traceId,
      );
    } finally {
      await gateway.close();
    }
  });

  it('makes no span and sends no trace context when tracing is off (the default)', async () => {
    const { gateway, spans } = await tracedGateway(unifiedDemoConfig(systems, NO_READ_CACHE));
    try {
      expect(
        (
          await gateway.graphql(PRODUCT, undefined, {
            headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
          })
        ).body.errors,
      ).toBeUndefined();
      expect(spans()).toEqual([]);
      for (const system of systems.list) {
        expect(systems.totals()[system.name]).toBeGreaterThan(0);
        expect(receivedTraceContexts(system)).toEqual([]);
      }
    } finally {
      await gateway.close();
    }
  });

  it('records the sampled-out decision: with sampleRatio 0 no span is exported, and backends hear "not sampled"', async () => {
    const { gateway, spans } = await tracedGateway(
      demoConfig(systems, { telemetry: { tracing: { enabled: true, sampleRatio: 0 } } }),
    );
    try {
      await gateway.graphql('{ getProduct(productId: "prod_00002") { id } }', undefined, {
        path: '/graphql/storefront',
      });
      expect(spans()).toEqual([]);
      expect(
        receivedTraceContexts(systems.storefront).map(({ traceparent }) => traceparent.slice(-3)),
      ).toEqual(['-00']);
    } finally {
      await gateway.close();
    }
  });

  it('exports over OTLP/HTTP to the configured endpoint (a collector stand-in on 127.0.0.1), flushed on close', async () => {
    const received: Array<{ path: string; type: string; named: boolean }> = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({
          path: req.url ?? '',
          type: String(req.headers['content-type']),
          named: body.includes('switchboard-test'),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    track(
      { close: () => new Promise<void>((resolve) => collector.close(() => resolve())) },
      'OTLP collector stand-in',
    );
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
    const gateway = await startGatewayOn(
      demoConfig(systems, {
        telemetry: { tracing: { enabled: true, endpoint, serviceName: 'switchboard-test' } },
      }),
    );
    try {
      expect(
        (
          await gateway.graphql('{ getProduct(productId: "prod_00002") { id } }', undefined, {
            path: '/graphql/storefront',
          })
        ).status,
      ).toBe(200);
    } finally {
      await gateway.close();
    }
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]).toMatchObject({
      path: '/v1/traces',
      type: expect.stringMatching(/^application\/(json|x-protobuf)/),
      named: true,
    });
  });

  it('the demo admin endpoint shows the trace contexts each system received, the last 50 only', async () => {
    const admin = track(await startAdmin({ systems: systems.list }), 'demo admin');
    const { gateway, spans } = await tracedGateway(
      demoConfig(systems, { ...TRACING, pipeline: { cache: { enabled: false } } }),
    );
    try {
      for (let call = 0; call < KEPT_TRACE_CONTEXTS + 5; call += 1)
        await gateway.graphql('{ getProduct(productId: "prod_00001") { id } }', undefined, {
          path: '/graphql/storefront',
        });
      const shown = (await (await fetch(`${admin.url}/__admin/traces`)).json()) as Record<
        string,
        Array<{ operation: string; traceparent: string }>
      >;
      expect(shown.storefront).toHaveLength(KEPT_TRACE_CONTEXTS);
      expect(shown.erp).toEqual([]);
      const last = spans()
        .filter((span) => span.kind === SpanKind.CLIENT)
        .at(-1)!;
      expect(shown.storefront?.at(-1)).toEqual({
        operation: 'getProduct',
        traceparent: `00-${last.spanContext().traceId}-${last.spanContext().spanId}-01`,
      });
    } finally {
      await gateway.close();
      await admin.close();
    }
  });
});
