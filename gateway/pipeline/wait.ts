/**
 * Waiting inside the pipeline, always cut short by the caller's signal: a
 * call whose caller went away must not keep a slot, a timer or a promise
 * alive for the rest of a backoff or a pause.
 */
import type { Call } from './call.js';
import { cancelled } from './refusal.js';

/** Resolves after `ms`, or rejects with the call's cancellation once its signal aborts. */
export function sleep(ms: number, call: Call): Promise<void> {
  const { signal } = call.ctx;
  if (signal?.aborted === true) return Promise.reject(cancelled(call));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled(call));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `work`, and once `work` calls `arm()` (it is about to wait: a backoff,
 * a queue), rejects with the call's cancellation as soon as the call's signal
 * aborts; `work` goes on (its own steps see the same signal and stop) and its
 * outcome is dropped. Until armed it costs no abort listener: adding one to
 * every call's signal is a measurable share of a call's CPU.
 */
export function cancellable<T>(call: Call, work: (arm: () => void) => Promise<T>): Promise<T> {
  const { signal } = call.ctx;
  if (signal === undefined) return work(() => undefined);
  return new Promise<T>((resolve, reject) => {
    let armed = false;
    const onAbort = (): void => reject(cancelled(call));
    const arm = (): void => {
      if (armed) return;
      armed = true;
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    };
    work(arm).then(
      (value) => {
        if (armed) signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        if (armed) signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Does a wait of `ms` end before the request's deadline? Calls without a deadline may wait. */
export function fitsDeadline(call: Call, ms: number): boolean {
  return call.ctx.deadlineAt === undefined || Date.now() + ms < call.ctx.deadlineAt;
}
