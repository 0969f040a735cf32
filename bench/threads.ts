/**
 * CPU per query of an answering process, thread by thread (issue 15): the
 * main thread and, apart, V8's helper threads, where parallel scavenging
 * runs. `node --cpu-prof` samples the main thread only, so garbage
 * collection on the helpers is invisible in a profile; /proc shows it.
 * Starts the demo systems and the gateway (cache off) or a bare server of
 * bench/floor-server.ts, loads it for two windows of 4 s after 3 s of
 * warm-up, and prints, for each window, CPU per query on the main thread
 * and on the others. Not part of `npm run bench`; run it alone:
 *
 *   node --import tsx bench/threads.ts [gateway|graphql-js|envelop|yoga] [page|one|aliased|page3|product]
 *
 * BENCH_IN_FLIGHT (8) sets the requests in flight; BENCH_NODE_FLAGS the
 * answering process's Node flags (bench/children.ts); BENCH_CHECKOUT runs
 * another checkout's gateway (a worktree of an earlier commit). Linux only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { startChild, stopChild } from './children.js';
import { postGraphql } from './load.js';
import {
  ALIASED_50,
  ONE_PRODUCT,
  PAGE_OF_50,
  PAGE_WITH_PRICE_AND_STOCK,
  PRODUCT_WITH_PRICE_AND_STOCK,
  type GraphqlRequest,
} from './queries.js';

const QUERIES: Record<string, GraphqlRequest> = {
  page: PAGE_OF_50,
  one: ONE_PRODUCT,
  aliased: ALIASED_50,
  page3: PAGE_WITH_PRICE_AND_STOCK,
  product: PRODUCT_WITH_PRICE_AND_STOCK,
};
const server = process.argv[2] ?? 'gateway';
const name = process.argv[3] ?? 'page';
const query = QUERIES[name];
if (query === undefined)
  throw new Error(`unknown query ${name}; one of ${Object.keys(QUERIES).join(', ')}`);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 8);

/** CPU ticks so far of each thread of `pid`: the main thread, and the rest summed. */
function threadTicks(pid: number): { main: number; helpers: number } {
  let main = 0;
  let helpers = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // a thread that ended between the listing and the read
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (tid === String(pid)) main += ticks;
    else helpers += ticks;
  }
  return { main, helpers };
}

const backends = await startChild(['bench/backends.ts'], {}, /^\{/);
let answering: Awaited<ReturnType<typeof startChild>> | undefined;
try {
  const urls = JSON.parse(backends.line) as Record<string, { url: string }>;
  const env = {
    STOREFRONT_URL: urls.storefront!.url,
    ERP_URL: urls.erp!.url,
    BILLING_URL: urls.billing!.url,
  };
  const checkout = process.env.BENCH_CHECKOUT;
  answering = await startChild(
    server === 'gateway'
      ? ['bin/switchboard.js', 'start', '--port', '0', '--config', 'bench/no-cache.config.ts']
      : ['bench/floor-server.ts', server],
    env,
    /listening on/,
    { stderr: 'ignore', ...(checkout === undefined ? {} : { cwd: checkout }) },
  );
  const pid = answering.child.pid as number;
  const pool = new Pool(/listening on (\S+)/.exec(answering.line)![1]!, { connections: inFlight });
  const body = JSON.stringify(query);
  const load = async (ms: number): Promise<number> => {
    let answered = 0;
    const until = Date.now() + ms;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (Date.now() < until) {
          await postGraphql(pool, body, { who: server });
          answered += 1;
        }
      }),
    );
    return answered;
  };
  await load(3000);
  // /proc counts in clock ticks: 100 a second on Linux.
  const usPerTick = 1e6 / 100;
  for (let window = 1; window <= 2; window += 1) {
    const before = threadTicks(pid);
    const answered = await load(4000);
    const after = threadTicks(pid);
    const main = ((after.main - before.main) * usPerTick) / answered;
    const helpers = ((after.helpers - before.helpers) * usPerTick) / answered;
    console.log(
      `${server} ${name}, ${inFlight} in flight, window ${window}: ${answered} queries, ${(main + helpers).toFixed(0)} µs of CPU per query = main thread ${main.toFixed(0)} + other threads ${helpers.toFixed(0)}`,
    );
  }
  await pool.close();
} finally {
  if (answering !== undefined) await stopChild(answering.child);
  await stopChild(backends.child);
}
