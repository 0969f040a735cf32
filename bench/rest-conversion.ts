/**
 * How long the REST source takes to turn the largest contract we know
 * (GitHub's REST API, ~1,200 operations, 13 MB of JSON) into a subgraph, and
 * how much memory it needs. Run: `npx tsx bench/rest-conversion.ts [contract]`.
 * Budget (issue 3): under 2 s and under 300 MB peak.
 *
 * Peak memory is the process's maximum resident set size (getrusage), so it
 * includes Node itself and tsx (about 90 MB before the contract is read).
 */
import { fileURLToPath } from 'node:url';
import { print } from 'graphql';
import { convertContract, readContract } from '../sources/rest/index.js';

const DEFAULT_CONTRACT = fileURLToPath(
  new URL('../node_modules/@octokit/openapi/generated/api.github.com.json', import.meta.url),
);
const BUDGET_MS = 2_000;
const BUDGET_BYTES = 300 * 1024 * 1024;

const contractPath = process.argv[2] ?? DEFAULT_CONTRACT;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const baselineRss = process.memoryUsage().rss;
const started = performance.now();
const contract = await readContract('bench', contractPath);
const read = performance.now();
const subgraph = convertContract('bench', contract);
const converted = performance.now();
const sdl = print(subgraph.typeDefs);
const printed = performance.now();
const peakRssBytes = process.resourceUsage().maxRSS * 1024;

const totalMs = converted - started;
const rows: Array<[string, string]> = [
  ['contract', contractPath],
  ['operations', String(subgraph.planned.length)],
  ['warnings', String(subgraph.warnings.length)],
  ['SDL size', `${sdl.length} chars`],
  ['read + parse', `${(read - started).toFixed(0)} ms`],
  ['convert', `${(converted - read).toFixed(0)} ms`],
  ['read + convert', `${totalMs.toFixed(0)} ms (budget ${BUDGET_MS} ms)`],
  ['print SDL', `${(printed - converted).toFixed(0)} ms`],
  ['RSS before', mb(baselineRss)],
  ['peak RSS', `${mb(peakRssBytes)} (budget ${mb(BUDGET_BYTES)})`],
];
for (const [name, value] of rows) console.log(`${name.padEnd(16)} ${value}`);
const within = totalMs < BUDGET_MS && peakRssBytes < BUDGET_BYTES;
console.log(within ? 'within budget' : 'OVER BUDGET');
process.exitCode = within ? 0 : 1;
