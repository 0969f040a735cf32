/** The SQLite journal: the conformance suite on real files, and what only SQLite has. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteJournal, SQLITE_SCHEMA_VERSION } from '../../../../gateway/writes/index.js';
import { SQLITE_MIGRATIONS } from '../../../../gateway/writes/sqlite-schema.js';
import { codeOf, orderPlan, runToSuccess } from '../../../conformance/journal-fixtures.js';
import { journalStoreSuite } from '../../../conformance/journal-suite.js';
import { spawnProcess, useHarness } from '../../../harness/index.js';

useHarness();

const dir = mkdtempSync(join(tmpdir(), 'switchboard-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = (): string => join(dir, `journal-${(files += 1)}.db`);

// Two stores opened on one path are two connections on one file.
journalStoreSuite('sqlite', {
  async freshDatabase() {
    const path = freshPath();
    return { open: (options) => createSqliteJournal({ ...options, path }) };
  },
});

describe('sqlite journal file', () => {
  it('is created on first use, directories included, in WAL mode at the current schema version', async () => {
    const path = join(dir, 'nested', 'deeper', 'journal.db');
    const journal = await createSqliteJournal({ path });
    await runToSuccess(journal, orderPlan());
    await journal.close();
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
      expect(raw.prepare('SELECT count(*) AS n FROM writes').get()).toEqual({ n: 1 });
    } finally {
      raw.close();
    }
  });

  it('refuses to change or delete audit entries, even through SQL of its own', async () => {
    const path = freshPath();
    const journal = await createSqliteJournal({ path });
    await runToSuccess(journal, orderPlan());
    await journal.close();
    const raw = new Database(path);
    try {
      expect(() => raw.prepare("UPDATE audit SET actor = 'someone else'").run()).toThrow(
        /append-only/,
      );
      expect(() => raw.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
      expect(raw.prepare('SELECT count(*) AS n FROM audit').get()).toEqual({ n: 9 });
    } finally {
      raw.close();
    }
  });

  it("migrates a version 1 file in place: its writes stay, and new ones keep the caller's partner", async () => {
    const path = freshPath();
    const raw = new Database(path);
    raw.exec((SQLITE_MIGRATIONS[0] as { sql: string }).sql);
    raw.pragma('user_version = 1');
    raw
      .prepare(
        "INSERT INTO writes (id, mutation, input, caller_identity, request_id, idempotency_key, input_hash, state, created_at, updated_at) VALUES ('00000000-0000-4000-8000-000000000001', 'placeOrder', '{}', 'tok_old', 'req-old', NULL, 'h', 'succeeded', 1, 1)",
      )
      .run();
    raw.close();
    const journal = await createSqliteJournal({ path });
    try {
      expect((await journal.get('00000000-0000-4000-8000-000000000001'))?.caller).toEqual({
        identity: 'tok_old',
        requestId: 'req-old',
      });
      const done = await runToSuccess(
        journal,
        orderPlan({ caller: { identity: 'tok_new', requestId: 'req-new', partner: 'acme' } }),
      );
      expect(
        (await journal.audit({ partner: 'acme' })).every((entry) => entry.writeId === done.id),
      ).toBe(true);
    } finally {
      await journal.close();
    }
    const migrated = new Database(path, { readonly: true });
    expect(migrated.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    migrated.close();
  });

  it('refuses a file migrated by a newer gateway: WRITE_JOURNAL_TOO_NEW', async () => {
    const path = freshPath();
    await (await createSqliteJournal({ path })).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(await codeOf(createSqliteJournal({ path }))).toBe('WRITE_JOURNAL_TOO_NEW');
  });

  it('fails with WRITE_JOURNAL_UNAVAILABLE when the file cannot be created or is not a database', async () => {
    const notADirectory = join(dir, 'plain-file');
    writeFileSync(notADirectory, 'x');
    expect(await codeOf(createSqliteJournal({ path: join(notADirectory, 'journal.db') }))).toBe(
      'WRITE_JOURNAL_UNAVAILABLE',
    );
    const garbage = join(dir, 'garbage.db');
    writeFileSync(
      garbage,
      'this is not a SQLite database, only text long enough to look like a header'.repeat(20),
    );
    expect(await codeOf(createSqliteJournal({ path: garbage }))).toBe('WRITE_JOURNAL_UNAVAILABLE');
  });

  it('lets processes race on one file: one creates the keyed write, the rest are refused; recovery splits the unfinished writes', async () => {
    const path = freshPath();
    const setupJournal = await createSqliteJournal({ path, now: () => Date.now() - 120_000 }); // leases lapsed a minute ago
    const stale: string[] = [];
    for (let i = 0; i < 12; i += 1)
      stale.push(
        (await setupJournal.begin(orderPlan(), { owner: 'gw-dead', leaseMs: 60_000 })).write.id,
      );
    await setupJournal.close();
    const goFile = join(dir, `go-${files}`);
    const racer = fileURLToPath(new URL('./fixtures/sqlite-racer.ts', import.meta.url));
    const racers = ['p1', 'p2'].map((owner) =>
      spawnProcess(process.execPath, ['--import', 'tsx', racer, path, goFile, owner, '15']),
    );
    await Promise.all(racers.map((child) => child.waitFor(/ready/)));
    writeFileSync(goFile, 'go');
    const results = await Promise.all(
      racers.map(
        async (child) =>
          JSON.parse((await child.waitFor(/^\{.*\}$/m))[0]) as {
            created: number;
            refused: string[];
            recovered: string[];
          },
      ),
    );
    expect(results.reduce((sum, result) => sum + result.created, 0)).toBe(1);
    expect(results.flatMap((result) => result.refused)).toEqual(
      Array.from({ length: 29 }, () => 'IDEMPOTENCY_KEY_IN_USE'),
    );
    const recovered = results.flatMap((result) => result.recovered);
    // The keyed write's lease is live, so exactly the stale ones, each once.
    expect([...recovered].sort()).toEqual([...stale].sort());
  });
});
