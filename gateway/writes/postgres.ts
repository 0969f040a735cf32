/**
 * The shared journal: PostgreSQL (pg), for several gateway instances on
 * several machines. Same contract and suite as the SQLite journal.
 *
 * Each operation runs in one READ COMMITTED transaction on one pooled
 * connection. Rows that decide something are locked (`SELECT … FOR UPDATE`):
 * the write being changed, the idempotency key being reserved; recovery takes
 * unfinished writes with `FOR UPDATE SKIP LOCKED`, so instances recovering at
 * once split the work instead of queueing on it. A deadlock or serialization
 * failure reported by the server is retried a few times (the operations are
 * pure functions of their arguments and the clock).
 */
import pg from 'pg';
import { isWriteError, journalUnavailable } from './errors.js';
import { migratePostgres } from './postgres-schema.js';
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
} from './sql/index.js';
import { JOURNAL_DEFAULTS, type JournalOptions, type WriteJournal } from './store.js';

export interface PostgresJournalOptions extends JournalOptions {
  /** `postgresql://user:password@host:port/database`; never logged or shown. */
  readonly connectionString: string;
  /** The PostgreSQL schema that holds the journal's tables; created when missing. @default "switchboard" */
  readonly schema?: string;
  /** Most connections this instance opens. @default 10 */
  readonly maxConnections?: number;
  /** How long to wait for a new connection, in ms. @default 10_000 */
  readonly connectTimeoutMs?: number;
  /** The server aborts any statement running longer, in ms. @default 30_000 */
  readonly statementTimeoutMs?: number;
}

export const POSTGRES_JOURNAL_DEFAULTS = Object.freeze({
  schema: 'switchboard',
  maxConnections: 10,
  connectTimeoutMs: 10_000, // 10 s
  statementTimeoutMs: 30_000, // 30 s
});

const DIALECT = { lockRows: ' FOR UPDATE', lockRowsSkipLocked: ' FOR UPDATE SKIP LOCKED' } as const;
/** deadlock_detected, serialization_failure */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']);
const MAX_TRIES = 3;

/** `?` placeholders → `$1, $2…` (the journal's SQL has no `?` inside literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${(n += 1)}`);
}

/**
 * Connects, creates or migrates the journal's schema, and returns the journal.
 * @throws WRITE_JOURNAL_UNAVAILABLE when the server cannot be reached,
 *   WRITE_JOURNAL_TOO_NEW when a newer gateway migrated the schema.
 * @example
 * const journal = await createPostgresJournal({ connectionString: process.env.JOURNAL_DATABASE_URL! });
 */
export async function createPostgresJournal(
  options: PostgresJournalOptions,
): Promise<WriteJournal> {
  const schema = options.schema ?? POSTGRES_JOURNAL_DEFAULTS.schema;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new TypeError(
      "The journal's PostgreSQL schema must be a lower-case identifier (a-z, 0-9, _; at most 63 characters).",
    );
  }
  const now = options.now ?? Date.now;
  const idempotencyKeyTtlMs = options.idempotencyKeyTtlMs ?? JOURNAL_DEFAULTS.idempotencyKeyTtlMs;
  const maxValueBytes = options.maxValueBytes ?? JOURNAL_DEFAULTS.maxValueBytes;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? POSTGRES_JOURNAL_DEFAULTS.maxConnections,
    connectionTimeoutMillis: options.connectTimeoutMs ?? POSTGRES_JOURNAL_DEFAULTS.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs ?? POSTGRES_JOURNAL_DEFAULTS.statementTimeoutMs,
    options: `-c search_path=${schema}`,
    application_name: 'switchboard-journal',
  });
  // An idle connection that breaks (server restart) is dropped by the pool;
  // the next operation reconnects or fails with WRITE_JOURNAL_UNAVAILABLE.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client, schema);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw isWriteError(error) ? error : journalUnavailable('postgres', error);
  }

  const once = async <T>(make: (ctx: OperationContext) => Operation<T>): Promise<T> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const operation = make({ dialect: DIALECT, now: now(), idempotencyKeyTtlMs, maxValueBytes });
      let step = operation.next();
      while (!step.done) {
        const result = await client.query(numbered(step.value.sql), [...step.value.params]);
        step = operation.next({
          rows: result.rows as Record<string, unknown>[],
          changes: result.rowCount ?? 0,
        });
      }
      await client.query('COMMIT');
      return step.value;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  };

  const run = async <T>(make: (ctx: OperationContext) => Operation<T>): Promise<T> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await once(make);
      } catch (error) {
        if (isWriteError(error)) throw error;
        const sqlState = (error as { code?: unknown }).code;
        if (
          attempt < MAX_TRIES &&
          typeof sqlState === 'string' &&
          RETRYABLE_SQLSTATES.has(sqlState)
        )
          continue;
        throw journalUnavailable('postgres', error);
      }
    }
  };

  let closed = false;
  return {
    engine: 'postgres',
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
    get: (writeId) => run((ctx) => get(ctx, writeId)),
    list: (query = {}) => run(() => list(query)),
    appendAudit: (writeId, actor, detail) => run((ctx) => appendAudit(ctx, writeId, actor, detail)),
    audit: (query = {}) => run(() => audit(query)),
    purgeExpiredKeys: () => run((ctx) => purgeExpiredKeys(ctx)),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
