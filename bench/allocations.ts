/**
 * Where a query's memory goes (issue 15: garbage collection is the largest
 * single frame on the 50-item rows). Runs the gateway in this process (the
 * demo config, read cache off, logging at warn) over the demo systems in a
 * child process, loads it with 8 in flight, and samples allocations through
 * the inspector with collected objects included (a `--heap-prof` profile
 * holds only what is alive at exit). Prints bytes allocated per query by
 * function, and by the nearest frame of ours (gateway/, sources/). The load
 * generator shares the process: its frames are in "(none of ours)". Not part
 * of `npm run bench`; run it alone:
 *
 *   node --import tsx bench/allocations.ts [page|one|aliased|page3] [seconds=4]
 *
 * BENCH_ALLOC_CALLERS=<function name> also prints where that function's
 * bytes are allocated from.
 */
import { spawn } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { postGraphql } from './load.js';
import {
  ALIASED_50,
  ONE_PRODUCT,
  PAGE_OF_50,
  PAGE_WITH_PRICE_AND_STOCK,
  type GraphqlRequest,
} from './queries.js';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const QUERIES: Record<string, GraphqlRequest> = {
  page: PAGE_OF_50,
  one: ONE_PRODUCT,
  page3: PAGE_WITH_PRICE_AND_STOCK,
  aliased: ALIASED_50,
};
const name = process.argv[2] ?? 'page';
const seconds = Number(process.argv[3] ?? 4);
if (QUERIES[name] === undefined)
  throw new Error(`unknown query ${name}; one of ${Object.keys(QUERIES).join(', ')}`);

const backends = spawn(process.execPath, ['--import', 'tsx', 'bench/backends.ts'], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'ignore'],
});
try {
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: backends.stdout }).on('line', (text) => {
      if (text.startsWith('{')) resolve(text);
    });
    backends.once('exit', (code) => reject(new Error(`the demo systems exited with ${code}`)));
  });
  const urls = JSON.parse(line) as Record<string, { url: string }>;
  process.env.STOREFRONT_URL = urls.storefront!.url;
  process.env.ERP_URL = urls.erp!.url;
  process.env.BILLING_URL = urls.billing!.url;
  process.env.NODE_ENV ??= 'production';
  const { createGateway, createLogger } = await import('../gateway/index.js');
  const { default: config } = await import('./no-cache.config.js');
  const gateway = await createGateway(config, {
    logger: createLogger({ level: 'warn', write: () => undefined }),
  });
  const pool = new Pool(await gateway.listen({ port: 0, host: '127.0.0.1' }), { connections: 8 });
  const body = JSON.stringify(QUERIES[name]);
  let answered = 0;
  const ask = async (): Promise<void> => {
    await postGraphql(pool, body);
    answered += 1;
  };
  const load = async (ms: number): Promise<void> => {
    const until = Date.now() + ms;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < until) await ask();
      }),
    );
  };
  await load(3000); // warm-up: JIT and the gateway's caches
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    // BENCH_ALLOC_SURVIVORS=1: only what outlived the young generation (promoted, what a major GC then marks).
    includeObjectsCollectedByMinorGC: process.env.BENCH_ALLOC_SURVIVORS !== '1',
  } as never);
  answered = 0;
  await load(seconds * 1000);
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as {
    profile: { head: ProfileNode };
  };
  session.disconnect();

  const byFunction = new Map<string, number>();
  const byOurs = new Map<string, number>();
  // BENCH_ALLOC_CALLERS=<function name>: where that function's bytes are allocated from (six frames up).
  const callersOf = process.env.BENCH_ALLOC_CALLERS;
  const byCallers = new Map<string, number>();
  let total = 0;
  const walk = (node: ProfileNode, stack: readonly string[]): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url
      .replace(/.*node_modules\//, '')
      .replace(ROOT, '')
      .replace(/^file:\/\//, '')}:${lineNumber + 1}`;
    const here = [...stack, key];
    if (node.selfSize > 0) {
      total += node.selfSize;
      byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
      const ours = [...here].reverse().find((frame) => /(^| )(gateway|sources)\//.test(frame));
      const owner = ours ?? '(none of ours)';
      byOurs.set(owner, (byOurs.get(owner) ?? 0) + node.selfSize);
      if (callersOf !== undefined && functionName === callersOf) {
        const callers = here.slice(-7, -1).reverse().join(' < ');
        byCallers.set(callers, (byCallers.get(callers) ?? 0) + node.selfSize);
      }
    }
    for (const child of node.children) walk(child, here);
  };
  walk(profile.head, []);
  const top = (table: Map<string, number>): string[] =>
    [...table]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(
        ([key, bytes]) =>
          `${(bytes / answered / 1024).toFixed(1).padStart(7)} KiB/query ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${key}`,
      );
  console.log(
    `${name}: ${answered} queries in ${seconds} s, ${(total / answered / 1024).toFixed(0)} KiB allocated per query (sampled every 4 KiB, collected objects included)`,
  );
  console.log('by function:', ...top(byFunction).map((row) => `\n  ${row}`));
  console.log('by the nearest frame of ours:', ...top(byOurs).map((row) => `\n  ${row}`));
  if (callersOf !== undefined)
    console.log(`${callersOf}, by its callers:`, ...top(byCallers).map((row) => `\n  ${row}`));
  await pool.close();
  await gateway.close();
} finally {
  backends.kill('SIGTERM');
}
