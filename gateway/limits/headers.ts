/**
 * The IETF rate-limit headers, as draft-ietf-httpapi-ratelimit-headers-09
 * (2025) words them: structured-field lists with one item per policy.
 *   RateLimit-Policy: "requests";q=100;w=60, "cost";q=5000;w=60
 *   RateLimit: "requests";r=42;t=17, "cost";r=4870;t=17
 * q: the quota, w: the window in seconds, r: what is left, t: seconds until
 * the window resets. Retry-After (RFC 9110) goes with a 429 only.
 */
import type { LimitDecision, LimitPolicy } from './store.js';

export interface LimitOutcome {
  /** "requests" or "cost": the policy's name as the headers show it. */
  readonly name: string;
  readonly policy: LimitPolicy;
  readonly decision: LimitDecision;
}

/** The header values for the outcomes of one request; Retry-After when one of them refused it. */
export function rateLimitHeaders(outcomes: readonly LimitOutcome[]): Record<string, string> {
  if (outcomes.length === 0) return {};
  const headers: Record<string, string> = {
    'RateLimit-Policy': outcomes
      .map(({ name, policy }) => `"${name}";q=${policy.points};w=${policy.windowSeconds}`)
      .join(', '),
    RateLimit: outcomes
      .map(
        ({ name, decision }) =>
          `"${name}";r=${decision.remaining};t=${Math.ceil(decision.resetMs / 1000)}`,
      )
      .join(', '),
  };
  const refused = outcomes.filter(({ decision }) => !decision.allowed);
  if (refused.length > 0)
    headers['Retry-After'] = String(
      Math.max(1, ...refused.map(({ decision }) => Math.ceil(decision.resetMs / 1000))),
    );
  return headers;
}
