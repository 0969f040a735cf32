/**
 * The embedded journal: one SQLite file on local disk (better-sqlite3),
 * created on first use. Enough for one gateway instance, or several on one
 * machine sharing the file; instances on several machines share PostgreSQL
 * (postgres.ts).
 *
 * - WAL: readers (the operator's `writes list`) never block the writer.
 * - `synchronous = FULL`: every commit is fsynced before `begin` or
 *   `recordStep` returns. With WAL's default NORMAL a committed step could be
 *   lost in a power cut, and the executor would already have called the next
 *   system believing it journaled: exactly the loss the journal exists to
 *   prevent. FULL costs one fsync per commit (bench/README.md has the figure).
 * - Every operation is one `BEGIN IMMEDIATE` transaction run synchronously:
 *   the write lock is taken up front, so two connections never both read a
 *   free idempotency key and both insert it, and there is no await inside a
 *   transaction for another connection of this process to block on.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { isWriteError, journalUnavailable } from './errors.js';
import {
  appendAudit,
  audit,
  begin,
  claim,
  claimUnfinished,
  discard,
  get,
  list,
  markReplay,
  purgeExpiredKeys,
  record,
  recordStep,
  release,
  renew,
  transition,
  type Operation,
  type OperationContext,
  type StatementResult,
} from './sql/index.js';
import { migrateSqlite } from './sqlite-schema.js';
import { JOURNAL_DEFAULTS, type JournalOptions, type WriteJournal } from './store.js';

export interface SqliteJournalOptions extends JournalOptions {
  /**
   * The database file; its directory is created when missing. Relative paths
   * are taken from the working directory.
   * @default ".switchboard/journal.db"
   */
  readonly path?: string;
  /**
   * How long an operation waits for another process holding the file's
   * write lock before failing with WRITE_JOURNAL_UNAVAILABLE, in ms.
   * @default 5000
   */
  readonly busyTimeoutMs?: number;
}

export const SQLITE_JOURNAL_DEFAULTS = Object.freeze({
  path: '.switchboard/journal.db',
  busyTimeoutMs: 5000,
});

const DIALECT = { lockRows: '', lockRowsSkipLocked: '' } as const;

/**
 * Opens (and creates or migrates) the SQLite journal.
 * @throws WRITE_JOURNAL_UNAVAILABLE when the file cannot be opened or created,
 *   WRITE_JOURNAL_TOO_NEW when a newer gateway migrated it.
 * @example
 * const journal = await createSqliteJournal({ path: '.switchboard/journal.db' });
 */
export async function createSqliteJournal(
  options: SqliteJournalOptions = {},
): Promise<WriteJournal> {
  const path = resolve(options.path ?? SQLITE_JOURNAL_DEFAULTS.path);
  const now = options.now ?? Date.now;
  const idempotencyKeyTtlMs = options.idempotencyKeyTtlMs ?? JOURNAL_DEFAULTS.idempotencyKeyTtlMs;
  const maxValueBytes = options.maxValueBytes ?? JOURNAL_DEFAULTS.maxValueBytes;
  let db: Database.Database;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, {
      timeout: options.busyTimeoutMs ?? SQLITE_JOURNAL_DEFAULTS.busyTimeoutMs,
    });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrateSqlite(db);
  } catch (error) {
    throw isWriteError(error) ? error : journalUnavailable('sqlite', error);
  }
  const statements = new Map<string, Database.Statement>();

  const execute = (sql: string, params: readonly (string | number | null)[]): StatementResult => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    if (statement.reader) {
      const rows = statement.all(...params) as Record<string, unknown>[];
      return { rows, changes: rows.length };
    }
    return { rows: [], changes: statement.run(...params).changes };
  };

  const drive = <T>(operation: Operation<T>): T => {
    let step = operation.next();
    while (!step.done) step = operation.next(execute(step.value.sql, step.value.params));
    return step.value;
  };

  // Reads run in a deferred transaction (one consistent snapshot, no write lock).
  const run = async <T>(
    make: (ctx: OperationContext) => Operation<T>,
    mode: 'write' | 'read' = 'write',
  ): Promise<T> => {
    try {
      const ctx: OperationContext = {
        dialect: DIALECT,
        now: now(),
        idempotencyKeyTtlMs,
        maxValueBytes,
      };
      const transaction = db.transaction(() => drive(make(ctx)));
      return mode === 'write' ? transaction.immediate() : transaction.deferred();
    } catch (error) {
      throw isWriteError(error) ? error : journalUnavailable('sqlite', error);
    }
  };

  return {
    engine: 'sqlite',
    begin: (plan, beginOptions) => run((ctx) => begin(ctx, plan, beginOptions)),
    recordStep: (writeId, owner, index, outcome) =>
      run((ctx) => recordStep(ctx, writeId, owner, index, outcome)),
    transition: (writeId, owner, change) => run((ctx) => transition(ctx, writeId, owner, change)),
    record: (writeId, owner, changes) => run((ctx) => record(ctx, writeId, owner, changes)),
    claim: (writeId, owner, leaseMs) => run((ctx) => claim(ctx, writeId, owner, leaseMs)),
    release: (writeId, owner) => run(() => release(writeId, owner)),
    renew: (writeId, owner, leaseMs) => run((ctx) => renew(ctx, writeId, owner, leaseMs)),
    claimUnfinished: (query) => run((ctx) => claimUnfinished(ctx, query)),
    markReplay: (writeId, owner, leaseMs, actor) =>
      run((ctx) => markReplay(ctx, writeId, owner, leaseMs, actor)),
    discard: (writeId, actor, reason) => run((ctx) => discard(ctx, writeId, actor, reason)),
    get: (writeId) => run((ctx) => get(ctx, writeId), 'read'),
    list: (query = {}) => run(() => list(query), 'read'),
    appendAudit: (writeId, actor, detail) => run((ctx) => appendAudit(ctx, writeId, actor, detail)),
    audit: (query = {}) => run(() => audit(query), 'read'),
    purgeExpiredKeys: () => run((ctx) => purgeExpiredKeys(ctx)),
    async close() {
      if (db.open) db.close();
    },
  };
}
