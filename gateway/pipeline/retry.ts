/**
 * Retries a failed call when it may be repeated, with exponential backoff
 * and full jitter, within the source's retry budget and the request's deadline.
 *
 * - Which calls: `operation.idempotent`, or a write that carries an
 *   idempotency key on a source whose policy says it honours them. A write
 *   without one is never retried, whatever the error: we never double a write.
 * - Which errors: SourceErrors marked `retryable` by their source (5xx,
 *   UNAVAILABLE, timeouts, 429...). The pipeline's own refusals (circuit
 *   open, bulkhead full, source paused) are not retryable: a retry would meet them again.
 * - How long: full jitter, a random wait up to `baseDelayMs · 2^(attempt-1)`
 *   capped at `maxDelayMs`, but never less than the backend's `retryAfterMs`;
 *   a backend asking for more than `maxDelayMs` is not retried. No wait
 *   runs past the request's deadline, and none outlives its caller.
 * - How many: `maxAttempts` per call, and the source's retry budget (retry-budget.ts).
 *
 * cockatiel's `retry` runs the loop. Its wait between attempts cannot be
 * cancelled (3.2.1 awaits a plain timer), so the step answers the caller as
 * soon as its signal aborts, and the next attempt, seeing the aborted signal,
 * ends the loop without calling the backend.
 */
import { DelegateBackoff, handleType, retry, type RetryPolicy as CockatielRetry } from 'cockatiel';
import { SourceError } from '../../sources/common/index.js';
import type { Call } from './call.js';
import { throttleLog } from './log-throttle.js';
import { operationPolicy, type RetryPolicy, type SourcePolicy } from './options.js';
import { cancelled } from './refusal.js';
import { createRetryBudget } from './retry-budget.js';
import type { StepFactory } from './step.js';
import { cancellable, fitsDeadline } from './wait.js';

/** Thrown from an attempt to ask cockatiel for another one, after `delayMs`. */
class RetryWanted extends Error {
  constructor(
    readonly failure: unknown,
    readonly delayMs: number,
  ) {
    super('retry wanted');
  }
}

/** May this call reach the backend twice? */
export function mayRepeat(
  call: Call,
  policy: Pick<SourcePolicy, 'honoursIdempotencyKeys'>,
): boolean {
  return (
    call.operation.idempotent ||
    (policy.honoursIdempotencyKeys &&
      call.ctx.idempotencyKey !== undefined &&
      call.ctx.idempotencyKey !== '')
  );
}

/** The wait before retry number `retry` (1 for the first), full jitter: uniform in [0, cap). */
export function backoffMs(
  policy: RetryPolicy,
  retryNumber: number,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.floor(random() * cap);
}

export const createRetryStep: StepFactory = ({ source: { name: source }, policy, logger }) => {
  const budget = createRetryBudget(policy.retry);
  const budgetSpent = throttleLog(logger.warn, policy.retry.budgetWindowMs);
  // One cockatiel policy per distinct retry policy (the source's and each override), built once.
  const loops = new Map<RetryPolicy, CockatielRetry>();
  const loopOf = (retryPolicy: RetryPolicy): CockatielRetry => {
    let loop = loops.get(retryPolicy);
    if (loop === undefined) {
      loop = retry(handleType(RetryWanted), {
        maxAttempts: retryPolicy.maxAttempts - 1,
        backoff: new DelegateBackoff((context) =>
          'error' in context.result && context.result.error instanceof RetryWanted
            ? context.result.error.delayMs
            : 0,
        ),
      });
      loops.set(retryPolicy, loop);
    }
    return loop;
  };

  /** The wait before the next attempt, or undefined when the call must not be tried again. */
  const nextDelay = (
    error: unknown,
    call: Call,
    retryPolicy: RetryPolicy,
    failedAttempt: number,
  ): number | undefined => {
    if (!(error instanceof SourceError) || !error.retryable) return undefined;
    if (failedAttempt >= retryPolicy.maxAttempts || call.ctx.signal?.aborted === true)
      return undefined;
    const asked = error.retryAfterMs;
    if (asked !== undefined && asked > retryPolicy.maxDelayMs) return undefined;
    const delayMs = Math.max(backoffMs(retryPolicy, failedAttempt), asked ?? 0);
    if (!fitsDeadline(call, delayMs)) return undefined;
    if (!budget.tryRetry()) {
      budgetSpent('retry budget spent: the call is not tried again', {
        source,
        operation: call.operation.name,
        code: error.code,
        budgetRatio: policy.retry.budgetRatio,
        budgetMinRetries: policy.retry.budgetMinRetries,
      });
      return undefined;
    }
    return delayMs;
  };

  return {
    name: 'retry',
    invoke: (next) => (call) => {
      budget.recordCall();
      const retryPolicy = operationPolicy(policy, call.operation.name).retry;
      if (retryPolicy.maxAttempts <= 1 || !mayRepeat(call, policy)) return next(call);
      return cancellable(call, (arm) =>
        loopOf(retryPolicy)
          .execute(async ({ attempt }) => {
            // cockatiel's attempt counts retries from 0; ours count calls from 1.
            if (attempt > 0 && call.ctx.signal?.aborted === true) throw cancelled(call);
            try {
              return await next(call);
            } catch (error) {
              const delayMs = nextDelay(error, call, retryPolicy, attempt + 1);
              if (delayMs === undefined) throw error;
              logger.warn('retrying a call', {
                source,
                operation: call.operation.name,
                attempt: attempt + 1,
                code: (error as SourceError).code,
                delayMs,
              });
              // From here the call waits: a caller that goes away is answered at once.
              arm();
              throw new RetryWanted(error, delayMs);
            }
          })
          .catch((error: unknown) => {
            throw error instanceof RetryWanted ? error.failure : error;
          }),
      );
    },
  };
};
