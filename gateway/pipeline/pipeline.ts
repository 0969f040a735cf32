/**
 * Composes each source's outbound pipeline once at start-up from the list of
 * steps below. Every call from the gateway to a backend goes through it:
 * single calls, batches, batches of one, and the opening of subscriptions.
 * Health probes do not (they must see the backend, not the breaker).
 */
import type { Source } from '../../sources/common/index.js';
import type { ReadCache } from '../cache/index.js';
import type { Logger } from '../logger.js';
import { createAttemptTelemetryStep, createCallTelemetryStep } from '../telemetry/steps.js';
import type { Telemetry } from '../telemetry/index.js';
import type { Call, Invoke, StreamCall, Subscribe } from './call.js';
import { dispatch, dispatchStream, keyedFailure } from './dispatch.js';
import type { SourcePolicy } from './options.js';
import type { PipelineStep, StepFactory, StepScope } from './step.js';
import { createBreakerStep } from './breaker.js';
import { createBulkheadStep } from './bulkhead.js';
import { createCacheStep } from './cache.js';
import { createPushbackStep } from './pushback.js';
import { createRateLimitStep } from './rate-limit.js';
import { createRetryStep } from './retry.js';
import { createTimeoutStep } from './timeout.js';
import { createUpstreamLogStep } from './upstream-log.js';

/**
 * The steps, outermost first. The order is the design:
 * - cache is outermost: a hit costs nothing and counts against nothing (no
 *   breaker failure or success, no bulkhead slot, no rate-limit token, no
 *   retry budget), and the one call that single-flight lets out for many
 *   identical reads goes through every step below once.
 * - retry next. Each attempt then passes every step below again: it asks
 *   the breaker, waits out a pause, takes a rate-limit token, a bulkhead
 *   slot and a fresh timeout.
 * - breaker next, so an open circuit fails an attempt fast before it waits
 *   for anything (a pause, a token, a slot) and stops the retries (its
 *   refusal is not retryable). The gateway's own refusals below it
 *   (paused, limited, overloaded) are not failures of the backend and do not count.
 * - pushback before the rate limit: a call that cannot wait out the
 *   backend's pause fails without spending a token.
 * - bulkhead inside the waits, not around the retries: a slot is held only
 *   while the backend works on an attempt (the cap is of calls in flight to
 *   it), never through a backoff, a pause or a token wait, so calls waiting
 *   out a backend's 429 cannot fill the slots and turn healthy traffic into
 *   SOURCE_OVERLOADED. A retry may then meet a full queue: under overload
 *   that sheds load, which is the bulkhead's job.
 * - timeout next, so each attempt gets a fresh deadline bounded by
 *   what is left of the request's, starting when it reaches the backend
 *   rather than when it joined a queue.
 * - upstream-log innermost, so every failed attempt at a backend is one log
 *   line, and failures decided by the pipeline itself (open circuit, pause,
 *   limit, full bulkhead) are not.
 * - telemetry (gateway/telemetry/steps.ts) twice: under the cache, so a
 *   call's span and the pipeline's refusals are seen once per call that
 *   goes to the backend, and innermost, so every attempt is timed, counted
 *   and carries the trace context to the backend. Empty when metrics and
 *   tracing are off.
 */
export const STEPS: readonly StepFactory[] = [
  createCacheStep,
  createCallTelemetryStep,
  createRetryStep,
  createBreakerStep,
  createPushbackStep,
  createRateLimitStep,
  createBulkheadStep,
  createTimeoutStep,
  createUpstreamLogStep,
  createAttemptTelemetryStep,
];

/** One source's composed pipeline. */
export interface SourcePipeline {
  readonly source: Source;
  invoke: Invoke;
  subscribe: Subscribe;
  /** Each step's safe state, by step name (e.g. `{ breaker: { state: "open" } }`). */
  state(): Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>>;
  close(): Promise<void>;
}

/** Builds the pipeline of `source` from `steps` (default: STEPS). */
export function createSourcePipeline(init: {
  source: Source;
  policy: SourcePolicy;
  logger: Logger;
  cache?: ReadCache;
  telemetry?: Telemetry;
  steps?: readonly StepFactory[];
}): SourcePipeline {
  const scope: StepScope = {
    source: init.source,
    policy: init.policy,
    logger: init.logger,
    ...(init.cache === undefined ? {} : { cache: init.cache }),
    ...(init.telemetry === undefined ? {} : { telemetry: init.telemetry }),
  };
  const steps: PipelineStep[] = (init.steps ?? STEPS).map((factory) => factory(scope));
  // Wrap from the innermost out, so steps[0] runs first.
  let invoke: Invoke = dispatch;
  let subscribe: Subscribe = dispatchStream;
  for (const step of [...steps].reverse()) {
    if (step.invoke) invoke = step.invoke(invoke);
    if (step.subscribe) subscribe = step.subscribe(subscribe);
  }
  return {
    source: init.source,
    invoke: (call: Call) => keyedFailure(call, invoke(call)),
    subscribe: (call: StreamCall) => subscribe(call),
    state() {
      const result: Record<string, Readonly<Record<string, string | number | boolean>>> = {};
      for (const step of steps) if (step.state) result[step.name] = step.state();
      return result;
    },
    async close() {
      await Promise.allSettled(steps.map(async (step) => step.close?.()));
    },
  };
}
