/** The storefront's own rate limit per client address, on rate-limiter-flexible's in-memory limiter. */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { tooManyRequests } from './problem.js';
import type { StorefrontRateLimitOptions } from './options.js';

export interface RateLimit {
  /** Resolves when `client` may go on; rejects with a 429 HttpProblem (Retry-After in seconds) when over the limit. */
  consume(client: string): Promise<void>;
}

export function createRateLimit(options: StorefrontRateLimitOptions): RateLimit {
  const limiter = new RateLimiterMemory({
    points: options.points,
    duration: options.durationMs / 1000,
  });
  return {
    async consume(client) {
      try {
        await limiter.consume(client);
      } catch (rejection) {
        // The limiter rejects with a RateLimiterRes when over the limit; anything else is a real failure.
        if (rejection instanceof RateLimiterRes)
          throw tooManyRequests(rejection.msBeforeNext / 1000);
        throw rejection;
      }
    },
  };
}
