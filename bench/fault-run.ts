/**
 * The fault run (issue 10 §3): two gateway instances (`switchboard start`,
 * bench/fault-run.config.ts) on one PostgreSQL journal, the three demo
 * systems in a process of their own (bench/backends.ts), one system at a
 * time made to fail at random through POST /__admin/misbehave, and N write
 * mutations (placeOrder; adjustInventory one in six) sent by a client that
 * retries with the same Idempotency-Key, often on the other instance, and
 * sometimes sends a key again after its answer or to both instances at once.
 * Once the faults stop and no write is in flight, every system's write log
 * (GET /__admin/records) is compared with the journal and with what the
 * client was told (bench/fault-check.ts): lost, doubled, incomplete writes
 * outside the dead-letter queue. Then, with no faults, write latency through
 * the gateway against a hand-written client of the same three calls
 * (bench/direct-writes.ts).
 *
 *   node --import tsx bench/fault-run.ts
 *
 * FAULT_RUN_N (1000) mutations, FAULT_RUN_CONCURRENCY (6) in flight,
 * FAULT_RUN_SEED (1) for the random choices, FAULT_RUN_LATENCY_CALLS (40)
 * for the latency comparison. Exits 1 when a count that must be 0 is not.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { createPostgresJournal, type Write } from '../gateway/writes/index.js';
import { startPostgresServer } from '../test/harness/postgres-server.js';
import { checkFaultRun, type SystemsRecords, type ToldOutcome } from './fault-check.js';
import { createDirectWriter } from './direct-writes.js';
import { startChild, stopChild } from './children.js';

const N = Number(process.env.FAULT_RUN_N ?? 1000);
const CONCURRENCY = Number(process.env.FAULT_RUN_CONCURRENCY ?? 6);
const LATENCY_CALLS = Number(process.env.FAULT_RUN_LATENCY_CALLS ?? 40);
const MAX_ATTEMPTS = 30;

/** mulberry32: a seeded generator, so a run's choices can be repeated. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(Number(process.env.FAULT_RUN_SEED ?? 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What a fault may be aimed at: each system's write operations and their undo. */
const TARGETS: Record<'storefront' | 'erp' | 'billing', readonly string[]> = {
  storefront: ['createOrder', 'createOrder', 'createOrder', 'cancelOrder'],
  erp: ['CreateSalesOrder', 'CreateSalesOrder', 'AdjustInventory', 'CancelSalesOrder'],
  billing: ['CreateInvoice', 'CreateInvoice', 'CreateInvoice', 'VoidInvoice'],
};
const MODES = [
  'rejectNext',
  'failAfterApply',
  'hangAfterApply',
  'dropAfterApply',
  'failNext',
  'unavailable',
] as const;

interface Admin {
  misbehave(system: string, settings: Record<string, unknown>): Promise<void>;
  calls(system: string, operation: string): Promise<number>;
  records(): Promise<SystemsRecords>;
}

function adminOf(url: string): Admin {
  const ask = async (path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    async misbehave(system, settings) {
      await ask('/__admin/misbehave', { system, ...settings });
    },
    async calls(system, operation) {
      const stats = (await ask('/__admin/stats')) as Record<string, Record<string, number>>;
      return stats[system]?.[operation] ?? 0;
    },
    records: async () => (await ask('/__admin/records')) as SystemsRecords,
  };
}

/**
 * One fault at a time on one system picked at random, until `stop` is set:
 * a scripted fault for the next call of one operation (counted once that
 * call arrived), or that operation unavailable for a moment (every call in
 * it counted). A fault aimed at an undo that no call reaches in 1.5 s is
 * withdrawn uncounted.
 */
async function injectFaults(
  admin: Admin,
  stop: { done: boolean },
): Promise<Record<string, number>> {
  const injected: Record<string, number> = {};
  while (!stop.done) {
    const system = pick(Object.keys(TARGETS) as Array<keyof typeof TARGETS>);
    const operation = pick(TARGETS[system]);
    // Any mode, a refusal too: a demo system answers a key it already knows before any fault, so a
    // rejectNext meets only new work, never the retry of a write a fault-after-apply applied.
    const mode = pick(MODES);
    const before = await admin.calls(system, operation);
    let hit = 0;
    if (mode === 'unavailable') {
      await admin.misbehave(system, { operations: [operation], unavailable: true });
      await sleep(100 + random() * 400);
      await admin.misbehave(system, {});
      hit = (await admin.calls(system, operation)) - before;
    } else {
      await admin.misbehave(system, {
        operations: [operation],
        [mode]: 1,
        ...(mode === 'failNext' ? { failWith: pick(['unavailable', 'error']) } : {}),
      });
      const deadline = Date.now() + 1_500;
      while (!stop.done && Date.now() < deadline) {
        if ((await admin.calls(system, operation)) > before) {
          hit = 1;
          break;
        }
        await sleep(25);
      }
      await admin.misbehave(system, {});
    }
    if (hit > 0) {
      const name = `${system}.${operation} ${mode}`;
      injected[name] = (injected[name] ?? 0) + hit;
    }
    await sleep(random() * 150);
  }
  return injected;
}

