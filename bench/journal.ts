/**
 * Journal writes per second on SQLite and on PostgreSQL. One "write" is what
 * the executor records for a three-step mutation: the plan, running, each
 * step sent and succeeded, and the completion: 9 commits one change at a
 * time, or 5 when a step's outcome and the next step's `sent` share one
 * (`record`). Every commit is durable (SQLite synchronous = FULL;
 * PostgreSQL with fsync on).
 * PostgreSQL runs in a throwaway server on this machine (test harness).
 *
 *   node --import tsx bench/journal.ts
 *
 * BENCH_JOURNAL_WRITES (default 300) sets writes per run; BENCH_JOURNAL_CONCURRENCY
 * (default 8) the writes in flight in the concurrent PostgreSQL run.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPostgresJournal,
  createSqliteJournal,
  type NewWrite,
  type WriteJournal,
} from '../gateway/writes/index.js';
import { startPostgresServer } from '../test/harness/postgres-server.js';

const WRITES = Number(process.env.BENCH_JOURNAL_WRITES ?? 300);
const CONCURRENCY = Number(process.env.BENCH_JOURNAL_CONCURRENCY ?? 8);
const TRANSACTIONS_PER_WRITE = 9;

const plan = (n: number): NewWrite => ({
  mutation: 'placeOrder',
  input: {
    customerId: `cus_${n}`,
    lines: [
      { sku: 'SKU-1', quantity: 2 },
      { sku: 'SKU-2', quantity: 1 },
    ],
  },
  caller: { identity: null, requestId: `bench-${n}` },
  idempotencyKey: `bench-${process.pid}-${n}`,
  steps: [
    {
      index: 0,
      source: 'storefront',
      operation: 'createOrder',
      repeatSafety: { kind: 'backend-key' },
      compensation: { kind: 'operation', operation: 'cancelOrder' },
    },
    {
      index: 1,
      source: 'erp',
      operation: 'createSalesOrder',
      repeatSafety: { kind: 'natural-key', lookup: 'findSalesOrder' },
      compensation: { kind: 'operation', operation: 'cancelSalesOrder' },
    },
    {
      index: 2,
      source: 'billing',
      operation: 'createInvoice',
      repeatSafety: { kind: 'backend-key' },
      compensation: { kind: 'operation', operation: 'voidInvoice' },
    },
  ],
});

type Pattern = 'one change per commit' | 'batched with record';

async function oneWrite(journal: WriteJournal, n: number, pattern: Pattern): Promise<void> {
  if (pattern === 'batched with record') return oneBatchedWrite(journal, n);
  const owner = 'bench';
  const { write } = await journal.begin(plan(n), { owner, leaseMs: 30_000 });
  await journal.transition(write.id, owner, { state: 'running' });
  for (const step of write.steps) {
    await journal.recordStep(write.id, owner, step.index, { state: 'sent', request: { n } });
    await journal.recordStep(write.id, owner, step.index, {
      state: 'succeeded',
      result: { id: `${step.source}-${n}` },
    });
  }
  await journal.transition(write.id, owner, {
    state: 'succeeded',
    result: { placeOrder: { id: `ord_${n}` } },
  });
}

/** The same write in 5 commits: plan; running + sent 0; succeeded 0 + sent 1; succeeded 1 + sent 2; succeeded 2 + succeeded. */
async function oneBatchedWrite(journal: WriteJournal, n: number): Promise<void> {
  const owner = 'bench';
  const { write } = await journal.begin(plan(n), { owner, leaseMs: 30_000 });
  await journal.record(write.id, owner, [
    { write: { state: 'running' } },
    { step: 0, outcome: { state: 'sent', request: { n } } },
  ]);
  for (const index of [0, 1]) {
    await journal.record(write.id, owner, [
      { step: index, outcome: { state: 'succeeded', result: { n, index } } },
      { step: index + 1, outcome: { state: 'sent', request: { n } } },
    ]);
  }
  await journal.record(write.id, owner, [
    { step: 2, outcome: { state: 'succeeded', result: { n } } },
    { write: { state: 'succeeded', result: { placeOrder: { id: `ord_${n}` } } } },
  ]);
}

/** Writes per second with `inFlight` writes at a time. */
async function measure(
  journal: WriteJournal,
  inFlight: number,
  offset: number,
  pattern: Pattern = 'one change per commit',
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < WRITES) await oneWrite(journal, offset + (next += 1), pattern);
    }),
  );
  return (WRITES / (performance.now() - started)) * 1000;
}

const rows: string[] = [];
const report = (
  engine: string,
  inFlight: number,
  perSecond: number,
  pattern: Pattern = 'one change per commit',
): void => {
  const commits = pattern === 'batched with record' ? 5 : TRANSACTIONS_PER_WRITE;
  rows.push(
    `| ${engine} | ${pattern} (${commits} commits) | ${inFlight} | ${perSecond.toFixed(0)} | ${(perSecond * commits).toFixed(0)} |`,
  );
};

/** The disk's own ceiling: 4 KiB write + fsync per second in `dir`, for one second. */
function fsyncsPerSecond(dir: string): number {
  const fd = openSync(join(dir, 'fsync.probe'), 'w');
  const block = Buffer.alloc(4096, 1);
  let count = 0;
  const started = performance.now();
  try {
    while (performance.now() - started < 1000) {
      writeSync(fd, block);
      fsyncSync(fd);
      count += 1;
    }
  } finally {
    closeSync(fd);
  }
  return (count / (performance.now() - started)) * 1000;
}

const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-journal-'));
let fsyncs = 0;
try {
  fsyncs = fsyncsPerSecond(dir);
  const sqlite = await createSqliteJournal({ path: join(dir, 'journal.db') });
  await measure(sqlite, 1, 1_000_000); // warm-up: statements prepared, file grown
  report('SQLite (WAL, synchronous=FULL)', 1, await measure(sqlite, 1, 0));
  report(
    'SQLite (WAL, synchronous=FULL)',
    1,
    await measure(sqlite, 1, 3_000_000, 'batched with record'),
    'batched with record',
  );
  await sqlite.close();

  const server = await startPostgresServer({ fsync: true });
  try {
    const postgres = await createPostgresJournal({
      connectionString: await server.createDatabase('bench'),
      maxConnections: CONCURRENCY,
    });
    await measure(postgres, 1, 1_000_000);
    report('PostgreSQL (fsync on, local)', 1, await measure(postgres, 1, 0));
    report(
      'PostgreSQL (fsync on, local)',
      CONCURRENCY,
      await measure(postgres, CONCURRENCY, 2_000_000),
    );
    report(
      'PostgreSQL (fsync on, local)',
      1,
      await measure(postgres, 1, 3_000_000, 'batched with record'),
      'batched with record',
    );
    report(
      'PostgreSQL (fsync on, local)',
      CONCURRENCY,
      await measure(postgres, CONCURRENCY, 4_000_000, 'batched with record'),
      'batched with record',
    );
    await postgres.close();
  } finally {
    await server.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `${WRITES} writes per run; one write = plan, running, 3 × (sent, succeeded), succeeded: ${TRANSACTIONS_PER_WRITE} durable commits, or 5 with record()`,
);
console.log(
  `this disk: ${fsyncs.toFixed(0)} fsyncs/s (4 KiB write + fsync, one at a time): the ceiling of one-at-a-time durable commits\n`,
);
console.log('| journal | how a write is recorded | writes in flight | writes/s | commits/s |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
