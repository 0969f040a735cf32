/**
 * Calls per second of the SOAP source against the demo erp, over real
 * sockets on 127.0.0.1: one item lookup at a time, 16 in flight, and a
 * stock batch of 100 item codes per call. Prints one line per scenario.
 *
 *   npx tsx bench/soap-calls.ts [durationMs per scenario, default 3000]
 */
import { pathToFileURL } from 'node:url';
import { startErp } from '../demo/erp/index.js';
import { skuOf } from '../demo/common/catalogue.js';
import { createSoapSource } from '../sources/soap/index.js';

export interface SoapBenchResult {
  scenario: string;
  calls: number;
  callsPerSecond: number;
  /** Backend requests the erp counted: proves each call was one round trip. */
  backendRequests: number;
}

export async function runSoapBench(durationMs = 3_000): Promise<SoapBenchResult[]> {
  const erp = await startErp();
  const source = await createSoapSource({ name: 'erp', contract: erp.contract, url: erp.url });
  const getItem = source.operations.get('getItem');
  const getStockLevels = source.operations.get('getStockLevels');
  if (!getItem || !getStockLevels) throw new Error('the erp WSDL lost getItem or getStockLevels');
  const results: SoapBenchResult[] = [];
  const run = async (
    scenario: string,
    concurrency: number,
    once: (n: number) => Promise<unknown>,
  ): Promise<void> => {
    for (let n = 0; n < 200; n += 1) await once(n); // warm up: JIT, keep-alive sockets
    erp.counter.reset();
    let calls = 0;
    const started = performance.now();
    const deadline = started + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          await once(calls);
          calls += 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    results.push({
      scenario,
      calls,
      callsPerSecond: Math.round(calls / seconds),
      backendRequests: erp.counter.total(),
    });
  };
  try {
    await run('getItem, 1 in flight', 1, (n) =>
      getItem.invoke({ itemCode: skuOf(1 + (n % 1200)) }, {}),
    );
    await run('getItem, 16 in flight', 16, (n) =>
      getItem.invoke({ itemCode: skuOf(1 + (n % 1200)) }, {}),
    );
    const codes = Array.from({ length: 100 }, (_, i) => skuOf(i + 1));
    await run('getStockLevels x100 codes (300 rows), 4 in flight', 4, () =>
      getStockLevels.invoke({ itemCode: codes }, {}),
    );
  } finally {
    await source.close();
    await erp.close();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const durationMs = Number(process.argv[2] ?? 3_000);
  for (const r of await runSoapBench(durationMs)) {
    console.log(
      `soap  ${r.scenario.padEnd(50)} ${String(r.callsPerSecond).padStart(7)} calls/s  (${r.calls} calls, ${r.backendRequests} backend requests)`,
    );
  }
}
