/**
 * The last W3C trace contexts (`traceparent`, `tracestate`) each demo system
 * received, so tests and the demo can see that the gateway's trace reaches
 * the backend. Kept beside the system's call counter (keyed by it), so the
 * DemoSystem shape does not change; GET /__admin/traces shows them.
 */
import type { CallCounter } from './system.js';

export interface ReceivedTraceContext {
  readonly operation: string;
  readonly traceparent: string;
  readonly tracestate?: string;
}

/** How many are kept per system; older ones go first. */
export const KEPT_TRACE_CONTEXTS = 50;

const received = new WeakMap<CallCounter, ReceivedTraceContext[]>();

/** Called by a system for each call it counts; a call without a traceparent is not recorded. */
export function recordTraceContext(
  counter: CallCounter,
  operation: string,
  traceparent: unknown,
  tracestate?: unknown,
): void {
  const parent = Array.isArray(traceparent) ? traceparent[0] : traceparent;
  if (typeof parent !== 'string' || parent === '') return;
  const state = Array.isArray(tracestate) ? tracestate[0] : tracestate;
  let list = received.get(counter);
  if (list === undefined) received.set(counter, (list = []));
  list.push({
    operation,
    traceparent: parent.slice(0, 512),
    ...(typeof state === 'string' && state !== '' ? { tracestate: state.slice(0, 512) } : {}),
  });
  if (list.length > KEPT_TRACE_CONTEXTS) list.splice(0, list.length - KEPT_TRACE_CONTEXTS);
}

/** The trace contexts a system received, oldest first. */
export function receivedTraceContexts(system: {
  readonly counter: CallCounter;
}): readonly ReceivedTraceContext[] {
  return [...(received.get(system.counter) ?? [])];
}

export function clearTraceContexts(system: { readonly counter: CallCounter }): void {
  received.delete(system.counter);
}
