/**
 * Call rates, error rates, latency percentiles and the cache hit ratio over
 * a recent window, from the gateway's own Prometheus counters and
 * histograms (telemetry/metrics.ts). The counters only grow, so a rate is
 * the difference between now and an earlier reading divided by the time
 * between them: this module keeps a few earlier readings, taken when the
 * overview is asked for (no timer), and compares with the oldest one still
 * inside the window. Percentiles are estimated from the histogram buckets'
 * differences the way Prometheus' histogram_quantile does.
 */
import type { Registry } from 'prom-client';

/** How far back rates look, in ms: 5 minutes, as a dashboard's usual rate window. */
export const RATE_WINDOW_MS = 300_000;
/** Readings closer together than this are not kept (bounds memory whatever the refresh rate), in ms. */
const MIN_READING_GAP_MS = 10_000;

/** One source's counters at one moment, summed over its operations. */
interface SourceReading {
  calls: number;
  errors: number;
  /** Cumulative bucket counts, one per entry of `bounds`, the last one +Inf. */
  buckets: number[];
}

interface Reading {
  readonly at: number;
  readonly bounds: readonly number[];
  readonly sources: ReadonlyMap<string, SourceReading>;
  readonly cacheHits: number;
  readonly cacheMisses: number;
}

export interface SourceRates {
  /** Calls that reached the backend in the window (each attempt of a retried call is one). */
  readonly calls: number;
  readonly errors: number;
  readonly callsPerMinute: number;
  /** errors / calls, 0 to 1; null when there were no calls. */
  readonly errorRate: number | null;
  /** Estimated from the histogram buckets, in ms; null when there were no calls. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

export interface Rates {
  /** What the rates cover, in seconds (shorter than RATE_WINDOW_MS just after start). */
  readonly windowSeconds: number;
  readonly sources: ReadonlyMap<string, SourceRates>;
  /** Fresh cache hits / (hits + misses) in the window, 0 to 1; null when nothing was looked up. */
  readonly cacheHitRatio: number | null;
  readonly cacheHits: number;
  readonly cacheMisses: number;
}

type Sample = {
  value: number;
  labels: Partial<Record<string, string | number>>;
  metricName?: string;
};

async function samples(registry: Registry, name: string): Promise<Sample[]> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return [];
  return (await metric.get()).values as Sample[];
}

async function read(registry: Registry, at: number): Promise<Reading> {
  const sources = new Map<string, SourceReading>();
  const of = (name: string, size: number): SourceReading => {
    let reading = sources.get(name);
    if (reading === undefined) {
      reading = { calls: 0, errors: 0, buckets: new Array<number>(size).fill(0) };
      sources.set(name, reading);
    }
    return reading;
  };
  const histogram = (await samples(registry, 'switchboard_source_call_duration_seconds')).filter(
    (sample) => sample.metricName?.endsWith('_bucket') === true,
  );
  const bounds = [
    ...new Set(
      histogram.map((sample) =>
        sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le),
      ),
    ),
  ].sort((a, b) => a - b);
  for (const sample of histogram) {
    const bound = sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le);
    const reading = of(String(sample.labels.source), bounds.length);
    reading.buckets[bounds.indexOf(bound)]! += sample.value;
  }
  for (const sample of await samples(registry, 'switchboard_source_calls_total')) {
    const reading = of(String(sample.labels.source), bounds.length);
    reading.calls += sample.value;
    if (sample.labels.outcome === 'failure') reading.errors += sample.value;
  }
  const total = async (name: string): Promise<number> =>
    (await samples(registry, name)).reduce((sum, sample) => sum + sample.value, 0);
  return {
    at,
    bounds,
    sources,
    cacheHits: await total('switchboard_cache_hits_total'),
    cacheMisses: await total('switchboard_cache_misses_total'),
  };
}

/**
 * The `q` quantile (0 to 1) of the observations between two readings of
 * cumulative buckets, interpolated linearly inside its bucket; in the +Inf
 * bucket it is the largest finite bound (the histogram knows no more).
 */
export function quantileFromBuckets(
  bounds: readonly number[],
  cumulative: readonly number[],
  q: number,
): number | null {
  const count = cumulative[cumulative.length - 1] ?? 0;
  if (count <= 0) return null;
  const rank = q * count;
  for (let index = 0; index < bounds.length; index += 1) {
    const upTo = cumulative[index] ?? 0;
    if (upTo < rank) continue;
    const upper = bounds[index] ?? Infinity;
    const lower = index === 0 ? 0 : (bounds[index - 1] ?? 0);
    if (upper === Infinity) return lower;
    const below = index === 0 ? 0 : (cumulative[index - 1] ?? 0);
    const inBucket = upTo - below;
    return inBucket <= 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
  }
  return bounds.filter(Number.isFinite).at(-1) ?? null;
}

export interface RateWindow {
  /** Reads the counters now and compares them with the oldest reading inside the window. */
  rates(now?: number): Promise<Rates>;
}

/** Keeps readings of `registry`; the first is taken now, so the first rates cover the time since start. */
export function createRateWindow(registry: Registry, startedAt = Date.now()): RateWindow {
  const readings: Reading[] = [];
  const first = read(registry, startedAt).then((reading) => {
    readings.push(reading);
  });
  return {
    async rates(now = Date.now()) {
      await first;
      const current = await read(registry, now);
      // Drop readings older than the window, but keep the newest of those when nothing newer is left to compare with.
      while (readings.length > 1 && readings[1]!.at <= now - RATE_WINDOW_MS) readings.shift();
      const base = readings[0] ?? current;
      if (now - (readings.at(-1)?.at ?? 0) >= MIN_READING_GAP_MS) readings.push(current);
      const seconds = Math.max((now - base.at) / 1000, 1);
      const sources = new Map<string, SourceRates>();
      for (const [name, reading] of current.sources) {
        const before = base.sources.get(name);
        const calls = reading.calls - (before?.calls ?? 0);
        const errors = reading.errors - (before?.errors ?? 0);
        const buckets = reading.buckets.map(
          (value, index) => value - (before?.buckets[index] ?? 0),
        );
        const ms = (q: number): number | null => {
          const seconds = quantileFromBuckets(current.bounds, buckets, q);
          return seconds === null ? null : Math.round(seconds * 10_000) / 10;
        };
        sources.set(name, {
          calls,
          errors,
          callsPerMinute: Math.round((calls / seconds) * 600) / 10,
          errorRate: calls === 0 ? null : errors / calls,
          p50Ms: calls === 0 ? null : ms(0.5),
          p99Ms: calls === 0 ? null : ms(0.99),
        });
      }
      const cacheHits = current.cacheHits - base.cacheHits;
      const cacheMisses = current.cacheMisses - base.cacheMisses;
      return {
        windowSeconds: Math.round(seconds),
        sources,
        cacheHits,
        cacheMisses,
        cacheHitRatio: cacheHits + cacheMisses === 0 ? null : cacheHits / (cacheHits + cacheMisses),
      };
    },
  };
}
