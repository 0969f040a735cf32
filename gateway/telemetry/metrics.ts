/**
 * The gateway's Prometheus metrics (prom-client): one Registry per gateway,
 * never prom-client's global one, so two gateways in one process (tests, an
 * embedding) never mix their counts. Names follow Prometheus conventions:
 * a `switchboard_` prefix, base units (seconds), `_total` on counters.
 * docs/operations.md lists every metric, its labels and what to alert on.
 *
 * Label values are bounded: sources and their operations come from the
 * configured contracts; GraphQL operation names and partner plans come from
 * callers and pass a cap (labels.ts); ids, SKUs and keys are never labels.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { createLabelCap, type LabelCap } from './labels.js';

/** How a GraphQL request ended: every field answered, some failed, none did, refused before it ran, or a stream opened. */
export type RequestOutcome = 'success' | 'partial' | 'error' | 'rejected' | 'stream';

/** What a cache lookup of one key found (pipeline/cache.ts). */
export interface CacheReads {
  /** Fresh entries served. */
  readonly hits: number;
  /** Keys not cached (or expired): the backend was asked. */
  readonly misses: number;
  /** Stale entries served while one background call refreshes them (stale-while-revalidate). */
  readonly revalidations: number;
}

/** One source's state as its pipeline reports it (pipeline.state()). */
export type PipelineState = Readonly<
  Record<string, Readonly<Record<string, string | number | boolean>>>
>;

/** The write executor's states (gateway/writes/model.ts WriteState); anything else is counted as "other". */
const WRITE_STATES: ReadonlySet<string> = new Set([
  'planned',
  'running',
  'succeeded',
  'compensating',
  'compensated',
  'dead-lettered',
  'replaying',
  'discarded',
]);

const BREAKER_STATES = ['closed', 'open', 'half-open', 'isolated', 'disabled'] as const;

/** Latency buckets in seconds, from a cached answer (~1 ms) to a request's default deadline (30 s). */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The request plugin's own operation labels (no name in the document; refused before it was parsed): never capped. */
const RESERVED_OPERATIONS: ReadonlySet<string> = new Set(['anonymous', 'unknown']);

/** Most distinct partner plans counted under their own name. */
const MAX_PLANS = 20;

export interface GatewayMetricsOptions {
  /** Most distinct GraphQL operation names counted under their own name; later names count as "other". */
  readonly maxOperationNames: number;
}

export interface GatewayMetrics {
  readonly registry: Registry;
  /** The operation-name cap (tests read its size). */
  readonly operationName: LabelCap;
  /** One GraphQL request answered. */
  observeRequest(operation: string, outcome: RequestOutcome, seconds: number): void;
  /** One call that reached a backend (an attempt: each retry is one more). `code` is the failure's, undefined on success. */
  observeCall(source: string, operation: string, seconds: number, code: string | undefined): void;
  /** One retry of a call (the second attempt and later). */
  observeRetry(source: string, operation: string): void;
  /** The pipeline refused a call without reaching the backend (`details.reason`: circuit open, bulkhead full, source paused...). */
  observeRefusal(source: string, reason: string): void;
  /** The backend asked the gateway to slow down with a wait (429 + Retry-After, RESOURCE_EXHAUSTED + pushback): the source pauses. */
  observePause(source: string): void;
  /** The read cache's lookups for one call. */
  observeCacheReads(source: string, operation: string, reads: CacheReads): void;
  /** Stale entries served because the backend failed (stale-if-error). */
  observeStaleServed(source: string, operation: string, count: number): void;
  /**
   * Hook for the write executor: one write reached `state` (a WriteState of
   * gateway/writes/model.ts). Call it once per move.
   * @example gateway.telemetry.metrics?.observeWrite('dead-lettered');
   */
  observeWrite(state: string): void;
  /**
   * Hook for per-token rate limits: a call of a token on `plan` was refused.
   * Plans are capped (the first 20 distinct; later ones count as "other").
   */
  observeTokenRateLimited(plan: string | undefined): void;
  /**
   * Hook for the write journal: how many dead letters wait for an operator,
   * read at each scrape. Registering again replaces the reader.
   * @example gateway.telemetry.metrics?.readDeadLetters(async () => (await journal.deadLetters()).length);
   */
  readDeadLetters(read: () => number | Promise<number>): void;
  /** Where scrapes read each source's breaker, bulkhead and pause (the pipelines' state()). */
  readPipelines(read: () => ReadonlyMap<string, PipelineState>): void;
  /** The exposition text. */
  render(): Promise<string>;
  readonly contentType: string;
}

