/** rate-limiter-flexible's answer (resolved or rejected) → a LimitDecision. */
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { LimitDecision, LimitPolicy } from './store.js';

/**
 * Maps what `consume` settled with. A rejection that is not a RateLimiterRes
 * is the store failing (Redis away with no insurance): rethrown.
 */
export async function decide(
  policy: LimitPolicy,
  consumed: Promise<RateLimiterRes>,
): Promise<LimitDecision> {
  try {
    const res = await consumed;
    return {
      allowed: true,
      limit: policy.points,
      remaining: Math.max(0, res.remainingPoints),
      resetMs: Math.max(0, res.msBeforeNext),
    };
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    return {
      allowed: false,
      limit: policy.points,
      remaining: 0,
      resetMs: Math.max(0, error.msBeforeNext),
    };
  }
}

/** rate-limiter-flexible refuses fractional points; costs are whole, but be sure. */
export function wholePoints(points: number): number {
  return Math.max(1, Math.ceil(points));
}
