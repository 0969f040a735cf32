/**
 * Rows of the journal's tables ↔ the model. Both engines have the same
 * columns (schema-*.ts); JSON is kept as text in both, so a value comes back
 * exactly as it went in (PostgreSQL's jsonb would reorder keys and refuse
 * "\u0000" in strings).
 */
import { stepKey } from '../keys.js';
import { storableText } from '../validate.js';
import type {
  AuditEntry,
  AuditEvent,
  Caller,
  Compensation,
  Failure,
  JsonValue,
  RepeatSafety,
  Step,
  StepState,
  Write,
  WriteState,
} from '../model.js';
import { isStepState, isWriteState } from '../states.js';
import { placeholders, sql, type Operation, type OperationContext, type Row } from './statement.js';

function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new TypeError(`journal column ${column} is not text`);
  return value;
}

function textOrNull(row: Row, column: string): string | null {
  return row[column] === null || row[column] === undefined ? null : text(row, column);
}

/** BIGINT arrives as a string from pg and as a number from better-sqlite3. */
function int(row: Row, column: string): number {
  const value = Number(row[column]);
  if (!Number.isSafeInteger(value))
    throw new TypeError(`journal column ${column} is not an integer`);
  return value;
}

function intOrNull(row: Row, column: string): number | null {
  return row[column] === null || row[column] === undefined ? null : int(row, column);
}

function json<T = JsonValue>(row: Row, column: string): T | null {
  const value = textOrNull(row, column);
  return value === null ? null : (JSON.parse(value) as T);
}

function writeState(row: Row): WriteState {
  const state = row.state;
  if (!isWriteState(state)) throw new TypeError('journal write has an unknown state');
  return state;
}

function stepState(row: Row, column = 'state'): StepState {
  const state = row[column];
  if (!isStepState(state)) throw new TypeError('journal step has an unknown state');
  return state;
}

function callerOf(row: Row): Caller {
  const partner = textOrNull(row, 'caller_partner');
  const caller = {
    identity: textOrNull(row, 'caller_identity'),
    requestId: text(row, 'request_id'),
  };
  // Absent rather than null, so a caller without a partner reads back as it was given.
  return partner === null ? caller : { ...caller, partner };
}

export function toStep(writeId: string, row: Row): Step {
  const index = int(row, 'idx');
  return {
    index,
    source: text(row, 'source'),
    operation: text(row, 'operation'),
    repeatSafety: json<RepeatSafety>(row, 'repeat_safety') as RepeatSafety,
    compensation: json<Compensation>(row, 'compensation') as Compensation,
    idempotencyKey: stepKey(writeId, index, 'do'),
    compensationKey: stepKey(writeId, index, 'undo'),
    state: stepState(row),
    attempts: int(row, 'attempts'),
    request: json(row, 'request'),
    result: json(row, 'result'),
    error: json<Failure>(row, 'error'),
    updatedAt: int(row, 'updated_at'),
  };
}

export function toWrite(row: Row, stepRows: readonly Row[]): Write {
  const id = text(row, 'id');
  return {
    id,
    mutation: text(row, 'mutation'),
    input: json(row, 'input'),
    caller: callerOf(row),
    idempotencyKey: textOrNull(row, 'idempotency_key'),
    inputHash: text(row, 'input_hash'),
    state: writeState(row),
    reason: textOrNull(row, 'reason'),
    result: json(row, 'result'),
    error: json<Failure>(row, 'error'),
    steps: stepRows.map((stepRow) => toStep(id, stepRow)),
    claimOwner: textOrNull(row, 'claim_owner'),
    claimExpiresAt: intOrNull(row, 'claim_expires_at'),
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}

export function toAuditEntry(row: Row): AuditEntry {
  const index = intOrNull(row, 'step_index');
  return {
    seq: int(row, 'seq'),
    at: int(row, 'at'),
    writeId: text(row, 'write_id'),
    mutation: text(row, 'mutation'),
    caller: callerOf(row),
    actor: text(row, 'actor'),
    event: text(row, 'event') as AuditEvent,
    state: writeState(row),
    step:
      index === null
        ? null
        : {
            index,
            source: text(row, 'step_source'),
            operation: text(row, 'step_operation'),
            state: stepState(row, 'step_state'),
          },
    detail: textOrNull(row, 'detail'),
  };
}

/** Reads one write with its steps; `lock` holds the write's row until the transaction ends. */
export function* readWrite(
  ctx: OperationContext,
  writeId: string,
  lock = false,
): Operation<Write | undefined> {
  const { rows } = yield sql(
    `SELECT * FROM writes WHERE id = ?${lock ? ctx.dialect.lockRows : ''}`,
    writeId,
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const steps = yield sql('SELECT * FROM write_steps WHERE write_id = ? ORDER BY idx', writeId);
  return toWrite(row, steps.rows);
}

/** Reads many writes' steps in one statement, in the order of `rows`. */
export function* withSteps(rows: readonly Row[]): Operation<Write[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => text(row, 'id'));
  const steps = yield sql(
    `SELECT * FROM write_steps WHERE write_id IN (${placeholders(ids.length)}) ORDER BY write_id, idx`,
    ...ids,
  );
  const byWrite = new Map<string, Row[]>();
  for (const step of steps.rows) {
    const id = text(step, 'write_id');
    byWrite.set(id, [...(byWrite.get(id) ?? []), step]);
  }
  return rows.map((row) => toWrite(row, byWrite.get(text(row, 'id')) ?? []));
}

export interface AuditInsert {
  readonly write: Write;
  readonly actor: string;
  readonly event: AuditEvent;
  readonly state: WriteState;
  readonly step?: Step;
  readonly detail?: string | null;
}

/** Appends one audit entry in the current transaction; the trail has no UPDATE or DELETE anywhere. */
export function* insertAudit(ctx: OperationContext, entry: AuditInsert): Operation<AuditEntry> {
  const { rows } = yield sql(
    `INSERT INTO audit (at, write_id, mutation, caller_identity, request_id, caller_partner, actor, event, state, step_index, step_source, step_operation, step_state, detail)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ctx.now,
    entry.write.id,
    entry.write.mutation,
    entry.write.caller.identity,
    entry.write.caller.requestId,
    entry.write.caller.partner ?? null,
    entry.actor,
    entry.event,
    entry.state,
    entry.step?.index ?? null,
    entry.step?.source ?? null,
    entry.step?.operation ?? null,
    entry.step?.state ?? null,
    entry.detail === undefined || entry.detail === null ? null : storableText(entry.detail),
  );
  return toAuditEntry(rows[0] as Row);
}
