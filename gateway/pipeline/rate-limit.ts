/**
 * The source's outbound rate limit (rate-limiter-flexible's
 * RateLimiterMemory): at most `rateLimit.calls` calls per
 * `rateLimit.windowMs`, for backends whose contract allows N calls a second.
 * A call without a token waits for the next window when that fits its
 * deadline, and otherwise fails fast with SOURCE_RATE_LIMITED and
 * `retryAfterMs`, without reaching the backend. `calls: 0` turns it off.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { throttleLog } from './log-throttle.js';
import { refuse } from './refusal.js';
import type { StepFactory } from './step.js';
import { fitsDeadline, sleep } from './wait.js';

/** One key: the limit is the whole source's. */
const KEY = 'source';

export const createRateLimitStep: StepFactory = ({ source: { name: source }, policy, logger }) => {
  const { calls, windowMs } = policy.rateLimit;
  if (calls <= 0) return { name: 'rate-limit' };
  // rate-limiter-flexible counts windows in seconds; fractions keep our ms.
  const limiter = new RateLimiterMemory({ points: calls, duration: windowMs / 1000 });
  const refused = throttleLog(logger.info);
  return {
    name: 'rate-limit',
    invoke: (next) => async (call) => {
      for (;;) {
        try {
          await limiter.consume(KEY);
          break;
        } catch (rejection) {
          if (!(rejection instanceof RateLimiterRes)) throw rejection;
          // Waiters of one window wake together and race for the next; a loser waits again if it still fits.
          const waitMs = Math.max(1, rejection.msBeforeNext);
          if (!fitsDeadline(call, waitMs)) {
            refused('outbound rate limit: call refused, the wait does not fit its deadline', {
              source,
              operation: call.operation.name,
              retryAfterMs: waitMs,
              calls,
              windowMs,
            });
            throw refuse(call, {
              code: 'SOURCE_RATE_LIMITED',
              reason: 'outbound rate limit',
              retryAfterMs: waitMs,
              safeMessage: `The gateway's allowance of ${calls} calls per ${windowMs} ms to ${source} is spent; try again in ${Math.ceil(waitMs)} ms.`,
            });
          }
          await sleep(waitMs, call);
        }
      }
      return next(call);
    },
  };
};
