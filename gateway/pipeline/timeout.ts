/**
 * Gives each attempt its own deadline: the operation's `timeoutMs`, bounded
 * by what is left of the request's deadline. The source's transport applies
 * it (CallContext.timeoutMs) with the timer it already runs per call, so the
 * step costs no timer of its own. Below retry, so each attempt gets a fresh one.
 *
 * Streams (subscriptions) get the same `timeoutMs` to connect: from the
 * start of the call until the backend accepts the stream (its response
 * headers) or sends a first event. A backend that takes the call and then
 * says nothing fails it with SOURCE_TIMEOUT; the call is cancelled at the
 * backend. Once connected, a stream is not timed: events may be rare.
 */
import { SourceError } from '../../sources/common/index.js';
import type { Logger } from '../logger.js';
import type { StreamCall } from './call.js';
import { operationPolicy } from './options.js';
import { refuse } from './refusal.js';
import type { StepFactory } from './step.js';
import { watchConnect } from './stream-connect.js';
import { logUpstreamFailure } from './upstream-log.js';

/** The backend took the stream's call and said nothing within `timeoutMs`. Logged here: upstream-log, below, never sees it. */
function connectTimedOut(call: StreamCall, timeoutMs: number, logger: Logger): SourceError {
  const error = new SourceError({
    code: 'SOURCE_TIMEOUT',
    source: call.source,
    operation: call.operation.name,
    safeMessage: `${call.source} did not open the ${call.operation.name} stream within ${timeoutMs} ms.`,
    retryable: true,
    details: { timeoutMs },
  });
  logUpstreamFailure(logger, call, error);
  return error;
}

export const createTimeoutStep: StepFactory = ({ source, policy, logger }) => ({
  name: 'timeout',
  invoke: (next) => (call) => {
    const { timeoutMs } = operationPolicy(policy, call.operation.name);
    const leftMs =
      call.ctx.deadlineAt === undefined
        ? Number.POSITIVE_INFINITY
        : call.ctx.deadlineAt - Date.now();
    if (leftMs <= 0) {
      // A refusal, not the backend's timeout: the breaker must not count it against a backend never called.
      return Promise.reject(
        refuse(call, {
          code: 'SOURCE_TIMEOUT',
          reason: 'deadline spent',
          safeMessage: `No time was left in the request's deadline to call ${source.name}.`,
        }),
      );
    }
    const bounded = Math.min(
      timeoutMs,
      Math.ceil(leftMs),
      call.ctx.timeoutMs ?? Number.POSITIVE_INFINITY,
    );
    return next({ ...call, ctx: { ...call.ctx, timeoutMs: bounded } });
  },
  subscribe: (next) => (call) => {
    const { timeoutMs } = operationPolicy(policy, call.operation.name);
    return watchConnect(call, next, {
      started: () => undefined,
      timeout: { ms: timeoutMs, error: () => connectTimedOut(call, timeoutMs, logger) },
    });
  },
});
