/**
 * The source's bulkhead (cockatiel `bulkhead`): at most `maxConcurrent` calls
 * in flight to the backend, shared by every request, and at most `maxQueued`
 * waiting for a slot; past that a call fails fast with SOURCE_OVERLOADED
 * instead of queueing without end. A caller that goes away leaves the queue at once.
 *
 * cockatiel (3.2.1) checks a signal only when it dequeues a call, and then
 * skips dequeuing the next one, which could strand the queue. So it is given
 * no signal: the step answers the caller when its signal aborts, and the
 * queued attempt, once it gets its slot, sees the aborted signal and returns
 * the slot at once without calling the backend.
 */
import { bulkhead, BulkheadRejectedError } from 'cockatiel';
import { throttleLog } from './log-throttle.js';
import { cancelled, refuse } from './refusal.js';
import type { StepFactory } from './step.js';
import { cancellable } from './wait.js';

export const createBulkheadStep: StepFactory = ({ source: { name: source }, policy, logger }) => {
  const { maxConcurrent, maxQueued } = policy.bulkhead;
  const slots = bulkhead(maxConcurrent, maxQueued);
  const rejected = throttleLog(logger.warn);
  return {
    name: 'bulkhead',
    invoke: (next) => (call) => {
      const { signal } = call.ctx;
      return cancellable(call, (arm) => {
        // Only a call that must queue can be left waiting by its caller.
        if (slots.executionSlots === 0) arm();
        return slots
          .execute(() => (signal?.aborted === true ? Promise.reject(cancelled(call)) : next(call)))
          .catch((error: unknown) => {
            if (!(error instanceof BulkheadRejectedError)) throw error;
            rejected('bulkhead full: call refused', {
              source,
              operation: call.operation.name,
              maxConcurrent,
              maxQueued,
            });
            throw refuse(call, {
              code: 'SOURCE_OVERLOADED',
              reason: 'bulkhead full',
              safeMessage: `${source} already has ${maxConcurrent} calls in flight and ${maxQueued} waiting; try again shortly.`,
            });
          });
      });
    },
    state: () => ({
      inFlight: maxConcurrent - slots.executionSlots,
      queued: maxQueued - slots.queueSlots,
    }),
  };
};
