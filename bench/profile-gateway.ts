/**
 * Profiles the gateway process under load (`node --cpu-prof`) and prints the
 * top frames by self time, so bench/README.md can show where a request's CPU
 * goes before and after a change. Not part of `npm run bench`; run it alone:
 *
 *   node --import tsx bench/profile-gateway.ts [scenario] [seconds]
 *   node --import tsx bench/profile-gateway.ts some.cpuprofile   (summarise a profile)
 *
 * scenario: storefront (default; one product through /graphql/storefront),
 * one (one product by key through /graphql, four fields, one call),
 * product (one product with price and stock across the three systems),
 * page4 (50 products, four fields, one call), page (50 products with
 * title, price and stock), keys (50 products by a
 * list of SKUs through /graphql/storefront), aliased (50 aliased product
 * lookups, batched into one call). The gateway runs the demo
 * config with the read cache off (bench/no-cache.config.ts), 8 in flight.
 * The profile is written to $BENCH_PROFILE_DIR (default: a temporary folder);
 * $BENCH_PROFILE_CONCURRENCY sets how many requests are in flight (8).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { SERVICE_FLAGS } from './children.js';
import { runLoad } from './load.js';
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
const SCENARIOS: Record<string, GraphqlRequest & { path: string }> = {
  storefront: {
    path: '/graphql/storefront',
    query: 'query ($id: String!) { getProduct(productId: $id) { id sku title } }',
    variables: { id: 'prod_00042' },
  },
  one: { path: '/graphql', ...ONE_PRODUCT },
  product: { path: '/graphql', ...PRODUCT_WITH_PRICE_AND_STOCK },
  page4: { path: '/graphql', ...PAGE_OF_50 },
  page: { path: '/graphql', ...PAGE_WITH_PRICE_AND_STOCK },
  keys: {
    path: '/graphql/storefront',
    query:
      'query ($skus: [String!]) { listProducts(skus: $skus, limit: 50) { items { sku title brand category } } }',
    variables: { skus: FIFTY_SKUS },
  },
  aliased: { path: '/graphql', ...ALIASED_50 },
};

function start(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (ready.test(line)) resolve({ child, line });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

const stop = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM')));

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Where a frame's code lives: a package, a folder of ours, or node itself. */
function areaOf(url: string): string {
  if (url === '') return '(native / idle / gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const ours = /^(gateway\/[^/]+|sources\/[^/]+|[^/]+)/.exec(
    url.replace(/^file:\/\//, '').replace(ROOT, ''),
  );
  return ours ? ours[1]! : url;
}

/** Top frames by self time, and self time by area, as shares of the busy (non-idle) samples. */
export function summarise(file: string, count = 25, skipMs = 0): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: Node[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const keyOf = (frame: Node['callFrame']): string =>
    `${frame.functionName || '(anonymous)'} ${frame.url
      .replace(/^file:\/\//, '')
      .replace(ROOT, '')
      .replace(/.*node_modules\//, '')}:${frame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  let busy = 0;
  let elapsedUs = 0;
  profile.samples.forEach((id, index) => {
    // Start-up (module loading, tsx) is not a request's cost: skip the first `skipMs`.
    elapsedUs += profile.timeDeltas[index] ?? 0;
    if (elapsedUs < skipMs * 1000) return;
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') return;
    busy += 1;
    const key = keyOf(frame);
    self.set(key, (self.get(key) ?? 0) + 1);
    const area = areaOf(frame.url);
    areas.set(area, (areas.get(area) ?? 0) + 1);
    // Inclusive time of our own functions (gateway/, sources/): each once per sample.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const up = byId.get(at)!.callFrame;
      if (!/\/(gateway|sources)\//.test(up.url) || up.url.includes('node_modules')) continue;
      const upKey = keyOf(up);
      if (!seen.has(upKey)) total.set(upKey, (total.get(upKey) ?? 0) + 1);
      seen.add(upKey);
    }
  });
  const share = (n: number): string => `${((n / busy) * 100).toFixed(1).padStart(5)}%`;
  const top = (table: Map<string, number>, n: number): string[] =>
    [...table.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, k]) => `${share(k)}  ${key}`);
  return [
    `busy samples: ${busy} of ${profile.samples.length}`,
    'self time by area:',
    ...top(areas, 14),
    'top frames by self time:',
    ...top(self, count),
    'our functions by total (inclusive) time:',
    ...top(total, count),
  ];
}

if (process.argv[2]?.endsWith('.cpuprofile')) {
  for (const line of summarise(process.argv[2], 25, Number(process.argv[3] ?? 0)))
    console.log(line);
  process.exit(0);
}
const name = process.argv[2] ?? 'storefront';
// 1 in flight keeps the machine below its two cores, so samples are CPU, not waiting for one.
const CONCURRENCY = Number(process.env.BENCH_PROFILE_CONCURRENCY ?? 8);
const seconds = Number(process.argv[3] ?? 10);
const scenario = SCENARIOS[name];
if (scenario === undefined)
  throw new Error(`unknown scenario ${name}; one of ${Object.keys(SCENARIOS).join(', ')}`);
const dir = process.env.BENCH_PROFILE_DIR ?? mkdtempSync(join(tmpdir(), 'gateway-profile-'));
const backends = await start(['--import', 'tsx', 'bench/backends.ts'], {}, /^\{/);
const urls = JSON.parse(backends.line) as Record<string, { url: string }>;
let gateway: ChildProcess | undefined;
let startedAt = 0;
let skipMs = 0;
const spawnedAt = Date.now();
try {
  const env = {
    STOREFRONT_URL: urls.storefront!.url,
    ERP_URL: urls.erp!.url,
    BILLING_URL: urls.billing!.url,
  };
  const started = await start(
    [
      ...SERVICE_FLAGS,
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      '--import',
      'tsx',
      'bin/switchboard.js',
      'start',
      '--port',
      '0',
      '--config',
      'bench/no-cache.config.ts',
    ],
    env,
    /listening on/,
  );
  gateway = started.child;
  startedAt = Date.now();
  const pool = new Pool(/listening on (\S+)/.exec(started.line)![1]!, { connections: 8 });
  const body = JSON.stringify({ query: scenario.query, variables: scenario.variables });
  const ask = async (): Promise<void> => {
    const response = await pool.request({
      method: 'POST',
      path: scenario.path,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200 || text.includes('"errors"'))
      throw new Error(`gateway answered ${response.statusCode}: ${text.slice(0, 300)}`);
  };
  await ask();
  for (let warm = 0; warm < 200; warm += 1) await ask();
  skipMs = Date.now() - spawnedAt;
  const result = await runLoad(ask, {
    concurrency: CONCURRENCY,
    durationMs: seconds * 1000,
    warmupCalls: 500,
  });
  console.log(
    `${name}: ${result.calls} calls, ${result.errors} errors, ${result.throughput.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms`,
  );
  await pool.close();
} finally {
  if (gateway) await stop(gateway);
  await stop(backends.child);
}
// The main thread's profile is the largest (tsx's loader thread writes a small one too).
const file = readdirSync(dir)
  .filter((entry) => entry.endsWith('.cpuprofile'))
  .map((entry) => join(dir, entry))
  .sort((a, b) => statSync(b).size - statSync(a).size)[0];
if (file === undefined) throw new Error(`no profile in ${dir}`);
console.log(`profile: ${file}`);
console.log(
  `(the first ${skipMs} ms, start-up and warm-up, left out; ready after ${startedAt - spawnedAt} ms)`,
);
for (const line of summarise(file, 25, skipMs)) console.log(line);
