/**
 * Microseconds per SOAP answer, in process: the realistic 150-row
 * GetStockLevels answer for 50 item codes (what scenario (b) of
 * bench/gateway-vs-direct.ts asks the erp for), captured once from the demo
 * erp over a real socket, then parsed again and again as the gateway does:
 * parseXml alone, and parseXml + reading the Body into the GraphQL value.
 *
 *   node --import tsx bench/soap-parse.ts [iterations, default 3000]
 */
import { writeFileSync } from 'node:fs';
import { request } from 'undici';
import { startErp } from '../demo/erp/index.js';
import { skuOf } from '../demo/common/catalogue.js';
import { loadContract } from '../sources/soap/contract.js';
import { planBody, planResult } from '../sources/soap/plan.js';
import { readResult } from '../sources/soap/response.js';
import { createShapeRegistry } from '../sources/soap/shapes.js';
import { readWsdl } from '../sources/soap/wsdl.js';
import { firstChild, parseXml } from '../sources/soap/xml.js';

const ITERATIONS = Math.max(100, Number(process.argv[2] ?? 3_000));
const CODES = Array.from({ length: 50 }, (_, i) => skuOf(i + 1));

const erp = await startErp();
let answer: string;
try {
  const items = CODES.map((code) => `<erp:itemCode>${code}</erp:itemCode>`).join('');
  const envelope = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:erp="http://switchboard.example/erp"><soap:Body><erp:GetStockLevels>${items}</erp:GetStockLevels></soap:Body></soap:Envelope>`;
  const response = await request(erp.url, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: '"http://switchboard.example/erp/GetStockLevels"',
    },
    body: envelope,
  });
  answer = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`erp answered HTTP ${response.statusCode}`);
} finally {
  await erp.close();
}
const bytes = Buffer.from(answer, 'utf8');
// SOAP_PARSE_SAVE=<file> keeps the captured answer, for comparing parsers outside this script.
if (process.env.SOAP_PARSE_SAVE) writeFileSync(process.env.SOAP_PARSE_SAVE, answer);

const contract = await loadContract('erp', erp.contract);
const wsdl = readWsdl(contract.wsdls, '1.1');
const registry = createShapeRegistry(contract.schemas);
const op = wsdl.operations.find((candidate) => candidate.name === 'GetStockLevels');
if (!op) throw new Error('the erp WSDL lost GetStockLevels');
const output = planBody(op, op.output, registry, 'output');
const result = planResult(output);

const readAnswer = (): unknown => {
  const root = parseXml(bytes);
  const body = firstChild(root, 'Body', root.ns);
  if (!body) throw new Error('no Body');
  return readResult(body, output, result);
};
const rows = readAnswer();
if (!Array.isArray(rows) || rows.length !== 150)
  throw new Error(`expected 150 rows, read ${Array.isArray(rows) ? rows.length : typeof rows}`);

function measure(name: string, once: () => unknown): void {
  for (let i = 0; i < 300; i += 1) once(); // warm up the JIT
  const samples: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const started = performance.now();
    for (let i = 0; i < ITERATIONS; i += 1) once();
    samples.push(((performance.now() - started) * 1000) / ITERATIONS);
  }
  samples.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(34)} median ${samples[2]?.toFixed(1)} µs  best ${samples[0]?.toFixed(1)} µs  (5 rounds × ${ITERATIONS})`,
  );
}

console.log(`GetStockLevels answer: ${rows.length} rows, ${bytes.length} bytes`);
measure('parseXml', () => parseXml(bytes));
measure('parseXml + readResult', readAnswer);
