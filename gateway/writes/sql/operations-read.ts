/** Reading the journal: writes, dead letters, the audit trail; and key housekeeping. */
import { writeNotFound } from '../errors.js';
import type { AuditEntry, Write } from '../model.js';
import { IN_FLIGHT_STATES, isWriteState } from '../states.js';
import { JOURNAL_DEFAULTS, type AuditQuery, type ListQuery } from '../store.js';
import { checkName } from '../validate.js';
import { insertAudit, readWrite, toAuditEntry, withSteps } from './rows.js';
import {
  placeholders,
  sql,
  type Operation,
  type OperationContext,
  type SqlParam,
} from './statement.js';

function clampLimit(limit: number | undefined, fallback: number): number {
  return Number.isSafeInteger(limit) && (limit as number) > 0
    ? Math.min(limit as number, 10_000)
    : fallback;
}

function isTime(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function* get(ctx: OperationContext, writeId: string): Operation<Write | undefined> {
  if (typeof writeId !== 'string') return undefined;
  return yield* readWrite(ctx, writeId);
}

export function* list(query: ListQuery): Operation<Write[]> {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (query.states !== undefined) {
    const states = query.states.filter(isWriteState);
    if (states.length === 0) return [];
    where.push(`state IN (${placeholders(states.length)})`);
    params.push(...states);
  }
  if (isTime(query.createdBefore)) {
    where.push('created_at < ?');
    params.push(query.createdBefore);
  }
  const { rows } = yield sql(
    `SELECT * FROM writes${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`,
    ...params,
    clampLimit(query.limit, JOURNAL_DEFAULTS.listLimit),
  );
  return yield* withSteps(rows);
}

export function* appendAudit(
  ctx: OperationContext,
  writeId: string,
  actor: string,
  detail: string,
): Operation<AuditEntry> {
  checkName(actor, 'actor');
  checkName(detail, 'detail');
  const write = yield* readWrite(ctx, writeId);
  if (write === undefined) throw writeNotFound(writeId);
  return yield* insertAudit(ctx, { write, actor, event: 'note', state: write.state, detail });
}

export function* audit(query: AuditQuery): Operation<AuditEntry[]> {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (isTime(query.since)) {
    where.push('at >= ?');
    params.push(query.since);
  }
  if (isTime(query.until)) {
    where.push('at < ?');
    params.push(query.until);
  }
  if (isTime(query.afterSeq)) {
    where.push('seq > ?');
    params.push(query.afterSeq);
  }
  if (typeof query.writeId === 'string') {
    where.push('write_id = ?');
    params.push(query.writeId);
  }
  if (typeof query.partner === 'string') {
    where.push('caller_partner = ?');
    params.push(query.partner);
  }
  const { rows } = yield sql(
    `SELECT * FROM audit${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ?`,
    ...params,
    clampLimit(query.limit, JOURNAL_DEFAULTS.auditLimit),
  );
  return rows.map(toAuditEntry);
}

export function* purgeExpiredKeys(ctx: OperationContext): Operation<number> {
  const { changes } = yield sql(
    `DELETE FROM idempotency_keys WHERE expires_at <= ?
       AND write_id NOT IN (SELECT id FROM writes WHERE state IN (${placeholders(IN_FLIGHT_STATES.length)}))`,
    ctx.now,
    ...IN_FLIGHT_STATES,
  );
  return changes;
}
