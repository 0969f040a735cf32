/**
 * The gateway against a hand-written client of the same backends, measured
 * side by side in one run (issue 15). Processes: the three backends in one
 * (bench/backends.ts); the direct client behind one loopback hop in another
 * (bench/direct-server.ts); the gateway (`switchboard start`) three times:
 * the demo config with the read cache off (bench/no-cache.config.ts), the
 * same with billing declared without its batch endpoint
 * (bench/no-batch.config.ts), and the demo config as shipped (warm read
 * cache). This process generates the load.
 *
 * For each scenario it prints, with BENCH_CONCURRENCY (10) in flight for
 * BENCH_DURATION_MS (1500) each way, after BENCH_WARMUP_MS (1500) of
 * unmeasured load, in BENCH_ROUNDS (3) rounds taking turns, each figure the
 * median round: requests/s, and the CPU per query of the
 * answering process (user + system time from /proc/<pid>/stat over the
 * measured window, divided by the queries answered in it), and their ratios
 * gateway ÷ direct; for the two cross-system scenarios also the p50 with one
 * request in flight (BENCH_LATENCY_MS, 1500). Then the backend calls one
 * query costs each way (counted by the backends), and a summary table.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startChild, stopChild } from './children.js';
import { formatResult, runLoad, type LoadResult } from './load.js';
import {
  ALIASED_50,
  FIFTY_SKUS,
  ONE_PRODUCT,
  PAGE_OF_50,
  PAGE_WITH_PRICE_AND_STOCK,
  PRODUCT_WITH_PRICE_AND_STOCK,
  type GraphqlRequest,
} from './queries.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 1500);
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 1500);
/**
 * Unmeasured load before each measured window, each way. The gateway runs
 * through tsx and V8 optimises its hot functions after a few thousand calls:
 * a 300 ms warm-up left the first row measuring the JIT (1.76 ms of CPU per
 * query against 0.68 ms once warm), which the direct client, with far less
 * code to compile, hardly pays.
 */
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1500);
/** Measured windows per row and target, taking turns; a row's figures are their medians. */
export const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
/**
 * The children's stderr (the gateways' request log, one JSON line a request
 * at the default level) goes to a file, as a log shipper would read it: into
 * this process's terminal it cost the gateway ~0.25 ms of CPU per query in
 * pipe writes, a cost of the terminal, not of the gateway.
 */
const LOG_DIR = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
let children = 0;
/**
 * Another checkout of the repository (e.g. a `git worktree` of the commit
 * before a change): its gateway, with the read cache off, is measured in the
 * same run beside this one's, on the rows that use the cache-off gateway, so
 * a change's effect is read off one run rather than two noisy ones.
 */
const BASELINE = process.env.BENCH_BASELINE;
/** Node's flags for the baseline's gateway alone (`BENCH_BASELINE_NODE_FLAGS=` for Node's defaults): a flag's effect read off one run. */
const BASELINE_FLAGS = process.env.BENCH_BASELINE_NODE_FLAGS?.split(' ').filter(
  (flag) => flag !== '',
);
/** Which rows to run, by number from 1 (`BENCH_ROWS=1,2`): for a quick A/B of a change. All when unset. */
const ONLY_ROWS = process.env.BENCH_ROWS?.split(',').map(Number);

/** A bench child (bench/children.ts) whose stderr goes to its own file in LOG_DIR. */
export function startLoggedChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  cwd = ROOT,
  flags?: readonly string[],
): Promise<{ child: ChildProcess; line: string }> {
  const log = openSync(
    join(LOG_DIR, `${(children += 1)}-${args.join(' ').replace(/[^\w.-]+/g, '_')}.log`),
    'a',
  );
  return startChild(args, env, ready, {
    cwd,
    stderr: log,
    ...(flags === undefined ? {} : { flags }),
  });
}

/** Clock ticks per second of /proc's CPU times. */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of a process so far, in ms (Linux /proc; NaN elsewhere). */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): utime is the 14th field, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return Number.NaN;
  }
}

/** An answering process: its pool and its pid. */
export interface Target {
  readonly pool: Pool;
  readonly pid: number;
}

export interface Measured extends LoadResult {
  /** CPU ms of the answering process per query answered in the window. */
  readonly cpuPerQueryMs: number;
}

