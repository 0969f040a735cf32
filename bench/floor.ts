/**
 * Where the floor is (issue 15): the CPU per query of one product by SKU
 * (one storefront call), or of a page of 50 products with four fields
 * (`page`), answered by the hand-written client, by three bare
 * GraphQL servers (bench/floor-server.ts: graphql-js, Yoga's envelop, Yoga
 * whole) and by the gateway with the read cache off, each behind one
 * loopback hop, in rounds taking turns (BENCH_ROUNDS, 3), each figure the
 * median round. What the bare servers cost above the direct client is
 * GraphQL's own floor on node:http; what the gateway costs above them is
 * its own work. Not part of `npm run bench`; run it alone:
 *
 *   node --import tsx bench/floor.ts [one|page]
 */
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import {
  CONCURRENCY,
  DURATION_MS,
  measure,
  medianOf,
  ROUNDS,
  startLoggedChild,
  type Measured,
  type Target,
} from './gateway-vs-direct.js';
import { stopChild } from './children.js';
import { ONE_PRODUCT, PAGE_OF_50 } from './queries.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCENARIOS = {
  one: {
    title: 'One product by SKU',
    direct: '/one',
    query: ONE_PRODUCT,
  },
  page: {
    title: '50 products, 4 fields each',
    direct: '/page',
    query: PAGE_OF_50,
  },
} as const;
const scenario = SCENARIOS[(process.argv[2] ?? 'one') as keyof typeof SCENARIOS];
if (scenario === undefined)
  throw new Error(`unknown scenario; one of ${Object.keys(SCENARIOS).join(', ')}`);
const QUERY = JSON.stringify(scenario.query);

const backends = await startLoggedChild(['bench/backends.ts'], {}, /^\{/);
const urls = JSON.parse(backends.line) as Record<string, { url: string; contract?: string }>;
const env = {
  STOREFRONT_URL: urls.storefront!.url,
  ERP_URL: urls.erp!.url,
  BILLING_URL: urls.billing!.url,
  BILLING_CONTRACT: urls.billing!.contract,
};
const listening = (line: string): string => /listening on (\S+)/.exec(line)![1]!;
const specs: ReadonlyArray<{
  name: string;
  args: string[];
  ready: RegExp;
  url: (line: string) => string;
  path: string;
}> = [
  {
    name: 'direct client (GET, no GraphQL)',
    args: ['bench/direct-server.ts'],
    ready: /^\{/,
    url: (line) => (JSON.parse(line) as { url: string }).url,
    path: scenario.direct,
  },
  ...['graphql-js', 'envelop', 'yoga'].map((kind) => ({
    name: `bare ${kind} server`,
    args: ['bench/floor-server.ts', kind],
    ready: /listening on/,
    url: listening,
    path: '/graphql',
  })),
  {
    name: 'gateway (read cache off)',
    args: ['bin/switchboard.js', 'start', '--port', '0', '--config', 'bench/no-cache.config.ts'],
    ready: /listening on/,
    url: listening,
    path: '/graphql',
  },
];

const started: Array<{
  target: Target;
  child: Awaited<ReturnType<typeof startLoggedChild>>['child'];
}> = [];
try {
  const tasks: Array<{ name: string; target: Target; task: () => Promise<unknown> }> = [];
  for (const spec of specs) {
    const { child, line } = await startLoggedChild(spec.args, env, spec.ready, ROOT);
    const pool = new Pool(spec.url(line), { connections: 32 });
    const target = { pool, pid: child.pid as number };
    started.push({ target, child });
    const post = spec.path === '/graphql';
    tasks.push({
      name: spec.name,
      target,
      task: async () => {
        const response = await pool.request({
          method: post ? 'POST' : 'GET',
          path: spec.path,
          ...(post
            ? {
                headers: { 'content-type': 'application/json', accept: 'application/json' },
                body: QUERY,
              }
            : {}),
        });
        const text = await response.body.text();
        if (response.statusCode !== 200 || text.includes('"errors"'))
          throw new Error(`${spec.name} answered ${response.statusCode}: ${text.slice(0, 200)}`);
      },
    });
  }
  const rounds = new Map<string, Measured[]>(tasks.map(({ name }) => [name, []]));
  for (let round = 0; round < ROUNDS; round += 1)
    for (const { name, target, task } of tasks)
      rounds.get(name)!.push(await measure(target, task, CONCURRENCY, DURATION_MS));
  const direct = medianOf(rounds.get(tasks[0]!.name)!).cpuPerQueryMs;
  console.log(
    `\n${scenario.title}, ${CONCURRENCY} in flight, ${DURATION_MS} ms windows, median of ${ROUNDS} rounds (Node ${process.versions.node})\n`,
  );
  console.log('| answered by | CPU per query (ms) | ÷ direct |');
  console.log('|---|---:|---:|');
  for (const { name } of tasks) {
    const cpu = medianOf(rounds.get(name)!).cpuPerQueryMs;
    console.log(`| ${name} | ${cpu.toFixed(3)} | ${(cpu / direct).toFixed(2)}× |`);
  }
} finally {
  await Promise.allSettled(started.map(({ target }) => target.pool.close()));
  await Promise.allSettled(started.map(({ child }) => stopChild(child)));
  await stopChild(backends.child);
}
