/**
 * `npm run bench`: every benchmark, one after another, each in its own
 * process so one's memory and event loop do not colour another's figures.
 * Timings live here, never in tests.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STEPS: ReadonlyArray<{ title: string; script: string; args?: string[] }> = [
  {
    title: 'REST source: converting a ~1,200-operation OpenAPI document',
    script: 'bench/rest-conversion.ts',
  },
  { title: 'SOAP source: calls per second against the demo erp', script: 'bench/soap-calls.ts' },
  {
    title: 'gRPC source: calls per second against the demo billing',
    script: 'bench/grpc-calls.ts',
  },
  { title: 'Gateway vs direct backend calls', script: 'bench/gateway-vs-direct.ts' },
  {
    title: "The outbound pipeline's own CPU per backend call",
    script: 'bench/pipeline-overhead.ts',
  },
  {
    title: 'Telemetry: the cost of metrics and tracing on 50 products',
    script: 'bench/telemetry.ts',
  },
  {
    title: 'Write journal: durable writes per second on SQLite and PostgreSQL',
    script: 'bench/journal.ts',
  },
  {
    title: 'Fault run: two instances, one PostgreSQL journal, random faults, records vs journal',
    script: 'bench/fault-run.ts',
  },
];

let failed = 0;
for (const step of STEPS) {
  console.log(`\n=== ${step.title} (${step.script})`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', step.script, ...(step.args ?? [])],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (result.status !== 0) {
    failed += 1;
    console.log(`!!! ${step.script} exited with ${result.status ?? result.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
