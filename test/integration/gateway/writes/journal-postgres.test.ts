/**
 * The PostgreSQL journal: the conformance suite against a real server
 * started once for this file (one schema per test), and what only
 * PostgreSQL has.
 */
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresJournal,
  POSTGRES_SCHEMA_VERSION,
} from '../../../../gateway/writes/index.js';
import { codeOf, orderPlan, runToSuccess } from '../../../conformance/journal-fixtures.js';
import { journalStoreSuite } from '../../../conformance/journal-suite.js';
import { freePorts, startPostgresDatabase, useHarness } from '../../../harness/index.js';

useHarness();
let url: string;
beforeAll(async () => {
  // fsync off: these tests check the journal, not the disk; bench/journal.ts measures with it on.
  ({ url } = await startPostgresDatabase('journal', { fsync: false }));
});

let schemas = 0;
// Two stores opened on one schema are two pools, as two gateway instances would hold.
journalStoreSuite('postgres', {
  async freshDatabase() {
    const schema = `suite_${(schemas += 1)}`;
    return {
      open: (options) =>
        createPostgresJournal({ ...options, connectionString: url, schema, maxConnections: 12 }),
    };
  },
});

async function sql<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('postgres journal schema', () => {
  it('is migrated once when several instances start on a new schema at the same time', async () => {
    const journals = await Promise.all(
      Array.from({ length: 4 }, () =>
        createPostgresJournal({ connectionString: url, schema: 'together' }),
      ),
    );
    await Promise.all(journals.map((journal) => journal.close()));
    expect(await sql('SELECT version FROM together.journal_meta')).toEqual([
      { version: POSTGRES_SCHEMA_VERSION },
    ]);
  });

  it('refuses to change, delete or truncate audit entries, even through SQL of its own', async () => {
    const journal = await createPostgresJournal({ connectionString: url, schema: 'append_only' });
    await runToSuccess(journal, orderPlan());
    await journal.close();
    await expect(sql("UPDATE append_only.audit SET actor = 'someone else'")).rejects.toThrow(
      /append-only/,
    );
    await expect(sql('DELETE FROM append_only.audit')).rejects.toThrow(/append-only/);
    await expect(sql('TRUNCATE append_only.audit')).rejects.toThrow(/append-only/);
    expect(await sql('SELECT count(*)::int AS n FROM append_only.audit')).toEqual([{ n: 9 }]);
  });

  it('refuses a schema migrated by a newer gateway: WRITE_JOURNAL_TOO_NEW', async () => {
    await (await createPostgresJournal({ connectionString: url, schema: 'newer' })).close();
    await sql(`UPDATE newer.journal_meta SET version = ${POSTGRES_SCHEMA_VERSION + 1}`);
    expect(await codeOf(createPostgresJournal({ connectionString: url, schema: 'newer' }))).toBe(
      'WRITE_JOURNAL_TOO_NEW',
    );
  });

  it('fails with WRITE_JOURNAL_UNAVAILABLE when no server answers, without the connection string in the message', async () => {
    const [port] = await freePorts(1);
    const connectionString = `postgresql://postgres:secret-password@127.0.0.1:${port}/journal`;
    const error = (await createPostgresJournal({ connectionString, connectTimeoutMs: 2000 }).catch(
      (caught: unknown) => caught,
    )) as Error & { code: string };
    expect(error.code).toBe('WRITE_JOURNAL_UNAVAILABLE');
    expect(error.message).not.toMatch(/secret|127\.0\.0\.1|postgresql:/);
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(
      createPostgresJournal({ connectionString: url, schema: 'x"; DROP TABLE writes; --' }),
    ).rejects.toThrow(/lower-case identifier/);
  });
});
