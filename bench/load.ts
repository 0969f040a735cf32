/**
 * A closed-loop load generator: `concurrency` workers call `task` back to
 * back for `durationMs`, and every call's latency is recorded. Hand-written
 * because the scenarios mix HTTP, SOAP and gRPC clients in one process and
 * must be measured the same way; autocannon and wrk only speak HTTP.
 */
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';

export interface LoadOptions {
  /** Calls in flight at once. @default 16 */
  concurrency?: number;
  /** How long to keep calling, in ms. @default 3000 */
  durationMs?: number;
  /** Untimed calls first, to fill pools and JIT caches. @default 200 */
  warmupCalls?: number;
}

export interface LoadResult {
  calls: number;
  errors: number;
  /** Calls per second over the measured window. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

export async function runLoad(
  task: () => Promise<unknown>,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const concurrency = options.concurrency ?? 16;
  const durationMs = options.durationMs ?? 3000;
  const warmupCalls = options.warmupCalls ?? 200;

  for (let done = 0; done < warmupCalls; done += concurrency) {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, warmupCalls - done) }, () =>
        task().catch(() => undefined),
      ),
    );
  }

  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const began = performance.now();
      try {
        await task();
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - began);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - start;
  const sorted = Float64Array.from(latencies).sort();
  return {
    calls: latencies.length,
    errors,
    throughput: (latencies.length / elapsedMs) * 1000,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

export function formatResult(label: string, result: LoadResult): string {
  return `${label.padEnd(44)} ${result.throughput.toFixed(0).padStart(7)} req/s  p50 ${result.p50Ms.toFixed(2).padStart(7)} ms  p99 ${result.p99Ms.toFixed(2).padStart(7)} ms  (${result.calls} calls, ${result.errors} errors)`;
}

/**
 * POSTs one GraphQL request body as JSON and returns the answer's text.
 * @throws when the answer's status is not 200 or it holds `errors`: a bench must not time failures
 */
export async function postGraphql(
  pool: Dispatcher,
  body: string,
  { path = '/graphql', who = 'the gateway' }: { path?: string; who?: string } = {},
): Promise<string> {
  const response = await pool.request({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200 || text.includes('"errors"'))
    throw new Error(`${who} answered ${response.statusCode}: ${text.slice(0, 200)}`);
  return text;
}
