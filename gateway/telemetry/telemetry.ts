/**
 * The gateway's telemetry, built once per gateway from the `telemetry`
 * config section: metrics (Prometheus, served at /metrics to the admin
 * credential) and tracing (OpenTelemetry, exported over OTLP/HTTP). Each is
 * undefined when off, and everything that records checks for that first, so
 * a gateway with both off does no telemetry work at all.
 */
import { ROOT_CONTEXT, SpanKind, trace, type Context } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { CallTelemetry } from './call-telemetry.js';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.js';
import {
  createTracing,
  endWithError,
  type GatewayTracing,
  type JournalStepFacts,
  type TracingOptions,
} from './tracing.js';

/** The `telemetry` config section, resolved (gateway/config/options.ts). */
export interface TelemetryOptions {
  readonly metrics: { readonly enabled: boolean; readonly maxOperationNames: number };
  readonly tracing: { readonly enabled: boolean } & TracingOptions;
}

export interface Telemetry {
  /** Undefined when metrics are off, or when no admin credential is configured (nobody could read them). */
  readonly metrics?: GatewayMetrics;
  /** Undefined when tracing is off. */
  readonly tracing?: GatewayTracing;
  /**
   * Hook for the write executor: runs one journal step inside its own span
   * (a child of `parent`, e.g. the request's), and hands `run` the
   * CallTelemetry to put on the step's PipelineContext so its backend calls
   * are children of the step. Without tracing, just runs it.
   * @example await telemetry.journalStep({ writeId, step: 0, source: 'erp', operation: 'createOrder' }, (t) => pipeline.invoke({ ...call, ctx: { ...ctx, telemetry: t } }));
   */
  journalStep<T>(
    facts: JournalStepFacts,
    run: (telemetry: CallTelemetry | undefined) => Promise<T>,
    parent?: Context,
  ): Promise<T>;
  /** Flushes spans not yet exported. Safe twice. */
  close(): Promise<void>;
}

export interface TelemetryInit {
  /** Is an admin credential configured? Without one /metrics answers 404, so nothing is counted. */
  readonly adminEnabled: boolean;
  /** Replace the OTLP exporter (tests: an InMemorySpanExporter in a SimpleSpanProcessor). */
  readonly spanProcessors?: readonly SpanProcessor[];
}

export function createTelemetry(options: TelemetryOptions, init: TelemetryInit): Telemetry {
  const metrics =
    options.metrics.enabled && init.adminEnabled
      ? createGatewayMetrics({ maxOperationNames: options.metrics.maxOperationNames })
      : undefined;
  const tracing = options.tracing.enabled
    ? createTracing(options.tracing, init.spanProcessors)
    : undefined;
  let closing: Promise<void> | undefined;
  return {
    ...(metrics === undefined ? {} : { metrics }),
    ...(tracing === undefined ? {} : { tracing }),
    async journalStep(facts, run, parent = ROOT_CONTEXT) {
      if (tracing === undefined) return run(undefined);
      const span = tracing.tracer.startSpan(
        `journal step ${facts.source} ${facts.operation}`,
        {
          kind: SpanKind.INTERNAL,
          attributes: {
            'switchboard.write.id': facts.writeId,
            'switchboard.write.step': facts.step,
            'switchboard.source': facts.source,
            'switchboard.operation': facts.operation,
            ...(facts.action === undefined ? {} : { 'switchboard.write.action': facts.action }),
          },
        },
        parent,
      );
      try {
        const result = await run({ parent: trace.setSpan(parent, span), attempts: 0 });
        span.end();
        return result;
      } catch (error) {
        endWithError(span, error);
        throw error;
      }
    },
    close() {
      closing ??= tracing === undefined ? Promise.resolve() : tracing.close();
      return closing;
    },
  };
}
