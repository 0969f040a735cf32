/**
 * The outbound pipeline's own CPU per call (issue 9: "the pipeline costs no
 * more than 5%"), measured apart from any network, where a few microseconds
 * are not lost in the noise of a shared machine: one source's pipeline as
 * `switchboard start` composes it (every step of STEPS, the default policy,
 * the read cache off as in bench/no-cache.config.ts) around an operation that
 * answers at once in this process, against the same operation called through
 * dispatch alone (no step). The difference per call is what the pipeline adds
 * to a backend call; bench/gateway-vs-direct.ts gives the CPU of a whole
 * query to set it against. Not part of `npm run bench`; run it alone:
 *
 *   node --import tsx bench/pipeline-overhead.ts [calls=200000]
 */
import { parse } from 'graphql';
import { createSourcePipeline, defaultSourcePolicy } from '../gateway/pipeline/index.js';
import type { Logger } from '../gateway/logger.js';
import type { Operation, Source } from '../sources/common/index.js';

const CALLS = Number(process.argv[2] ?? 200_000);
const IN_FLIGHT = 10;

const getProduct: Operation = {
  name: 'getProduct',
  kind: 'query',
  idempotent: true,
  invoke: (args) => Promise.resolve({ sku: args.sku, title: 'A product' }),
};
const source: Source = {
  name: 'storefront',
  kind: 'rest',
  typeDefs: parse('type Query { getProduct(sku: String!): String }'),
  operations: new Map([['getProduct', getProduct]]),
  warnings: [],
  health: () => Promise.resolve({ ok: true, latencyMs: 0 }),
  close: () => Promise.resolve(),
};
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const full = createSourcePipeline({ source, policy: defaultSourcePolicy(), logger: silent });
const bare = createSourcePipeline({
  source,
  policy: defaultSourcePolicy(),
  logger: silent,
  steps: [],
});

/** CPU µs per call (this process's user + system time), IN_FLIGHT calls at a time. */
async function cpuPerCall(pipeline: typeof full, calls: number): Promise<number> {
  const signal = new AbortController().signal;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < calls) {
      next += 1;
      await pipeline.invoke({
        kind: 'single',
        source: 'storefront',
        operation: getProduct,
        args: { sku: `SKU-${next % 100}` },
        ctx: { signal, deadlineAt: Date.now() + 30_000, requestId: 'bench' },
      });
    }
  };
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

// Warm-up (JIT) both ways, then rounds taking turns; the medians are printed.
await cpuPerCall(full, CALLS / 4);
await cpuPerCall(bare, CALLS / 4);
const fullRounds: number[] = [];
const bareRounds: number[] = [];
for (let round = 0; round < 5; round += 1) {
  fullRounds.push(await cpuPerCall(full, CALLS));
  bareRounds.push(await cpuPerCall(bare, CALLS));
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[2]!;
const withSteps = median(fullRounds);
const without = median(bareRounds);
console.log(
  `pipeline overhead (${CALLS} calls a round, ${IN_FLIGHT} in flight, median of 5 rounds; Node ${process.versions.node})`,
);
console.log(
  `  every step (STEPS, default policy, cache off): ${withSteps.toFixed(2)} µs CPU a call`,
);
console.log(`  dispatch alone (no step):                      ${without.toFixed(2)} µs CPU a call`);
console.log(
  `  the pipeline's own cost:                       ${(withSteps - without).toFixed(2)} µs a call`,
);
await full.close();
await bare.close();