export function createGatewayMetrics(options: GatewayMetricsOptions): GatewayMetrics {
  const registry = new Registry();
  const registers = [registry];
  // Process CPU, memory, event-loop lag and GC, as every Node exporter has them (process_*, nodejs_*).
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'switchboard_requests_total',
    help: 'GraphQL requests answered, by operation name and outcome.',
    labelNames: ['operation', 'outcome'],
    registers,
  });
  const requestSeconds = new Histogram({
    name: 'switchboard_request_duration_seconds',
    help: 'Time to answer a GraphQL request (to the first byte of a stream).',
    labelNames: ['operation', 'outcome'],
    buckets: BUCKETS,
    registers,
  });
  const calls = new Counter({
    name: 'switchboard_source_calls_total',
    help: 'Calls that reached a backend (each attempt of a retried call is one), by outcome.',
    labelNames: ['source', 'operation', 'outcome'],
    registers,
  });
  const callSeconds = new Histogram({
    name: 'switchboard_source_call_duration_seconds',
    help: 'Time a backend took to answer one call.',
    labelNames: ['source', 'operation'],
    buckets: BUCKETS,
    registers,
  });
  const callErrors = new Counter({
    name: 'switchboard_source_call_errors_total',
    help: 'Failed backend calls, by error code (docs/errors.md).',
    labelNames: ['source', 'operation', 'code'],
    registers,
  });
  const retries = new Counter({
    name: 'switchboard_source_retries_total',
    help: 'Retries of failed calls (second attempts and later).',
    labelNames: ['source', 'operation'],
    registers,
  });
  const refusals = new Counter({
    name: 'switchboard_source_refusals_total',
    help: 'Calls the pipeline refused without reaching the backend, by reason.',
    labelNames: ['source', 'reason'],
    registers,
  });
  const pauses = new Counter({
    name: 'switchboard_source_rate_limit_pauses_total',
    help: 'Rate-limit answers that paused a source (429 + Retry-After, RESOURCE_EXHAUSTED + pushback).',
    labelNames: ['source'],
    registers,
  });
  const cacheHits = new Counter({
    name: 'switchboard_cache_hits_total',
    help: 'Keys answered from the read cache while fresh.',
    labelNames: ['source', 'operation'],
    registers,
  });
  const cacheMisses = new Counter({
    name: 'switchboard_cache_misses_total',
    help: 'Keys the read cache did not hold: the backend was asked.',
    labelNames: ['source', 'operation'],
    registers,
  });
  const cacheRevalidations = new Counter({
    name: 'switchboard_cache_revalidations_total',
    help: 'Stale keys served while a background call refreshed them (stale-while-revalidate).',
    labelNames: ['source', 'operation'],
    registers,
  });
  const cacheStale = new Counter({
    name: 'switchboard_cache_stale_served_total',
    help: 'Stale keys served because the backend failed (stale-if-error).',
    labelNames: ['source', 'operation'],
    registers,
  });
  const writes = new Counter({
    name: 'switchboard_writes_total',
    help: 'Writes that reached a state of the write journal.',
    labelNames: ['state'],
    registers,
  });
  const tokenLimited = new Counter({
    name: 'switchboard_token_rate_limited_total',
    help: 'Requests refused by a per-token rate limit, by plan.',
    labelNames: ['plan'],
    registers,
  });

  let pipelines: () => ReadonlyMap<string, PipelineState> = () => new Map();
  const stateOf = (source: string, step: string, field: string): unknown =>
    pipelines().get(source)?.[step]?.[field];
  const perSource = (read: (source: string, state: PipelineState) => number | undefined) =>
    function (this: Gauge<'source'>): void {
      this.reset();
      for (const [source, state] of pipelines()) {
        const value = read(source, state);
        if (value !== undefined) this.set({ source }, value);
      }
    };
  new Gauge({
    name: 'switchboard_source_breaker_state',
    help: "Each source's circuit breaker: 1 for its current state, 0 for the others.",
    labelNames: ['source', 'state'],
    registers,
    collect() {
      this.reset();
      for (const source of pipelines().keys()) {
        const current = stateOf(source, 'breaker', 'state');
        for (const state of BREAKER_STATES) this.set({ source, state }, state === current ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'switchboard_source_bulkhead_queued',
    help: 'Calls waiting for a bulkhead slot.',
    labelNames: ['source'],
    registers,
    collect: perSource((_, state) => numberOr(state.bulkhead?.queued)),
  });
  new Gauge({
    name: 'switchboard_source_bulkhead_in_flight',
    help: 'Calls holding a bulkhead slot (in flight to the backend).',
    labelNames: ['source'],
    registers,
    collect: perSource((_, state) => numberOr(state.bulkhead?.inFlight)),
  });
  new Gauge({
    name: 'switchboard_source_paused_seconds',
    help: 'What is left of a pause the backend asked for, in seconds (0: not paused).',
    labelNames: ['source'],
    registers,
    collect: perSource((_, state) =>
      typeof state.pushback?.pausedForMs === 'number'
        ? state.pushback.pausedForMs / 1000
        : undefined,
    ),
  });

  let deadLetters: (() => number | Promise<number>) | undefined;
  new Gauge({
    name: 'switchboard_dead_letters',
    help: 'Writes in the dead-letter queue, waiting for an operator.',
    registers,
    async collect() {
      this.reset();
      if (deadLetters !== undefined) this.set(await deadLetters());
    },
  });

  const operationName = createLabelCap(options.maxOperationNames);
  const planName = createLabelCap(MAX_PLANS);

  return {
    registry,
    operationName,
    contentType: registry.contentType,
    observeRequest(operation, outcome, seconds) {
      const labels = {
        operation: RESERVED_OPERATIONS.has(operation) ? operation : operationName(operation),
        outcome,
      };
      requests.inc(labels);
      requestSeconds.observe(labels, seconds);
    },
    observeCall(source, operation, seconds, code) {
      calls.inc({ source, operation, outcome: code === undefined ? 'success' : 'failure' });
      callSeconds.observe({ source, operation }, seconds);
      if (code !== undefined) callErrors.inc({ source, operation, code });
    },
    observeRetry: (source, operation) => retries.inc({ source, operation }),
    observeRefusal: (source, reason) => refusals.inc({ source, reason }),
    observePause: (source) => pauses.inc({ source }),
    observeCacheReads(source, operation, reads) {
      if (reads.hits > 0) cacheHits.inc({ source, operation }, reads.hits);
      if (reads.misses > 0) cacheMisses.inc({ source, operation }, reads.misses);
      if (reads.revalidations > 0)
        cacheRevalidations.inc({ source, operation }, reads.revalidations);
    },
    observeStaleServed: (source, operation, count) => cacheStale.inc({ source, operation }, count),
    observeWrite: (state) => writes.inc({ state: WRITE_STATES.has(state) ? state : 'other' }),
    observeTokenRateLimited: (plan) => tokenLimited.inc({ plan: planName(plan ?? 'none') }),
    readDeadLetters(read) {
      deadLetters = read;
    },
    readPipelines(read) {
      pipelines = read;
    },
    render: () => registry.metrics(),
  };
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
