/**
 * The limiter store contract: counters of points per key over a fixed
 * window, kept in this process (memory.ts) or in Redis, shared by every
 * gateway instance (redis.ts). Both wrap rate-limiter-flexible; the
 * conformance suite (test/conformance/limiter-suite.ts) runs against both.
 */

/** One counter's rule: `points` per `windowSeconds`, per key. */
export interface LimitPolicy {
  /** Unique per store and stable across instances, e.g. "gold:requests": part of the shared key. */
  readonly name: string;
  /** Points allowed per key per window (at least 1). */
  readonly points: number;
  /** The window, in whole seconds (Redis expires keys by the second). */
  readonly windowSeconds: number;
}

/** What a consume decided. */
export interface LimitDecision {
  /** False when this consume took the key past its points: refuse the request. */
  readonly allowed: boolean;
  /** The policy's points per window. */
  readonly limit: number;
  /** Points left in the current window (0 when refused). */
  readonly remaining: number;
  /** Milliseconds until the window resets. */
  readonly resetMs: number;
}

export interface LimitCounter {
  readonly policy: LimitPolicy;
  /**
   * Takes `points` (a whole number ≥ 1) from `key`'s window. A consume that is
   * refused still counts: hammering past the limit does not reset it.
   */
  consume(key: string, points: number): Promise<LimitDecision>;
}

export interface LimiterStore {
  /** "memory" or "redis", for logs and tests. */
  readonly kind: 'memory' | 'redis';
  /** The counter of `policy`; call once per policy at start-up. */
  counter(policy: LimitPolicy): LimitCounter;
  /** Releases connections. Safe twice. */
  close(): Promise<void>;
}
