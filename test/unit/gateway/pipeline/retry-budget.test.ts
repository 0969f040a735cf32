import { describe, expect, it } from 'vitest';
import { createRetryBudget } from '../../../../gateway/pipeline/retry-budget.js';
import { backoffMs } from '../../../../gateway/pipeline/retry.js';
import { PIPELINE_DEFAULTS } from '../../../../gateway/pipeline/index.js';

/** A clock the test moves by hand: the budget's window is counted, not waited for. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const take = (budget: { tryRetry(): boolean }, times: number): number =>
  Array.from({ length: times }, () => budget.tryRetry()).filter(Boolean).length;

describe('retry budget', () => {
  it('allows budgetMinRetries per window with no calls at all', () => {
    const time = clock();
    const budget = createRetryBudget(
      { budgetRatio: 0.2, budgetWindowMs: 10_000, budgetMinRetries: 3 },
      time.now,
    );
    expect(take(budget, 10)).toBe(3);
  });

  it('adds budgetRatio of the calls in the window', () => {
    const time = clock();
    const budget = createRetryBudget(
      { budgetRatio: 0.2, budgetWindowMs: 10_000, budgetMinRetries: 0 },
      time.now,
    );
    for (let call = 0; call < 50; call += 1) budget.recordCall();
    expect(take(budget, 100)).toBe(10);
  });

  it('forgets calls and retries once they leave the rolling window', () => {
    const time = clock();
    const budget = createRetryBudget(
      { budgetRatio: 0, budgetWindowMs: 10_000, budgetMinRetries: 2 },
      time.now,
    );
    expect(take(budget, 5)).toBe(2);
    time.advance(5_000);
    expect(take(budget, 5)).toBe(0);
    // The first two retries' slice has left the window.
    time.advance(5_000);
    expect(take(budget, 5)).toBe(2);
    // A long silence empties the whole window, however many slices passed.
    time.advance(1_000_000);
    expect(take(budget, 5)).toBe(2);
  });

  it('keeps calls that are still inside the window', () => {
    const time = clock();
    const budget = createRetryBudget(
      { budgetRatio: 0.5, budgetWindowMs: 10_000, budgetMinRetries: 0 },
      time.now,
    );
    for (let call = 0; call < 10; call += 1) budget.recordCall();
    time.advance(9_000);
    expect(take(budget, 10)).toBe(5);
  });
});

describe('backoff', () => {
  const policy = { ...PIPELINE_DEFAULTS.retry, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('is full jitter: from 0 up to the doubled base, capped at maxDelayMs', () => {
    expect(backoffMs(policy, 1, () => 0)).toBe(0);
    expect(backoffMs(policy, 1, () => 0.999)).toBe(99);
    expect(backoffMs(policy, 3, () => 0.999)).toBe(399);
    expect(backoffMs(policy, 30, () => 0.999)).toBe(999);
  });
});
