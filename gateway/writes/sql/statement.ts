/**
 * The journal's logic is written once, as generator functions that yield
 * SQL statements and receive their rows (operations-*.ts). Each store drives
 * them its own way: SQLite runs the whole generator synchronously inside one
 * `BEGIN IMMEDIATE` transaction (better-sqlite3 is synchronous, and an
 * await inside a SQLite transaction would let another connection in the
 * same process block the event loop on the file lock); PostgreSQL awaits
 * each statement on one pooled client inside BEGIN … COMMIT. Statements
 * use `?` placeholders and the SQL both engines understand.
 */

export type SqlParam = string | number | null;

export interface Statement {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

/** A row as a driver returns it; numbers may arrive as strings (pg's BIGINT). */
export type Row = Readonly<Record<string, unknown>>;

export interface StatementResult {
  readonly rows: readonly Row[];
  /** Rows changed by an INSERT, UPDATE or DELETE. */
  readonly changes: number;
}

/** One journal operation: yields statements, receives their results, returns T. */
export type Operation<T> = Generator<Statement, T, StatementResult>;

/** What differs between the engines inside the operations. */
export interface Dialect {
  /** Appended to a SELECT that must lock its rows until the transaction ends (PostgreSQL: FOR UPDATE). */
  readonly lockRows: string;
  /** Appended to a SELECT that takes only rows no one else has locked (FOR UPDATE SKIP LOCKED). */
  readonly lockRowsSkipLocked: string;
}

/** Everything an operation needs besides its arguments. */
export interface OperationContext {
  readonly dialect: Dialect;
  /** Taken once when the operation starts, ms since the epoch. */
  readonly now: number;
  readonly idempotencyKeyTtlMs: number;
  readonly maxValueBytes: number;
}

export function sql(text: string, ...params: SqlParam[]): Statement {
  return { sql: text, params };
}

/** `?, ?, ?` for an IN list of `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
