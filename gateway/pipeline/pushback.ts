/**
 * Honours a backend's "slow down" for the whole source, not only the call
 * that heard it: after a SOURCE_RATE_LIMITED carrying `retryAfterMs` (REST
 * 429 + Retry-After, a SOAP rate-limit fault with Retry-After, gRPC
 * RESOURCE_EXHAUSTED with grpc-retry-pushback-ms), every call of that source
 * waits until then when the wait fits its deadline, and otherwise fails fast
 * with SOURCE_RATE_LIMITED and `retryAfterMs`, without reaching the backend.
 * A pause is at most `rateLimit.maxPauseMs`, so a hostile or broken backend
 * cannot stop a source for days with one header.
 *
 * Hand-written: the resilience libraries (cockatiel, opossum) back off one
 * call; none pauses a whole source on the backend's word. It is one number.
 */
import { SourceError } from '../../sources/common/index.js';
import { throttleLog } from './log-throttle.js';
import { refuse, RefusedCall } from './refusal.js';
import type { Call } from './call.js';
import type { StepFactory } from './step.js';
import { fitsDeadline, sleep } from './wait.js';

export const createPushbackStep: StepFactory = ({ source: { name: source }, policy, logger }) => {
  const { maxPauseMs } = policy.rateLimit;
  /** Until when the backend asked us to hold off, in ms since the epoch. */
  let pausedUntil = 0;
  const heldBack = throttleLog(logger.info);
  /** Pauses the source when the backend's answer asks for it, then passes the failure on. */
  const heard =
    (call: Call) =>
    (error: unknown): never => {
      if (
        error instanceof SourceError &&
        !(error instanceof RefusedCall) &&
        error.code === 'SOURCE_RATE_LIMITED' &&
        error.retryAfterMs !== undefined &&
        error.retryAfterMs > 0
      ) {
        const pauseMs = Math.min(error.retryAfterMs, maxPauseMs);
        if (Date.now() + pauseMs > pausedUntil) {
          pausedUntil = Date.now() + pauseMs;
          logger.warn('source paused: the backend asked for fewer calls', {
            source,
            operation: call.operation.name,
            pauseMs,
            askedMs: error.retryAfterMs,
          });
        }
      }
      throw error;
    };
  /** Waits out the pause (a loop: it may be extended meanwhile), or refuses when it does not fit the deadline. */
  const waitOut = async (call: Call): Promise<void> => {
    for (let waitMs = pausedUntil - Date.now(); waitMs > 0; waitMs = pausedUntil - Date.now()) {
      if (!fitsDeadline(call, waitMs)) {
        heldBack('source paused: call refused, the wait does not fit its deadline', {
          source,
          operation: call.operation.name,
          retryAfterMs: waitMs,
        });
        throw refuse(call, {
          code: 'SOURCE_RATE_LIMITED',
          reason: 'source paused',
          retryAfterMs: waitMs,
          safeMessage: `${source} asked for fewer calls; try again in ${Math.ceil(waitMs)} ms.`,
        });
      }
      await sleep(waitMs, call);
    }
  };
  return {
    name: 'pushback',
    // Not paused (nearly always): straight on, without an async frame.
    invoke: (next) => (call) =>
      (pausedUntil > Date.now() ? waitOut(call).then(() => next(call)) : next(call)).catch(
        heard(call),
      ),
    state: () => ({ pausedForMs: Math.max(0, Math.ceil(pausedUntil - Date.now())) }),
  };
};
