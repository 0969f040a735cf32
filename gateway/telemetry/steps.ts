/**
 * The pipeline's two telemetry steps (STEPS in gateway/pipeline/pipeline.ts):
 *
 * - `telemetry` sits under the read cache, so it sees each call that goes
 *   to the backend once (cache hits cost it nothing): it opens the call's
 *   span (one per resolver/loader batch that calls a source) and counts
 *   the pipeline's own refusals (circuit open, bulkhead full, pause...).
 * - `telemetry-attempt` is innermost, next to the source, so it sees every
 *   attempt: one client span and one timed count per backend call, retries
 *   counted and put on the call's span as events, and the trace context
 *   handed to the transport (CallContext.propagation) for the backend; a
 *   subscription's stream gets one client span from opening to end.
 *
 * With metrics and tracing off both steps are empty: the composition skips
 * them and a call pays nothing.
 */
import { ROOT_CONTEXT, SpanKind, trace, type Span } from '@opentelemetry/api';
import { SourceError } from '../../sources/common/index.js';
import type { Call, StreamCall, Subscribe } from '../pipeline/call.js';
import { RefusedCall } from '../pipeline/refusal.js';
import type { StepFactory } from '../pipeline/step.js';
import type { CallTelemetry } from './call-telemetry.js';
import { endWithError } from './tracing.js';

function codeOf(error: unknown): string {
  return error instanceof SourceError ? error.code : 'INTERNAL';
}

function attributesOf(call: Call): Record<string, string | number> {
  return {
    'switchboard.source': call.source,
    'switchboard.operation': call.operation.name,
    'switchboard.call.kind': call.kind,
    ...(call.kind === 'batch' ? { 'switchboard.call.keys': call.keys.length } : {}),
  };
}

export const createCallTelemetryStep: StepFactory = ({ source: { name: source }, telemetry }) => {
  if (
    telemetry === undefined ||
    (telemetry.metrics === undefined && telemetry.tracing === undefined)
  )
    return { name: 'telemetry' };
  const { metrics, tracing } = telemetry;
  return {
    name: 'telemetry',
    invoke: (next) => (call) => {
      const parent = call.ctx.telemetry?.parent ?? ROOT_CONTEXT;
      let span: Span | undefined;
      let mine: CallTelemetry = { attempts: 0 };
      if (tracing !== undefined) {
        span = tracing.tracer.startSpan(
          `${source} ${call.operation.name}`,
          { kind: SpanKind.INTERNAL, attributes: attributesOf(call) },
          parent,
        );
        mine = { parent: trace.setSpan(parent, span), span, attempts: 0 };
      }
      return next({ ...call, ctx: { ...call.ctx, telemetry: mine } }).then(
        (answer) => {
          span?.end();
          return answer;
        },
        (error: unknown) => {
          if (error instanceof RefusedCall)
            metrics?.observeRefusal(source, String(error.details?.reason ?? 'refused'));
          if (span !== undefined) endWithError(span, error);
          throw error;
        },
      );
    },
  };
};

export const createAttemptTelemetryStep: StepFactory = ({
  source: { name: source },
  telemetry,
}) => {
  if (
    telemetry === undefined ||
    (telemetry.metrics === undefined && telemetry.tracing === undefined)
  )
    return { name: 'telemetry-attempt' };
  const { metrics, tracing } = telemetry;
  return {
    name: 'telemetry-attempt',
    invoke: (next) => (call) => {
      const operation = call.operation.name;
      const outer = call.ctx.telemetry;
      if (outer !== undefined) {
        outer.attempts += 1;
        if (outer.attempts > 1) {
          metrics?.observeRetry(source, operation);
          outer.span?.addEvent('retry', {
            attempt: outer.attempts,
            ...(outer.lastCode === undefined ? {} : { 'error.type': outer.lastCode }),
          });
        }
      }
      let span: Span | undefined;
      let sent = call;
      if (tracing !== undefined) {
        const parent = outer?.parent ?? ROOT_CONTEXT;
        span = tracing.tracer.startSpan(
          `${source} ${operation}`,
          {
            kind: SpanKind.CLIENT,
            attributes: { ...attributesOf(call), 'switchboard.attempt': outer?.attempts ?? 1 },
          },
          parent,
        );
        sent = {
          ...call,
          ctx: { ...call.ctx, propagation: tracing.outgoing(trace.setSpan(parent, span)) },
        };
      }
      const started = performance.now();
      return next(sent).then(
        (answer) => {
          metrics?.observeCall(source, operation, (performance.now() - started) / 1000, undefined);
          span?.end();
          return answer;
        },
        (error: unknown) => {
          const code = codeOf(error);
          metrics?.observeCall(source, operation, (performance.now() - started) / 1000, code);
          if (
            error instanceof SourceError &&
            code === 'SOURCE_RATE_LIMITED' &&
            (error.retryAfterMs ?? 0) > 0
          )
            metrics?.observePause(source);
          if (outer !== undefined) outer.lastCode = code;
          if (span !== undefined) endWithError(span, error);
          throw error;
        },
      );
    },
    // A stream is one attempt that lasts: its client span is open from the
    // opening until the stream ends, and the backend gets its trace context
    // like any call (gRPC metadata, an SSE request's headers).
    ...(tracing === undefined
      ? {}
      : {
          subscribe: (next: Subscribe) => (call: StreamCall) => {
            const parent = call.ctx.telemetry?.parent ?? ROOT_CONTEXT;
            const span = tracing.tracer.startSpan(
              `${source} ${call.operation.name}`,
              {
                kind: SpanKind.CLIENT,
                attributes: {
                  'switchboard.source': source,
                  'switchboard.operation': call.operation.name,
                  'switchboard.call.kind': 'stream',
                },
              },
              parent,
            );
            const stream = next({
              ...call,
              ctx: { ...call.ctx, propagation: tracing.outgoing(trace.setSpan(parent, span)) },
            });
            return endSpanWithStream(stream, span);
          },
        }),
  };
};

/** Ends `span` once, when the stream finishes, fails or its reader leaves. */
function endSpanWithStream(stream: AsyncIterable<unknown>, span: Span): AsyncIterable<unknown> {
  let ended = false;
  const end = (error?: unknown): void => {
    if (ended) return;
    ended = true;
    if (error === undefined) span.end();
    else endWithError(span, error);
  };
  return {
    [Symbol.asyncIterator]() {
      const inner = stream[Symbol.asyncIterator]();
      return {
        async next() {
          try {
            const step = await inner.next();
            if (step.done === true) end();
            return step;
          } catch (error) {
            end(error);
            throw error;
          }
        },
        async return(value?: unknown) {
          end();
          return (await inner.return?.(value)) ?? { done: true, value: undefined };
        },
      };
    },
  };
}
