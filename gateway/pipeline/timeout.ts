/**
 * Gives each attempt its own deadline: the operation's `timeoutMs`, bounded
 * by what is left of the request's deadline. The source's transport applies
 * it (CallContext.timeoutMs) with the timer it already runs per call, so the
 * step costs no timer of its own. Below retry, so each attempt gets a fresh one.
 */
import { operationPolicy } from './options.js';
import { refuse } from './refusal.js';
import type { StepFactory } from './step.js';

export const createTimeoutStep: StepFactory = ({ source, policy }) => ({
  name: 'timeout',
  invoke: (next) => (call) => {
    const { timeoutMs } = operationPolicy(policy, call.operation.name);
    const leftMs = call.ctx.deadlineAt === undefined ? Number.POSITIVE_INFINITY : call.ctx.deadlineAt - Date.now();
    if (leftMs <= 0) {
      // A refusal, not the backend's timeout: the breaker must not count it against a backend never called.
      return Promise.reject(refuse(call, { code: 'SOURCE_TIMEOUT', reason: 'deadline spent', safeMessage: `No time was left in the request's deadline to call ${source.name}.` }));
    }
    const bounded = Math.min(timeoutMs, Math.ceil(leftMs), call.ctx.timeoutMs ?? Number.POSITIVE_INFINITY);
    return next({ ...call, ctx: { ...call.ctx, timeoutMs: bounded } });
  },
});
