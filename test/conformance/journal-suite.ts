/**
 * The write journal's conformance suite: every WriteJournal adapter runs
 * it against a real database (test/integration/gateway/writes/*.test.ts),
 * in the way keyv's @keyv/test-suite serves its storage adapters.
 *
 * @example
 * journalStoreSuite('sqlite', { freshDatabase: async () => ({ open: (options) => createSqliteJournal({ path, ...options }) }) });
 */
import { afterEach, describe } from 'vitest';
import type { JournalOptions, WriteJournal } from '../../gateway/writes/index.js';
import { testClock, type TestClock } from './journal-fixtures.js';
import { batchTests } from './journal-suite-batch.js';
import { claimTests } from './journal-suite-claims.js';
import { concurrencyTests } from './journal-suite-concurrency.js';
import { idempotencyTests } from './journal-suite-idempotency.js';
import { lifecycleTests } from './journal-suite-lifecycle.js';
import { readTests } from './journal-suite-read.js';

/** One empty database; every `open` connects one more store (one more gateway instance) to it. */
export interface JournalDatabase {
  open(options: JournalOptions): Promise<WriteJournal>;
}

export interface JournalSuiteTarget {
  /** A new, empty database for one test. */
  freshDatabase(): Promise<JournalDatabase>;
}

/** What each test gets: a store on a fresh database, its clock, and more stores on the same database. */
export interface JournalFixture {
  journal: WriteJournal;
  clock: TestClock;
  /** Another instance on the same database, with the same clock and options. */
  another(): Promise<WriteJournal>;
  /** Closes `journal` and opens the database again (the returned store replaces it). */
  reopen(): Promise<WriteJournal>;
}

export type Setup = (options?: Omit<JournalOptions, 'now'>) => Promise<JournalFixture>;

export function journalStoreSuite(name: string, target: JournalSuiteTarget): void {
  describe(`write journal conformance: ${name}`, () => {
    const opened: WriteJournal[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((journal) => journal.close()));
    });

    const setup: Setup = async (options = {}) => {
      const database = await target.freshDatabase();
      const clock = testClock();
      const open = async (): Promise<WriteJournal> => {
        const journal = await database.open({ ...options, now: clock.now });
        opened.push(journal);
        return journal;
      };
      const fixture: JournalFixture = {
        journal: await open(),
        clock,
        another: open,
        async reopen() {
          await fixture.journal.close();
          fixture.journal = await open();
          return fixture.journal;
        },
      };
      return fixture;
    };

    lifecycleTests(setup);
    batchTests(setup);
    idempotencyTests(setup);
    claimTests(setup);
    readTests(setup);
    concurrencyTests(setup);
  });
}
