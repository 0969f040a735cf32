/**
 * Telemetry of one GraphQL request, as a Yoga plugin: its span (a child of
 * the caller's `traceparent` when trusted) and, when it is answered, one
 * count and one latency observation by operation name and outcome.
 *
 * The operation name comes from the parsed document (so it is a GraphQL
 * name) and passes the metrics' cap; a request refused before it ran
 * (unparsable, invalid, over a limit) counts as operation "unknown",
 * outcome "rejected". A subscription or an incremental answer counts when
 * its stream opens (outcome "stream"). A browser loading the playground
 * (GET asking for HTML) and CORS preflights are not GraphQL requests: not
 * counted, no span.
 */
import { SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { CallTelemetry } from './call-telemetry.js';
import type { RequestOutcome } from './metrics.js';
import type { Telemetry } from './telemetry.js';

interface RequestState {
  readonly started: number;
  readonly span?: Span;
  readonly context?: Context;
  operation?: string;
  outcome?: RequestOutcome;
}

export interface RequestTelemetry {
  readonly plugin: Plugin;
  /** What the request's outbound calls carry (PipelineContext.telemetry): its span as their parent. */
  callTelemetry(request: Request): CallTelemetry | undefined;
}

function outcomeOf(result: unknown): RequestOutcome {
  if (typeof result !== 'object' || result === null || Symbol.asyncIterator in result)
    return 'stream';
  const { errors, data } = result as ExecutionResult;
  if (errors === undefined || errors.length === 0) return 'success';
  return data === null || data === undefined ? 'error' : 'partial';
}

export function createRequestTelemetry(telemetry: Telemetry): RequestTelemetry {
  const { metrics, tracing } = telemetry;
  const states = new WeakMap<Request, RequestState>();

  const named = (
    request: Request | undefined,
    document: DocumentNode,
    operationName: string | null | undefined,
  ): RequestState | undefined => {
    const state = request === undefined ? undefined : states.get(request);
    if (state === undefined) return undefined;
    const operation = getOperationAST(document, operationName);
    state.operation = operation?.name?.value ?? 'anonymous';
    if (state.span !== undefined && operation !== null && operation !== undefined) {
      state.span.updateName(`${operation.operation} ${state.operation}`);
      state.span.setAttribute('graphql.operation.type', operation.operation);
      state.span.setAttribute('graphql.operation.name', state.operation);
    }
    return state;
  };

  const plugin: Plugin<{ request?: Request }> = {
    onRequest({ request }) {
      if (
        request.method === 'OPTIONS' ||
        (request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html'))
      )
        return;
      if (tracing === undefined) {
        states.set(request, { started: performance.now() });
        return;
      }
      const parent = tracing.incoming(request.headers);
      const span = tracing.tracer.startSpan(
        'graphql request',
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method } },
        parent,
      );
      states.set(request, {
        started: performance.now(),
        span,
        context: trace.setSpan(parent, span),
      });
    },
    onExecute({ args }) {
      const state = named(args.contextValue.request, args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          if (state !== undefined) state.outcome = outcomeOf(result);
        },
      };
    },
    onSubscribe({ args }) {
      const state = named(args.contextValue.request, args.document, args.operationName);
      if (state !== undefined) state.outcome = 'stream';
    },
    onResponse({ request, response }) {
      const state = states.get(request);
      if (state === undefined) return;
      states.delete(request);
      const outcome = state.outcome ?? 'rejected';
      metrics?.observeRequest(
        state.operation ?? 'unknown',
        outcome,
        (performance.now() - state.started) / 1000,
      );
      const { span } = state;
      if (span === undefined) return;
      span.setAttribute('http.response.status_code', response.status);
      span.setAttribute('switchboard.outcome', outcome);
      if (outcome === 'error' || outcome === 'rejected')
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      span.end();
    },
  };

  return {
    plugin: plugin as Plugin,
    callTelemetry(request) {
      const state = states.get(request);
      return state === undefined
        ? undefined
        : { ...(state.context === undefined ? {} : { parent: state.context }), attempts: 0 };
    },
  };
}
