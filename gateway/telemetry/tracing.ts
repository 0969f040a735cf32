/**
 * The gateway's OpenTelemetry tracing: its own tracer provider (never the
 * global one, so an embedding application's tracing is left alone), spans
 * exported over OTLP/HTTP in batches, and W3C trace context (`traceparent`,
 * `tracestate`) read from callers and written to backends.
 *
 * Spans carry their parent explicitly (PipelineContext.telemetry), not
 * through a context manager: no AsyncLocalStorage on the hot path, and a
 * span's parent is exactly the request or call it belongs to.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  /** OTLP/HTTP traces endpoint, e.g. "http://collector:4318/v1/traces"; null: the exporter's default (OTEL_EXPORTER_OTLP_* or localhost:4318). */
  readonly endpoint: string | null;
  readonly serviceName: string;
  /** Share of new traces recorded (0 to 1); a caller's sampled flag decides for traces it started. */
  readonly sampleRatio: number;
  /** Continue the caller's trace from its `traceparent`; false: every request starts a new trace. */
  readonly trustIncoming: boolean;
}

/** What the write executor tells a journal step's span. */
export interface JournalStepFacts {
  readonly writeId: string;
  /** The step's index in the write's plan. */
  readonly step: number;
  readonly source: string;
  readonly operation: string;
  /** "do", "compensate", "replay"... */
  readonly action?: string;
}

export interface GatewayTracing {
  readonly tracer: Tracer;
  /** The parent of a request's span: the caller's trace when trusted and well-formed, otherwise none (a new trace). */
  incoming(headers: Headers): Context;
  /** The W3C headers (`traceparent`, `tracestate` when set) that make a backend's work part of `parent`'s trace. */
  outgoing(parent: Context): Readonly<Record<string, string>>;
  /** Sends the spans not yet exported and stops. */
  close(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();

const headersGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/**
 * @param processors replace the OTLP exporter (tests pass an InMemorySpanExporter's SimpleSpanProcessor).
 */
export function createTracing(
  options: TracingOptions,
  processors?: readonly SpanProcessor[],
): GatewayTracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors:
      processors === undefined
        ? [
            new BatchSpanProcessor(
              new OTLPTraceExporter(options.endpoint === null ? {} : { url: options.endpoint }),
            ),
          ]
        : [...processors],
  });
  const tracer = provider.getTracer('switchboard');
  return {
    tracer,
    incoming: (headers) =>
      options.trustIncoming
        ? propagator.extract(ROOT_CONTEXT, headers, headersGetter)
        : ROOT_CONTEXT,
    outgoing(parent) {
      const carrier: Record<string, string> = {};
      propagator.inject(parent, carrier, {
        set: (target, key, value) => void (target[key] = value),
      });
      return carrier;
    },
    async close() {
      await provider.shutdown();
    },
  };
}

/** Ends `span` with the failure's code (a SourceError's or GatewayError's `code`, else its name); never its message, which may quote a backend. */
export function endWithError(span: Span, error: unknown): void {
  const code =
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string'
      ? (error as { code: string }).code
      : error instanceof Error
        ? error.name
        : 'Error';
  span.setAttribute('error.type', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  span.end();
}

export { SpanKind, trace };
