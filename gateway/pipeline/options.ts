/**
 * What the pipeline does for one source and one operation, resolved once at
 * start-up from `config.pipeline` (gateway/config) with every default filled.
 * Steps read these; they never read the raw config.
 */

/** Retries of calls that may be repeated (see retry.ts for which). */
export interface RetryPolicy {
  /** Most attempts of one call, the first included; 1 turns retries off. */
  readonly maxAttempts: number;
  /** Cap of the first backoff, in ms; each attempt doubles it, full jitter. */
  readonly baseDelayMs: number;
  /** Longest backoff, in ms. */
  readonly maxDelayMs: number;
  /**
   * Retries allowed over `budgetWindowMs`, as a share of the calls in that window (0.2 = one retry per five calls).
   * The budget is the source's: the three budget fields are read from the source's policy, never an operation's.
   */
  readonly budgetRatio: number;
  /** The window the budget counts over, in ms. */
  readonly budgetWindowMs: number;
  /** Retries always allowed per window, so a quiet source can still retry. */
  readonly budgetMinRetries: number;
}

/** The source's circuit breaker. */
export interface BreakerPolicy {
  /** Off: every call reaches the backend whatever it answered before. */
  readonly enabled: boolean;
  /** Share of failed calls over the window that opens the circuit, 0–1. */
  readonly failureRatio: number;
  /** The rolling window failures are counted over, in ms. */
  readonly windowMs: number;
  /** Fewest calls in the window before the ratio is judged. */
  readonly minimumCalls: number;
  /** How long the circuit stays open before one probe call is let through, in ms. */
  readonly halfOpenAfterMs: number;
}

/** The cap on the source's calls in flight, shared by every request. */
export interface BulkheadPolicy {
  /** Most calls in flight at once to the backend. */
  readonly maxConcurrent: number;
  /** Most calls waiting for a free slot; past it, calls fail fast. */
  readonly maxQueued: number;
}

/** The backend's own allowance of calls, e.g. "10 per second" in its contract, and how its "slow down" answers are honoured. */
export interface RateLimitPolicy {
  /** Calls allowed per `windowMs`; 0 means no limit. @default 0 */
  readonly calls: number;
  /** The window `calls` counts over, in ms. @default 1000 (1 s) */
  readonly windowMs: number;
  /**
   * Longest pause of the whole source after a rate-limit answer (429 +
   * Retry-After, RESOURCE_EXHAUSTED with pushback), in ms: a backend asking
   * for longer is paused this long. @default 60000 (60 s)
   */
  readonly maxPauseMs: number;
}

/** The read cache for one operation. */
export interface CachePolicy {
  /** Off: answers are neither stored nor served from the cache. */
  readonly enabled: boolean;
  /**
   * How long an answer is fresh, in ms, for sources without HTTP caching
   * headers (SOAP, gRPC). 0: not cached. REST answers follow their headers.
   */
  readonly ttlMs: number;
  /** How long a "not found" answer is kept, in ms; 0: never. */
  readonly notFoundTtlMs: number;
  /** After it goes stale, an entry is served while one refresh runs, for this long, in ms. */
  readonly staleWhileRevalidateMs: number;
  /** After it goes stale, an entry is served when the backend fails or its circuit is open, for this long, in ms. */
  readonly staleIfErrorMs: number;
}

/** The per-operation part: each operation may override these. */
export interface OperationPolicy {
  /** Deadline of one attempt, in ms, bounded by what is left of the request's deadline. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly cache: CachePolicy;
}

/** The per-source part, shared by all its operations (one breaker, one bulkhead, one limit per source). */
export interface SourcePolicy extends OperationPolicy {
  readonly breaker: BreakerPolicy;
  readonly bulkhead: BulkheadPolicy;
  readonly rateLimit: RateLimitPolicy;
  /**
   * The backend applies a write once per idempotency key (REST
   * `Idempotency-Key`, gRPC metadata, a SOAP header): a write that carries a
   * key may then be retried like a read.
   */
  readonly honoursIdempotencyKeys: boolean;
  /** Overrides by operation name; an operation not listed uses the source's own values. */
  readonly operations: ReadonlyMap<string, OperationPolicy>;
}

/** The policy of `operation` within `source`: its overrides, else the source's values. */
export function operationPolicy(source: SourcePolicy, operation: string): OperationPolicy {
  return source.operations.get(operation) ?? source;
}

/** The defaults of every policy, with units; gateway/config's DEFAULTS.pipeline is this object. */
export const PIPELINE_DEFAULTS = Object.freeze({
  timeoutMs: 10_000, // 10 s
  retry: Object.freeze({
    maxAttempts: 3,
    baseDelayMs: 500, // 0.5 s, as undici's RetryHandler
    maxDelayMs: 30_000, // 30 s
    budgetRatio: 0.2,
    budgetWindowMs: 10_000, // 10 s
    budgetMinRetries: 10,
  }),
  breaker: Object.freeze({
    enabled: true,
    failureRatio: 0.5,
    windowMs: 10_000,
    minimumCalls: 20,
    halfOpenAfterMs: 5_000,
  }),
  bulkhead: Object.freeze({ maxConcurrent: 64, maxQueued: 256 }),
  rateLimit: Object.freeze({ calls: 0, windowMs: 1_000, maxPauseMs: 60_000 }),
  cache: Object.freeze({
    enabled: true,
    ttlMs: 0,
    notFoundTtlMs: 0,
    staleWhileRevalidateMs: 0,
    staleIfErrorMs: 0,
  }),
  honoursIdempotencyKeys: false,
});

/** A source's policy made of the defaults alone, with no per-operation overrides. */
export function defaultSourcePolicy(): SourcePolicy {
  return { ...PIPELINE_DEFAULTS, operations: new Map() };
}