const PLACE_ORDER = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }`;
const ADJUST = `mutation($sku: ID!, $delta: Int!) { adjustInventory(sku: $sku, warehouse: WH_CENTRAL, delta: $delta, reason: COUNTED) { documentNumber } }`;

interface Answer {
  /** "succeeded", a final error code (WRITE_FAILED, WRITE_INCOMPLETE…), or "retry". */
  readonly outcome: string;
  readonly writeId?: string;
  /** The order id or adjustment document: what a success answered. */
  readonly value?: string;
}

/**
 * Codes after which the same key is sent again: the write is in flight, or
 * the instance could not take it, or (WRITE_NOT_CLAIMED) another instance
 * took the write over while this one waited on a step, and carries it on.
 */
const RETRY_CODES = new Set([
  'IDEMPOTENCY_KEY_IN_USE',
  'WRITE_NOT_AVAILABLE',
  'WRITE_JOURNAL_UNAVAILABLE',
  'WRITE_NOT_CLAIMED',
]);

async function send(
  pool: Pool,
  key: string,
  body: { query: string; variables: Record<string, unknown> },
): Promise<Answer> {
  try {
    const response = await pool.request({
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const parsed = (await response.body.json()) as {
      data?: Record<string, { id?: string; documentNumber?: string } | null> | null;
      errors?: Array<{ extensions?: { code?: string; writeId?: string } }>;
      extensions?: { write?: { id?: string } };
    };
    const writeId = parsed.extensions?.write?.id ?? parsed.errors?.[0]?.extensions?.writeId;
    const value = Object.values(parsed.data ?? {})[0];
    if (parsed.errors === undefined && value != null)
      return {
        outcome: 'succeeded',
        ...(writeId === undefined ? {} : { writeId }),
        value: value.id ?? value.documentNumber ?? '',
      };
    const code = parsed.errors?.[0]?.extensions?.code ?? `HTTP_${response.statusCode}`;
    if (RETRY_CODES.has(code) || response.statusCode >= 500) return { outcome: 'retry' };
    return { outcome: code, ...(writeId === undefined ? {} : { writeId }) };
  } catch {
    // The connection failed or was cut: the client cannot know, so it asks again with the key.
    return { outcome: 'retry' };
  }
}

interface ClientTally {
  told: ToldOutcome[];
  attempts: number;
  resent: number;
  concurrentPairs: number;
  /** A key answered two different ways once settled (a success, then another id or an error). */
  disagreements: number;
  unresolved: number;
}

async function runClient(gateways: readonly Pool[]): Promise<ClientTally> {
  const tally: ClientTally = {
    told: [],
    attempts: 0,
    resent: 0,
    concurrentPairs: 0,
    disagreements: 0,
    unresolved: 0,
  };
  const other = (pool: Pool): Pool => (pool === gateways[0] ? gateways[1]! : gateways[0]!);
  let next = 0;
  let finished = 0;
  const one = async (n: number): Promise<void> => {
    const key = `fault-run-${process.pid}-${n}`;
    const body =
      n % 6 === 5
        ? {
            query: ADJUST,
            variables: { sku: `SKU-${String(1 + (n % 400)).padStart(5, '0')}`, delta: 1 + (n % 9) },
          }
        : {
            query: PLACE_ORDER,
            variables: {
              input: {
                customerId: `cus_${String(1 + (n % 40)).padStart(4, '0')}`,
                lines: [
                  { sku: `SKU-${String(1 + (n % 1000)).padStart(5, '0')}`, quantity: 1 + (n % 3) },
                  { sku: `SKU-${String(1001 + (n % 150)).padStart(5, '0')}`, quantity: 1 },
                ],
              },
            },
          };
    let pool = pick(gateways);
    let answer: Answer = { outcome: 'retry' };
    for (let attempt = 0; attempt < MAX_ATTEMPTS && answer.outcome === 'retry'; attempt += 1) {
      tally.attempts += 1;
      if (attempt === 0 && random() < 0.05) {
        // The same key on both instances at once: one of them must wait (IDEMPOTENCY_KEY_IN_USE) or replay.
        tally.concurrentPairs += 1;
        const [a, b] = await Promise.all([send(pool, key, body), send(other(pool), key, body)]);
        answer = a.outcome !== 'retry' ? a : b;
        if (a.outcome !== 'retry' && b.outcome !== 'retry' && a.value !== b.value)
          tally.disagreements += 1;
      } else {
        answer = await send(pool, key, body);
      }
      if (answer.outcome === 'retry') {
        if (random() < 0.5) pool = other(pool);
        await sleep(50 + random() * 250 * Math.min(attempt + 1, 4));
      }
    }
    if (answer.outcome === 'retry') tally.unresolved += 1;
    if (answer.outcome !== 'retry' && random() < 0.15) {
      // A client that did not hear the answer asks again with the key, on either instance.
      tally.resent += 1;
      const again = await send(pick(gateways), key, body);
      if (
        again.outcome !== 'retry' &&
        (again.outcome !== answer.outcome || again.value !== answer.value)
      )
        tally.disagreements += 1;
    }
    tally.told.push({
      key,
      outcome: answer.outcome,
      ...(answer.writeId === undefined ? {} : { writeId: answer.writeId }),
    });
  };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const n = next;
        next += 1;
        await one(n);
        finished += 1;
        if (finished % 100 === 0) process.stdout.write(`  ${finished}/${N} answered\n`);
      }
    }),
  );
  return tally;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function latencies(task: (n: number) => Promise<unknown>, calls: number): Promise<number[]> {
  for (let n = 0; n < 5; n += 1) await task(-1 - n); // warm-up: pools, JIT, prepared statements
  const times: number[] = [];
  for (let n = 0; n < calls; n += 1) {
    const started = performance.now();
    await task(n);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

const children: ChildProcess[] = [];
const pools: Pool[] = [];
const postgres = await startPostgresServer({ fsync: true });
// Stopped by hand (Ctrl-C, a time limit): the children and the PostgreSQL server go too.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    void Promise.allSettled([...children.map(stopChild), postgres.close()]).then(() =>
      process.exit(130),
    );
  });
let failed = false;
try {
  const postgresUrl = await postgres.createDatabase('faults');
  const backends = await startChild(['bench/backends.ts'], {}, /^\{/);
  children.push(backends.child);
  const urls = JSON.parse(backends.line) as Record<string, { url: string; contract: string }> & {
    admin: string;
  };
  const admin = adminOf(urls.admin);
  const env = {
    STOREFRONT_URL: urls.storefront!.url,
    ERP_URL: urls.erp!.url,
    BILLING_URL: urls.billing!.url,
    FAULT_RUN_POSTGRES_URL: postgresUrl,
  };
  const gateways = await Promise.all(
    [0, 1].map(async () => {
      const { child, line } = await startChild(
        ['bin/switchboard.js', 'start', '--port', '0', '--config', 'bench/fault-run.config.ts'],
        env,
        /listening on/,
      );
      children.push(child);
      const pool = new Pool(/listening on (\S+)/.exec(line)![1]!, { connections: 16 });
      pools.push(pool);
      return pool;
    }),
  );
  const journal = await createPostgresJournal({ connectionString: postgresUrl });
  try {
    console.log(
      `fault run: ${N} mutations, ${CONCURRENCY} in flight, two instances on one PostgreSQL journal (fsync on)`,
    );
    const started = performance.now();
    const stop = { done: false };
    const faults = injectFaults(admin, stop);
    const tally = await runClient(gateways);
    stop.done = true;
    const injected = await faults;
    for (const system of Object.keys(TARGETS)) await admin.misbehave(system, {});
    const sentMs = performance.now() - started;

    // Settled: no write in flight (a fault's leftovers are taken over by recovery within a lease or two).
    let inFlight: Write[] = [];
    for (let wait = 0; wait < 240; wait += 1) {
      inFlight = await journal.list({
        states: ['planned', 'running', 'compensating', 'replaying'],
        limit: 1000,
      });
      if (inFlight.length === 0) break;
      await sleep(500);
    }
    const settledMs = performance.now() - started;
    const writes = await journal.list({ limit: 10_000 });
    const counts = checkFaultRun(await admin.records(), writes, tally.told);
    const faultTotal = Object.values(injected).reduce((sum, n) => sum + n, 0);
    const told = tally.told.reduce<Record<string, number>>((acc, answer) => {
      acc[answer.outcome] = (acc[answer.outcome] ?? 0) + 1;
      return acc;
    }, {});

    console.log(
      `\nsent in ${(sentMs / 1000).toFixed(1)} s, settled after ${(settledMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `client: ${N} mutations, ${tally.attempts} requests (${tally.attempts - N} retries with the same key), ${tally.resent} keys sent again after their answer, ${tally.concurrentPairs} keys sent to both instances at once`,
    );
    console.log(`client was told: ${JSON.stringify(told)}`);
    console.log(`faults injected: ${faultTotal}`);
    for (const [name, n] of Object.entries(injected).sort()) console.log(`  ${name}: ${n}`);
    console.log(`journal: ${counts.writes} writes, by state ${JSON.stringify(counts.byState)}`);
    const must = {
      lost: counts.lost,
      doubled: counts.doubled,
      'incomplete outside the dead-letter queue': counts.incompleteOutsideDeadLetters,
      'still in flight': counts.unsettled,
      'records no write explains': counts.untracked,
      'keys with two writes': counts.keysWithTwoWrites,
      'keys answered two ways': tally.disagreements,
      'keys never answered': tally.unresolved,
    };
    for (const [name, n] of Object.entries(must)) console.log(`${name}: ${n}`);
    console.log(`dead-lettered: ${counts.deadLettered}`);
    for (const problem of counts.problems) console.log(`  ! ${problem}`);
    // What the journal knows of each write named above: how every step ended, and why.
    for (const id of counts.suspects) {
      const write = writes.find((candidate) => candidate.id === id);
      if (write === undefined) continue;
      console.log(
        `  ${id} ${write.mutation} ${write.state}: ${write.steps
          .map(
            (step) =>
              `${step.source}.${step.operation} ${step.state} x${step.attempts}${step.error === null ? '' : ` (${step.error.code}: ${step.error.message.slice(0, 120)})`}`,
          )
          .join('; ')}`,
      );
    }
    const oddAnswers = tally.told.filter(
      (answer) => !['succeeded', 'WRITE_FAILED', 'WRITE_INCOMPLETE'].includes(answer.outcome),
    );
    for (const answer of oddAnswers.slice(0, 10)) {
      const write = writes.find((candidate) => candidate.idempotencyKey === answer.key);
      console.log(
        `  ? key ${answer.key} was answered ${answer.outcome}; its write is ${write?.state ?? 'not journaled'}`,
      );
    }
    failed = Object.values(must).some((n) => n !== 0);

    // Latency, no faults: placeOrder one at a time through one instance, and the hand-written client.
    const direct = createDirectWriter(
      { storefront: urls.storefront!.url, erp: urls.erp!.url, billing: urls.billing!.url },
      urls.billing!.contract,
      fileURLToPath(new URL('../demo/billing/proto', import.meta.url)),
    );
    try {
      const lines = [
        { sku: 'SKU-00010', quantity: 1 },
        { sku: 'SKU-00011', quantity: 2 },
      ];
      const viaGateway = await latencies(async (n) => {
        const answer = await send(gateways[0]!, `latency-gw-${process.pid}-${n}`, {
          query: PLACE_ORDER,
          variables: { input: { customerId: 'cus_0002', lines } },
        });
        if (answer.outcome !== 'succeeded') throw new Error(`placeOrder: ${answer.outcome}`);
      }, LATENCY_CALLS);
      const viaDirect = await latencies(
        (n) => direct.placeOrder('cus_0002', lines, `latency-direct-${process.pid}-${n}`),
        LATENCY_CALLS,
      );
      const row = (name: string, times: readonly number[]): string =>
        `| ${name} | ${times.length} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} |`;
      console.log(`\nwrite latency, one placeOrder at a time, no faults (ms):`);
      console.log('| client | calls | p50 | p95 |\n| --- | ---: | ---: | ---: |');
      console.log(row('gateway (journal on PostgreSQL, fsync on)', viaGateway));
      console.log(row('hand-written: the same 3 calls in sequence', viaDirect));
      console.log(
        `p50 ratio gateway ÷ hand-written: ${(percentile(viaGateway, 50) / percentile(viaDirect, 50)).toFixed(2)}×`,
      );
    } finally {
      await direct.close();
    }
  } finally {
    await journal.close();
  }
} finally {
  await Promise.all(pools.map((pool) => pool.close()));
  await Promise.all(children.map(stopChild));
  await postgres.close();
}
process.exit(failed ? 1 : 0);
