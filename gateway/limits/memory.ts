/** The embedded limiter store: counters in this process (rate-limiter-flexible's RateLimiterMemory). */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { decide, wholePoints } from './decision.js';
import type { LimiterStore, LimitCounter, LimitPolicy } from './store.js';

export function createMemoryLimiterStore(): LimiterStore {
  return {
    kind: 'memory',
    counter(policy: LimitPolicy): LimitCounter {
      const limiter = new RateLimiterMemory({
        keyPrefix: policy.name,
        points: policy.points,
        duration: policy.windowSeconds,
      });
      return {
        policy,
        consume: (key, points) => decide(policy, limiter.consume(key, wholePoints(points))),
      };
    },
    async close() {
      // Nothing held outside the heap (RateLimiterMemory's expiry timers are unref'd).
    },
  };
}
