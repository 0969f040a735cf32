/** The SQLite journal: the conformance suite on real files, and what only SQLite has. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteJournal, SQLITE_SCHEMA_VERSION } from '../../../../gateway/writes/index.js';
import { codeOf, orderPlan, runToSuccess } from '../../../conformance/journal-fixtures.js';
import { journalStoreSuite } from '../../../conformance/journal-suite.js';

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
      expect(() => raw.prepare("UPDATE audit SET actor = 'someone else'").run()).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
      expect(raw.prepare('SELECT count(*) AS n FROM audit').get()).toEqual({ n: 9 });
    } finally {
      raw.close();
    }
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
    expect(await codeOf(createSqliteJournal({ path: join(notADirectory, 'journal.db') }))).toBe('WRITE_JOURNAL_UNAVAILABLE');
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a SQLite database, only text long enough to look like a header'.repeat(20));
    expect(await codeOf(createSqliteJournal({ path: garbage }))).toBe('WRITE_JOURNAL_UNAVAILABLE');
  });
});