export async function measure(
  target: Target,
  task: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<Measured> {
  // Warm-up outside the window: pools, JIT, the gateway's caches of parsed documents.
  await runLoad(task, { concurrency, durationMs: WARMUP_MS, warmupCalls: 20 });
  const before = cpuMsOf(target.pid);
  const result = await runLoad(task, { concurrency, durationMs, warmupCalls: 0 });
  const cpuMs = cpuMsOf(target.pid) - before;
  return { ...result, cpuPerQueryMs: cpuMs / Math.max(1, result.calls) };
}

/** The round whose CPU per query is the median (the lower middle of an even count), with its throughput. */
export function medianOf(rounds: readonly Measured[]): Measured {
  const sorted = [...rounds].sort((a, b) => a.cpuPerQueryMs - b.cpuPerQueryMs);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

interface Scenario extends GraphqlRequest {
  readonly name: string;
  /** Which gateway answers: read cache off, billing without its batch endpoint (cache off), or the demo config (warm cache). */
  readonly gateway: 'uncached' | 'noBatch' | 'cached';
  readonly path: string;
  /** The direct server's route for the same work. */
  readonly direct: string;
  /** Also measure p50 with one request in flight (the cross-system scenarios). */
  readonly latency?: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'one product by key (1 backend call)',
    gateway: 'uncached',
    path: '/graphql',
    ...ONE_PRODUCT,
    direct: '/one',
  },
  {
    name: '50 products, 4 fields each (1 call)',
    gateway: 'uncached',
    path: '/graphql',
    ...PAGE_OF_50,
    direct: '/page',
  },
  {
    name: '50 products + a field from a second operation without a batch endpoint (51 calls)',
    gateway: 'noBatch',
    path: '/graphql',
    query: '{ products(first: 50) { edges { node { sku title price { amount currencyCode } } } } }',
    direct: '/page-prices-one-by-one',
  },
  {
    name: '50 products by a list of keys (1 batch call)',
    gateway: 'uncached',
    path: '/graphql/storefront',
    query:
      'query ($skus: [String!]) { listProducts(skus: $skus, limit: 50) { items { sku title brand category } } }',
    variables: { skus: FIFTY_SKUS },
    direct: '/by-keys',
  },
  {
    name: '50 aliased lookups by key, batched into 1 call',
    gateway: 'uncached',
    path: '/graphql',
    ...ALIASED_50,
    direct: '/by-keys',
  },
  {
    name: 'one product with price and stock, across the three systems (3 calls)',
    gateway: 'uncached',
    path: '/graphql',
    ...PRODUCT_WITH_PRICE_AND_STOCK,
    direct: '/product-price-stock',
    latency: true,
  },
  {
    name: '50 products with title, price and stock (3 calls)',
    gateway: 'uncached',
    path: '/graphql',
    ...PAGE_WITH_PRICE_AND_STOCK,
    direct: '/page-price-stock',
    latency: true,
  },
  {
    name: '50 products with title, price and stock, warm read cache (the direct client has none)',
    gateway: 'cached',
    path: '/graphql',
    ...PAGE_WITH_PRICE_AND_STOCK,
    direct: '/page-price-stock',
  },
];

interface Row {
  readonly scenario: Scenario;
  readonly cpuRatio: number;
  readonly throughputRatio: number;
  readonly gatewayCpuMs: number;
  readonly directCpuMs: number;
  readonly p50?: { gateway: number; direct: number };
  readonly calls: string;
  /** CPU per query of the baseline checkout's gateway (BENCH_BASELINE), ms. */
  readonly baselineCpuMs?: number;
}

export async function runGatewayVsDirect(): Promise<void> {
  const backends = await startLoggedChild(['bench/backends.ts'], {}, /^\{/);
  const urls = JSON.parse(backends.line) as Record<string, { url: string; contract: string }> & {
    admin: string;
  };
  const children: ChildProcess[] = [];
  const pools: Pool[] = [];
  try {
    const env = {
      STOREFRONT_URL: urls.storefront!.url,
      ERP_URL: urls.erp!.url,
      BILLING_URL: urls.billing!.url,
      BILLING_CONTRACT: urls.billing!.contract,
    };
    const start = async (
      args: string[],
      ready: RegExp,
      urlOf: (line: string) => string,
      cwd = ROOT,
      flags?: readonly string[],
    ): Promise<Target> => {
      const { child, line } = await startLoggedChild(args, env, ready, cwd, flags);
      children.push(child);
      const pool = new Pool(urlOf(line), { connections: 32 });
      pools.push(pool);
      return { pool, pid: child.pid as number };
    };
    const gatewayUrl = (line: string): string => /listening on (\S+)/.exec(line)![1]!;
    const [direct, uncached, noBatch, cached] = await Promise.all([
      start(['bench/direct-server.ts'], /^\{/, (line) => (JSON.parse(line) as { url: string }).url),
      start(
        ['bin/switchboard.js', 'start', '--port', '0', '--config', 'bench/no-cache.config.ts'],
        /listening on/,
        gatewayUrl,
      ),
      start(
        ['bin/switchboard.js', 'start', '--port', '0', '--config', 'bench/no-batch.config.ts'],
        /listening on/,
        gatewayUrl,
      ),
      start(['bin/switchboard.js', 'start', '--port', '0'], /listening on/, gatewayUrl),
    ]);
    const gateways = { uncached, noBatch, cached } as const;
    const baseline =
      BASELINE === undefined
        ? undefined
        : await start(
            ['bin/switchboard.js', 'start', '--port', '0', '--config', 'bench/no-cache.config.ts'],
            /listening on/,
            gatewayUrl,
            BASELINE,
            BASELINE_FLAGS,
          );

    const askGateway = (scenario: Scenario, target: Target = gateways[scenario.gateway]) => {
      const body = JSON.stringify({ query: scenario.query, variables: scenario.variables ?? {} });
      const { pool } = target;
      return async (): Promise<unknown> => {
        const response = await pool.request({
          method: 'POST',
          path: scenario.path,
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body,
        });
        const text = await response.body.text();
        if (
          response.statusCode !== 200 ||
          text.startsWith('{"errors"') ||
          text.includes('"errors":[')
        )
          throw new Error(`gateway answered ${response.statusCode}: ${text.slice(0, 300)}`);
        return text;
      };
    };
    const askDirect = (scenario: Scenario) => async (): Promise<unknown> => {
      const response = await direct.pool.request({ method: 'GET', path: scenario.direct });
      const text = await response.body.text();
      if (response.statusCode !== 200)
        throw new Error(`direct answered ${response.statusCode}: ${text.slice(0, 300)}`);
      return text;
    };
    const backendCalls = async (run: () => Promise<unknown>): Promise<string> => {
      await fetch(`${urls.admin}/__admin/reset`, { method: 'POST' });
      await run();
      const stats = (await (await fetch(`${urls.admin}/__admin/stats`)).json()) as Record<
        string,
        Record<string, number>
      >;
      return Object.entries(stats)
        .flatMap(([system, ops]) => Object.entries(ops).map(([op, n]) => `${system}.${op} ${n}`))
        .join(', ');
    };

    console.log(
      `\nGateway vs direct client, each behind one loopback hop (${CONCURRENCY} in flight, ${DURATION_MS} ms a row after ${WARMUP_MS} ms of warm-up, median of ${ROUNDS} rounds; p50 with 1 in flight, ${LATENCY_MS} ms; ${process.platform} ${process.arch}, Node ${process.versions.node})`,
    );
    console.log(`The processes' logs: ${LOG_DIR}`);
    const rows: Row[] = [];
    for (const [index, scenario] of SCENARIOS.entries()) {
      if (ONLY_ROWS !== undefined && !ONLY_ROWS.includes(index + 1)) continue;
      const gatewayTask = askGateway(scenario);
      const directTask = askDirect(scenario);
      try {
        await gatewayTask();
        await directTask();
      } catch (error) {
        console.log(`\n${scenario.name}: skipped: ${(error as Error).message}`);
        continue;
      }
      console.log(`\n${scenario.name}`);
      const gatewayTarget = gateways[scenario.gateway];
      // Rounds taking turns (direct, gateway, baseline, then again), each figure the median of its rounds:
      // on this shared machine one window can be 30% off, and a slow minute then hits all three alike.
      const directRounds: Measured[] = [];
      const gatewayRounds: Measured[] = [];
      const baselineRounds: Measured[] = [];
      for (let round = 1; round <= ROUNDS; round += 1) {
        const label = ROUNDS === 1 ? '' : ` (round ${round})`;
        const directRound = await measure(direct, directTask, CONCURRENCY, DURATION_MS);
        directRounds.push(directRound);
        console.log(
          `${formatResult(`  direct, ${CONCURRENCY} in flight${label}`, directRound)}  CPU ${directRound.cpuPerQueryMs.toFixed(3)} ms/query`,
        );
        const gatewayRound = await measure(gatewayTarget, gatewayTask, CONCURRENCY, DURATION_MS);
        gatewayRounds.push(gatewayRound);
        console.log(
          `${formatResult(`  gateway, ${CONCURRENCY} in flight${label}`, gatewayRound)}  CPU ${gatewayRound.cpuPerQueryMs.toFixed(3)} ms/query`,
        );
        if (baseline !== undefined && scenario.gateway === 'uncached') {
          const baselineRound = await measure(
            baseline,
            askGateway(scenario, baseline),
            CONCURRENCY,
            DURATION_MS,
          ).catch((error: unknown) => {
            console.log(`  baseline: ${(error as Error).message}`);
            return undefined;
          });
          if (baselineRound !== undefined) {
            baselineRounds.push(baselineRound);
            console.log(
              `${formatResult(`  baseline gateway, ${CONCURRENCY} in flight${label}`, baselineRound)}  CPU ${baselineRound.cpuPerQueryMs.toFixed(3)} ms/query`,
            );
          }
        }
      }
      const directResult = medianOf(directRounds);
      const gatewayResult = medianOf(gatewayRounds);
      const baselineCpuMs =
        baselineRounds.length === 0 ? undefined : medianOf(baselineRounds).cpuPerQueryMs;
      let p50: Row['p50'];
      if (scenario.latency === true) {
        const directOne = await measure(direct, directTask, 1, LATENCY_MS);
        const gatewayOne = await measure(gatewayTarget, gatewayTask, 1, LATENCY_MS);
        console.log(formatResult('  direct, 1 in flight', directOne));
        console.log(formatResult('  gateway, 1 in flight', gatewayOne));
        p50 = { gateway: gatewayOne.p50Ms, direct: directOne.p50Ms };
      }
      const calls = `direct [${await backendCalls(directTask)}]; gateway [${await backendCalls(gatewayTask)}]`;
      console.log(`  backend calls per query: ${calls}`);
      const row: Row = {
        scenario,
        cpuRatio: gatewayResult.cpuPerQueryMs / directResult.cpuPerQueryMs,
        throughputRatio: gatewayResult.throughput / directResult.throughput,
        gatewayCpuMs: gatewayResult.cpuPerQueryMs,
        directCpuMs: directResult.cpuPerQueryMs,
        ...(p50 === undefined ? {} : { p50 }),
        ...(baselineCpuMs === undefined ? {} : { baselineCpuMs }),
        calls,
      };
      console.log(
        `  gateway ÷ direct: CPU per query ${row.cpuRatio.toFixed(2)}x, requests/s ${row.throughputRatio.toFixed(2)}${p50 ? `, p50 (1 in flight) ${(p50.gateway / p50.direct).toFixed(2)}x` : ''}`,
      );
      rows.push(row);
    }

    console.log('\nSummary (gateway ÷ direct, this run):\n');
    console.log(
      `| scenario | CPU per query, gateway / direct (ms) | CPU ÷ | requests/s ÷ | p50 1 in flight, gateway / direct (ms) | p50 ÷ |${BASELINE === undefined ? '' : ' baseline CPU (ms) | this ÷ baseline |'}`,
    );
    console.log(`|---|---:|---:|---:|---:|---:|${BASELINE === undefined ? '' : '---:|---:|'}`);
    for (const row of rows) {
      const p50 =
        row.p50 === undefined
          ? '| | '
          : `| ${row.p50.gateway.toFixed(2)} / ${row.p50.direct.toFixed(2)} | ${(row.p50.gateway / row.p50.direct).toFixed(2)}× `;
      const base =
        BASELINE === undefined
          ? ''
          : row.baselineCpuMs === undefined
            ? ' | |'
            : ` ${row.baselineCpuMs.toFixed(3)} | ${(row.gatewayCpuMs / row.baselineCpuMs).toFixed(2)}× |`;
      console.log(
        `| ${row.scenario.name} | ${row.gatewayCpuMs.toFixed(3)} / ${row.directCpuMs.toFixed(3)} | ${row.cpuRatio.toFixed(2)}× | ${row.throughputRatio.toFixed(2)} ${p50}|${base}`,
      );
    }
  } finally {
    await Promise.allSettled(pools.map((pool) => pool.close()));
    await Promise.allSettled(children.map(stopChild));
    await stopChild(backends.child);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  await runGatewayVsDirect();
