/**
 * The cost of metrics and tracing, measured in one run: the 50-products query
 * (read cache off, so every request makes its three backend calls) against
 * three gateways started from bench/telemetry.config.ts (telemetry off,
 * metrics on, metrics and tracing on with every request sampled and exported
 * over OTLP/HTTP to a collector stand-in in this process), taking turns so
 * drift in the machine's load touches each alike. Prints requests/s, p50 and
 * p99 of each and its cost against "off". About 30 s.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { formatResult, runLoad, type LoadResult } from './load.js';
import { BENCH_ADMIN_TOKEN } from './telemetry.config.js';
import { startChild, stopChild } from './children.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = 2;
/** Untimed calls before each turn: enough to fill the pools, few enough to keep the run near 30 s. */
const WARMUP_CALLS = 48;
const QUERY =
  '{ products(first: 50) { edges { node { sku title price { amount currencyCode } stock { available } } } } }';
const MODES = ['off', 'metrics', 'all'] as const;
const LABELS: Record<(typeof MODES)[number], string> = {
  off: 'telemetry off',
  metrics: 'metrics on',
  all: 'metrics + tracing (100% sampled)',
};

/**
 * CPU time a process has used, in ms (Linux /proc; undefined elsewhere). On a
 * busy machine throughput and latency mostly measure the neighbours; the
 * gateway's own CPU per request does not.
 */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** Sums the results of one mode's rounds. */
function merge(results: readonly LoadResult[]): LoadResult {
  const calls = results.reduce((sum, result) => sum + result.calls, 0);
  return {
    calls,
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    throughput: results.reduce((sum, result) => sum + result.throughput, 0) / results.length,
    p50Ms: results.reduce((sum, result) => sum + result.p50Ms, 0) / results.length,
    p99Ms: results.reduce((sum, result) => sum + result.p99Ms, 0) / results.length,
  };
}

export async function runTelemetryBench(): Promise<void> {
  // A collector stand-in: takes every OTLP export and answers 200, as a collector would.
  let exports = 0;
  let exportedBytes = 0;
  const collector = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (exportedBytes += chunk.length));
    req.on('end', () => {
      exports += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const otlpUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;

  const backends = await startChild(['bench/backends.ts'], {}, /^\{/);
  const urls = JSON.parse(backends.line) as Record<string, { url: string }>;
  const children: ChildProcess[] = [];
  const pools = new Map<(typeof MODES)[number], Pool>();
  try {
    const env = {
      STOREFRONT_URL: urls.storefront!.url,
      ERP_URL: urls.erp!.url,
      BILLING_URL: urls.billing!.url,
      BENCH_OTLP_URL: otlpUrl,
    };
    // Started together: on a busy machine each takes seconds to load.
    const started = await Promise.allSettled(
      MODES.map((mode) =>
        startChild(
          ['bin/switchboard.js', 'start', '--port', '0', '--config', 'bench/telemetry.config.ts'],
          { ...env, BENCH_TELEMETRY: mode },
          /listening on/,
        ),
      ),
    );
    for (const [index, outcome] of started.entries()) {
      if (outcome.status === 'fulfilled') {
        children.push(outcome.value.child);
        pools.set(
          MODES[index]!,
          new Pool(/listening on (\S+)/.exec(outcome.value.line)![1]!, { connections: 32 }),
        );
      }
    }
    const failed = started.find(
      (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
    );
    if (failed !== undefined) throw failed.reason;
    const ask = (mode: (typeof MODES)[number]) => async (): Promise<void> => {
      const response = await pools.get(mode)!.request({
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: QUERY }),
      });
      const body = (await response.body.json()) as { errors?: unknown[] };
      if (response.statusCode !== 200 || body.errors)
        throw new Error(
          `gateway (${mode}) answered ${response.statusCode}: ${JSON.stringify(body.errors)}`,
        );
    };
    for (const mode of MODES) await ask(mode)();

    console.log(
      `\nTelemetry cost: 50 products with title, stock and price, read cache off; ${CONCURRENCY} in flight, ${ROUNDS} rounds of ${DURATION_MS} ms per mode, modes taking turns`,
    );
    const results = new Map<(typeof MODES)[number], LoadResult[]>(MODES.map((mode) => [mode, []]));
    const cpu = new Map<(typeof MODES)[number], { ms: number; calls: number }>(
      MODES.map((mode) => [mode, { ms: 0, calls: 0 }]),
    );
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [index, mode] of MODES.entries()) {
        const pid = children[index]?.pid;
        const before = cpuMs(pid);
        const result = await runLoad(ask(mode), {
          concurrency: CONCURRENCY,
          durationMs: DURATION_MS,
          warmupCalls: WARMUP_CALLS,
        });
        const after = cpuMs(pid);
        results.get(mode)!.push(result);
        const used = cpu.get(mode)!;
        if (before !== undefined && after !== undefined)
          cpu.set(mode, {
            ms: used.ms + after - before,
            calls: used.calls + result.calls + WARMUP_CALLS,
          });
      }
    }
    const cpuPerRequest = (mode: (typeof MODES)[number]): number | undefined => {
      const used = cpu.get(mode)!;
      return used.calls === 0 ? undefined : used.ms / used.calls;
    };
    const off = merge(results.get('off')!);
    const offCpu = cpuPerRequest('off');
    for (const mode of MODES) {
      const result = merge(results.get(mode)!);
      const modeCpu = cpuPerRequest(mode);
      const cpuText = modeCpu === undefined ? '' : `  gateway CPU ${modeCpu.toFixed(2)} ms/request`;
      const cpuCost =
        modeCpu === undefined || offCpu === undefined || mode === 'off'
          ? ''
          : ` (+${(((modeCpu - offCpu) / offCpu) * 100).toFixed(1)}%)`;
      const cost =
        mode === 'off'
          ? ''
          : `  vs off: throughput ${(((result.throughput - off.throughput) / off.throughput) * 100).toFixed(1)}%, p50 ${result.p50Ms >= off.p50Ms ? '+' : ''}${(result.p50Ms - off.p50Ms).toFixed(2)} ms`;
      console.log(`${formatResult(`  ${LABELS[mode]}`, result)}${cpuText}${cpuCost}${cost}`);
    }
    // Proof the modes did what they say: the metrics gateway counted, the tracing one exported.
    const scrape = await pools.get('metrics')!.request({
      method: 'GET',
      path: '/metrics',
      headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
    });
    const text = await scrape.body.text();
    const counted = [...text.matchAll(/^switchboard_requests_total\{[^}]*\} (\d+)/gm)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
    console.log(
      `  check: the metrics gateway counted ${counted} requests; the tracing gateway sent ${exports} OTLP exports (${(exportedBytes / 1024 / 1024).toFixed(1)} MiB)`,
    );
  } finally {
    await Promise.all([...pools.values()].map((pool) => pool.close()));
    await Promise.all(children.map(stopChild));
    await stopChild(backends.child);
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  await runTelemetryBench();
