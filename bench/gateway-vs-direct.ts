/**
 * Gateway against direct calls, measured in one run on this machine: the
 * backends run in one child process, the gateway (`switchboard start` on the
 * demo config, and a second with the read cache off) in others, and this
 * process generates load on them in turn. Every scenario but the warm-cache
 * one asks the gateway without the read cache, so it measures the gateway's
 * own cost per request, comparable with the figures from before the cache.
 * Prints requests/s, p50 and p99 for each scenario both ways, their ratios,
 * and the backend calls one query costs (counted by the backends).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { createDirectClient } from './direct.js';
import { formatResult, runLoad, type LoadResult } from './load.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

interface Scenario {
  name: string;
  /** Path of the gateway endpoint and the query it runs. */
  path: string;
  query: string;
  variables: Record<string, unknown>;
  direct: () => Promise<unknown>;
  /** Ask the gateway started with bench/no-cache.config.ts (read cache off) instead of the demo config's. */
  uncached?: boolean;
}

function startChild(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (ready.test(line)) resolve({ child, line });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function runGatewayVsDirect(): Promise<void> {
  const backends = await startChild(['bench/backends.ts'], {}, /^\{/);
  const urls = JSON.parse(backends.line) as Record<string, { url: string; contract: string }> & { admin: string };
  let gateway: ChildProcess | undefined;
  let uncachedGateway: ChildProcess | undefined;
  const direct = createDirectClient(
    { storefront: urls.storefront!.url, erp: urls.erp!.url, billing: urls.billing!.url },
    urls.billing!.contract,
    fileURLToPath(new URL('../demo/billing/proto', import.meta.url)),
  );
  try {
    const gatewayEnv = { STOREFRONT_URL: urls.storefront!.url, ERP_URL: urls.erp!.url, BILLING_URL: urls.billing!.url };
    const started = await startChild(['bin/switchboard.js', 'start', '--port', '0'], gatewayEnv, /listening on/);
    gateway = started.child;
    // The same gateway with the read cache off: what the pipeline costs when every read goes out.
    const startedUncached = await startChild(['bin/switchboard.js', 'start', '--port', '0', '--config', 'bench/no-cache.config.ts'], gatewayEnv, /listening on/);
    uncachedGateway = startedUncached.child;
    const pool = new Pool(/listening on (\S+)/.exec(started.line)![1]!, { connections: 32 });
    const uncachedPool = new Pool(/listening on (\S+)/.exec(startedUncached.line)![1]!, { connections: 32 });
    const ask = async (scenario: Scenario): Promise<unknown> => {
      const response = await (scenario.uncached === true ? uncachedPool : pool).request({
        method: 'POST',
        path: scenario.path,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: scenario.query, variables: scenario.variables }),
      });
      const body = (await response.body.json()) as { errors?: unknown[] };
      if (response.statusCode !== 200 || body.errors) throw new Error(`gateway answered ${response.statusCode}: ${JSON.stringify(body.errors)}`);
      return body;
    };
    const backendCalls = async (run: () => Promise<unknown>): Promise<string> => {
      await fetch(`${urls.admin}/__admin/reset`, { method: 'POST' });
      await run();
      const stats = (await (await fetch(`${urls.admin}/__admin/stats`)).json()) as Record<string, Record<string, number>>;
      return Object.entries(stats)
        .flatMap(([system, ops]) => Object.entries(ops).map(([op, n]) => `${system}.${op} ${n}`))
        .join(', ');
    };

    const scenarios: Scenario[] = [
      {
        name: '(0) one storefront product through its subgraph endpoint',
        path: '/graphql/storefront',
        query: 'query ($id: String!) { getProduct(productId: $id) { id sku title } }',
        variables: { id: 'prod_00042' },
        direct: () => direct.productById('prod_00042'),
        uncached: true,
      },
      {
        name: '(a) one product by SKU with price and stock',
        path: '/graphql',
        query: 'query ($sku: ID!) { product(sku: $sku) { sku title price { amount currencyCode } stock { available } } }',
        variables: { sku: 'SKU-00042' },
        direct: () => direct.productBySku('SKU-00042'),
        uncached: true,
      },
      {
        name: '(b) 50 products with title, stock and price, read cache off',
        path: '/graphql',
        query: '{ products(first: 50) { edges { node { sku title price { amount currencyCode } stock { available } } } } }',
        variables: {},
        direct: () => direct.productsPage(50),
        uncached: true,
      },
      {
        name: '(b) 50 products with title, stock and price, warm read cache (the direct client has none)',
        path: '/graphql',
        query: '{ products(first: 50) { edges { node { sku title price { amount currencyCode } stock { available } } } } }',
        variables: {},
        direct: () => direct.productsPage(50),
      },
      {
        name: '(c) one order with lines, products and invoices',
        path: '/graphql',
        query: 'query ($id: ID!) { order(id: $id) { id status lines { quantity product { sku title } } invoices { id status total { amount } } } }',
        variables: { id: 'ord_00007' },
        direct: () => direct.orderWithLinesAndInvoices('ord_00007'),
        uncached: true,
      },
    ];

    console.log(`\nGateway vs direct (1 and ${CONCURRENCY} in flight, ${DURATION_MS} ms each; backends, gateway and load generator in three processes on ${process.platform} ${process.arch})`);
    for (const scenario of scenarios) {
      try {
        await ask(scenario);
      } catch (error) {
        console.log(`${scenario.name}: skipped, the gateway cannot answer it: ${(error as Error).message}`);
        continue;
      }
      console.log(`\n${scenario.name}`);
      // Latency with one request in flight (what one caller feels), then
      // throughput with CONCURRENCY in flight (what the machine can carry).
      for (const concurrency of [1, CONCURRENCY]) {
        const directResult: LoadResult = await runLoad(scenario.direct, { concurrency, durationMs: DURATION_MS });
        const gatewayResult: LoadResult = await runLoad(() => ask(scenario), { concurrency, durationMs: DURATION_MS });
        console.log(formatResult(`  direct, ${concurrency} in flight`, directResult));
        console.log(formatResult(`  gateway, ${concurrency} in flight`, gatewayResult));
        console.log(
          `  ratio gateway/direct, ${concurrency} in flight: throughput ${(gatewayResult.throughput / directResult.throughput).toFixed(2)}x, p50 ${(gatewayResult.p50Ms / directResult.p50Ms).toFixed(2)}x, p99 ${(gatewayResult.p99Ms / directResult.p99Ms).toFixed(2)}x`,
        );
      }
      console.log(`  backend calls per query: direct [${await backendCalls(scenario.direct)}]; gateway [${await backendCalls(() => ask(scenario))}]`);
    }
    await pool.close();
    await uncachedPool.close();
  } finally {
    await direct.close();
    if (gateway) await stopChild(gateway);
    if (uncachedGateway) await stopChild(uncachedGateway);
    await stopChild(backends.child);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runGatewayVsDirect();
