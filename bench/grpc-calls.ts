/**
 * Calls per second of the gRPC source against the demo billing, on this
 * machine: unary reads at a few concurrency levels, a batch of prices, and a
 * write. Bounded in calls and time; prints one line per scenario and a JSON
 * summary. Run: npx tsx bench/grpc-calls.ts [callsPerScenario]
 */
import { startBilling } from '../demo/billing/index.js';
import { createGrpcSource } from '../sources/grpc/index.js';
import type { Operation } from '../sources/common/index.js';

const CALLS = Math.max(100, Number(process.argv[2] ?? 4000));
/** A scenario stops early after this long, in ms, whatever its call count. */
const MAX_SCENARIO_MS = 20_000;

interface Result {
  scenario: string;
  concurrency: number;
  calls: number;
  backendCalls: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const billing = await startBilling();
const source = await createGrpcSource({
  name: 'billing',
  contract: billing.contract,
  url: billing.url,
});
const op = (name: string): Operation => {
  const found = source.operations.get(name);
  if (!found) throw new Error(`billing has no operation ${name}`);
  return found;
};

async function run(
  scenario: string,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
): Promise<Result> {
  billing.counter.reset();
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < CALLS && performance.now() - started < MAX_SCENARIO_MS) {
      const i = next++;
      const t0 = performance.now();
      await call(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    Number(
      (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(2),
    );
  return {
    scenario,
    concurrency,
    calls: latencies.length,
    backendCalls: billing.counter.total(),
    callsPerSecond: Math.round((latencies.length / elapsedMs) * 1000),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

const sku = (i: number): string => `SKU-${String((i % 1200) + 1).padStart(5, '0')}`;
const results: Result[] = [];
try {
  // Warm-up: connect the channel and let V8 settle.
  for (let i = 0; i < 200; i += 1) await op('getPrice').invoke({ sku: sku(i) }, {});
  for (const concurrency of [1, 16, 64])
    results.push(
      await run('getPrice', concurrency, (i) => op('getPrice').invoke({ sku: sku(i) }, {})),
    );
  const keys = Array.from({ length: 100 }, (_, i) => sku(i));
  results.push(
    await run('batchGetPrices x100 skus', 16, () =>
      op('batchGetPrices').invoke({ skus: keys }, {}),
    ),
  );
  results.push(
    await run('getInvoice', 16, (i) =>
      op('getInvoice').invoke({ id: `inv_${String((i % 500) + 1).padStart(5, '0')}` }, {}),
    ),
  );
  results.push(
    await run('createInvoice', 16, (i) =>
      op('createInvoice').invoke(
        { orderId: `ord_bench_${i}_${Date.now()}`, lines: [{ sku: sku(i), quantity: 1 }] },
        {},
      ),
    ),
  );
} finally {
  await source.close();
  await billing.close();
}

for (const r of results) {
  console.log(
    `${r.scenario.padEnd(26)} c=${String(r.concurrency).padStart(2)}  ${String(r.callsPerSecond).padStart(6)} calls/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  (${r.calls} calls, ${r.backendCalls} at billing)`,
  );
}
console.log(JSON.stringify({ bench: 'grpc-calls', node: process.versions.node, results }));
