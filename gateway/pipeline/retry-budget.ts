/**
 * A source's retry budget: retries over a rolling window may be at most
 * `budgetRatio` of the calls in that window, plus `budgetMinRetries`, so a
 * struggling backend is not hammered by retries on top of its traffic (the
 * idea of Finagle's RetryBudget and gRPC's retry throttling).
 *
 * Hand-written: cockatiel (3.2.1) retries one call at a time and has no
 * budget shared between calls; rate-limiter-flexible counts one kind of
 * event, and the budget compares two.
 */
import type { RetryPolicy } from './options.js';

export interface RetryBudget {
  /** Counts a call (its first attempt) into the window. */
  recordCall(): void;
  /** Takes one retry from the budget; false when the window's retries are spent. */
  tryRetry(): boolean;
}

/** The window is counted in this many slices; the oldest slice drops out as time moves on. */
const SLICES = 10;

export function createRetryBudget(
  policy: Pick<RetryPolicy, 'budgetRatio' | 'budgetWindowMs' | 'budgetMinRetries'>,
  now: () => number = Date.now,
): RetryBudget {
  const sliceMs = Math.max(1, policy.budgetWindowMs / SLICES);
  const calls = new Array<number>(SLICES).fill(0);
  const retries = new Array<number>(SLICES).fill(0);
  let currentSlice = Math.floor(now() / sliceMs);
  let callSum = 0;
  let retrySum = 0;

  /** Drops the slices that left the window since the last event; returns the current slice's index. */
  const advance = (): number => {
    const slice = Math.floor(now() / sliceMs);
    const passed = Math.min(slice - currentSlice, SLICES);
    for (let step = 1; step <= passed; step += 1) {
      const index = (currentSlice + step) % SLICES;
      callSum -= calls[index] ?? 0;
      retrySum -= retries[index] ?? 0;
      calls[index] = 0;
      retries[index] = 0;
    }
    if (slice > currentSlice) currentSlice = slice;
    return currentSlice % SLICES;
  };

  return {
    recordCall() {
      const index = advance();
      calls[index] = (calls[index] ?? 0) + 1;
      callSum += 1;
    },
    tryRetry() {
      const index = advance();
      if (retrySum + 1 > policy.budgetMinRetries + policy.budgetRatio * callSum) return false;
      retries[index] = (retries[index] ?? 0) + 1;
      retrySum += 1;
      return true;
    },
  };
}
