/**
 * The rates the operator page shows, from a real prom-client Registry of the
 * gateway's metrics: calls and errors since the earlier reading, and
 * latency percentiles estimated from the histogram's buckets.
 */
import { describe, expect, it } from 'vitest';
import { createRateWindow, quantileFromBuckets } from '../../../../gateway/operator/index.js';
import { createGatewayMetrics } from '../../../../gateway/telemetry/index.js';

describe('quantileFromBuckets', () => {
  const bounds = [0.01, 0.1, 1, Infinity];
  it('interpolates inside the bucket that holds the rank', () => {
    // 10 observations: 4 under 10 ms, 4 more under 100 ms, 2 under 1 s.
    expect(quantileFromBuckets(bounds, [4, 8, 10, 10], 0.5)).toBeCloseTo(0.01 + 0.09 * 0.25);
    expect(quantileFromBuckets(bounds, [4, 8, 10, 10], 0.99)).toBeCloseTo(0.1 + 0.9 * 0.95);
  });
  it('gives the largest finite bound past it, and null without observations', () => {
    expect(quantileFromBuckets(bounds, [0, 0, 0, 3], 0.5)).toBe(1);
    expect(quantileFromBuckets(bounds, [0, 0, 0, 0], 0.5)).toBeNull();
  });
});

describe('createRateWindow', () => {
  it('counts what happened since the earlier reading, per source, and the cache hit ratio', async () => {
    const metrics = createGatewayMetrics({ maxOperationNames: 10 });
    metrics.observeCall('erp', 'getItem', 0.5, undefined);
    const window = createRateWindow(metrics.registry, 0);
    // Before the window's first reading: not counted.
    await window.rates(1);
    for (let call = 0; call < 9; call += 1) metrics.observeCall('erp', 'getItem', 0.02, undefined);
    metrics.observeCall('erp', 'getStockLevels', 2, 'SOURCE_TIMEOUT');
    metrics.observeCall('billing', 'getPrice', 0.004, undefined);
    metrics.observeCacheReads('billing', 'getPrice', { hits: 3, misses: 1, revalidations: 0 });
    const rates = await window.rates(60_000);
    expect(rates.windowSeconds).toBe(60);
    expect(rates.sources.get('erp')).toMatchObject({
      calls: 10,
      errors: 1,
      callsPerMinute: 10,
      errorRate: 0.1,
    });
    const erp = rates.sources.get('erp');
    // 9 of 10 calls in the 10-25 ms bucket, one in the 1-2.5 s bucket.
    expect(erp?.p50Ms).toBeGreaterThan(10);
    expect(erp?.p50Ms).toBeLessThanOrEqual(25);
    expect(erp?.p99Ms).toBeGreaterThan(1000);
    expect(erp?.p99Ms).toBeLessThanOrEqual(2500);
    expect(rates.sources.get('billing')).toMatchObject({ calls: 1, errors: 0, errorRate: 0 });
    expect(rates).toMatchObject({ cacheHits: 3, cacheMisses: 1, cacheHitRatio: 0.75 });
  });
});
