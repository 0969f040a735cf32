/**
 * Who works on a write: claims with a lease, recovery of writes whose
 * instance died, and the operator's replay and discard of dead letters.
 */
import { writeNotFound } from '../errors.js';
import type { Write } from '../model.js';
import { IN_FLIGHT_STATES, assertWriteTransition, isInFlight } from '../states.js';
import { JOURNAL_DEFAULTS, type RecoveryQuery } from '../store.js';
import { checkName } from '../validate.js';
import { checkLease } from './operations-record.js';
import { insertAudit, readWrite, withSteps } from './rows.js';
import { placeholders, sql, type Operation, type OperationContext } from './statement.js';

function clampLimit(limit: number | undefined, fallback: number): number {
  return Number.isSafeInteger(limit) && (limit as number) > 0
    ? Math.min(limit as number, 1000)
    : fallback;
}

export function* claim(
  ctx: OperationContext,
  writeId: string,
  owner: string,
  leaseMs: number,
): Operation<Write | null> {
  checkLease(owner, leaseMs);
  const write = yield* readWrite(ctx, writeId, true);
  if (write === undefined) throw writeNotFound(writeId);
  if (!isInFlight(write.state)) return null;
  const held =
    write.claimOwner !== null &&
    write.claimOwner !== owner &&
    (write.claimExpiresAt ?? 0) > ctx.now;
  if (held) return null;
  yield sql(
    'UPDATE writes SET claim_owner = ?, claim_expires_at = ? WHERE id = ?',
    owner,
    ctx.now + leaseMs,
    write.id,
  );
  const after = (yield* readWrite(ctx, write.id)) as Write;
  if (write.claimOwner !== owner) {
    const detail =
      write.claimOwner === null ? 'claimed' : 'taken over after the previous lease expired';
    yield* insertAudit(ctx, {
      write: after,
      actor: owner,
      event: 'claimed',
      state: after.state,
      detail,
    });
  }
  return after;
}

/**
 * Extends the lease of a write `owner` still holds, and only then: unlike
 * `claim`, it never takes a write over, so an instance whose claim was
 * taken (and perhaps lapsed again) learns it lost the write instead of
 * carrying on from a stale copy.
 */
export function* renew(
  ctx: OperationContext,
  writeId: string,
  owner: string,
  leaseMs: number,
): Operation<Write | null> {
  checkLease(owner, leaseMs);
  const write = yield* readWrite(ctx, writeId, true);
  if (write === undefined) throw writeNotFound(writeId);
  if (!isInFlight(write.state) || write.claimOwner !== owner) return null;
  yield sql(
    'UPDATE writes SET claim_expires_at = ? WHERE id = ? AND claim_owner = ?',
    ctx.now + leaseMs,
    write.id,
    owner,
  );
  return { ...write, claimExpiresAt: ctx.now + leaseMs };
}

export function* release(writeId: string, owner: string): Operation<void> {
  yield sql(
    'UPDATE writes SET claim_owner = NULL, claim_expires_at = NULL WHERE id = ? AND claim_owner = ?',
    writeId,
    owner,
  );
}

export function* claimUnfinished(ctx: OperationContext, query: RecoveryQuery): Operation<Write[]> {
  checkLease(query.owner, query.leaseMs);
  const olderThanMs =
    Number.isSafeInteger(query.olderThanMs) && query.olderThanMs > 0 ? query.olderThanMs : 0;
  // SKIP LOCKED: two instances recovering at once each take rows the other
  // has not locked, instead of waiting and then claiming the same ones.
  const { rows } = yield sql(
    `SELECT * FROM writes WHERE state IN (${placeholders(IN_FLIGHT_STATES.length)}) AND updated_at <= ?
       AND (claim_owner IS NULL OR claim_expires_at <= ?)
     ORDER BY updated_at, id LIMIT ?${ctx.dialect.lockRowsSkipLocked}`,
    ...IN_FLIGHT_STATES,
    ctx.now - olderThanMs,
    ctx.now,
    clampLimit(query.limit, JOURNAL_DEFAULTS.recoveryLimit),
  );
  const writes = yield* withSteps(rows);
  const claimed: Write[] = [];
  for (const write of writes) {
    yield sql(
      'UPDATE writes SET claim_owner = ?, claim_expires_at = ? WHERE id = ?',
      query.owner,
      ctx.now + query.leaseMs,
      write.id,
    );
    const after = { ...write, claimOwner: query.owner, claimExpiresAt: ctx.now + query.leaseMs };
    yield* insertAudit(ctx, {
      write: after,
      actor: query.owner,
      event: 'claimed',
      state: after.state,
      detail: 'recovery of an unfinished write',
    });
    claimed.push(after);
  }
  return claimed;
}

export function* markReplay(
  ctx: OperationContext,
  writeId: string,
  owner: string,
  leaseMs: number,
  actor: string,
): Operation<Write> {
  checkLease(owner, leaseMs);
  checkName(actor, 'actor');
  const write = yield* readWrite(ctx, writeId, true);
  if (write === undefined) throw writeNotFound(writeId);
  assertWriteTransition(write.id, write.state, 'replaying');
  yield sql(
    "UPDATE writes SET state = 'replaying', claim_owner = ?, claim_expires_at = ?, updated_at = ? WHERE id = ?",
    owner,
    ctx.now + leaseMs,
    ctx.now,
    write.id,
  );
  const after = (yield* readWrite(ctx, write.id)) as Write;
  yield* insertAudit(ctx, {
    write: after,
    actor,
    event: 'state',
    state: 'replaying',
    detail: `replay by ${actor}`,
  });
  return after;
}

export function* discard(
  ctx: OperationContext,
  writeId: string,
  actor: string,
  reason: string,
): Operation<Write> {
  checkName(actor, 'actor');
  checkName(typeof reason === 'string' ? reason.trim() : reason, 'reason');
  const write = yield* readWrite(ctx, writeId, true);
  if (write === undefined) throw writeNotFound(writeId);
  assertWriteTransition(write.id, write.state, 'discarded');
  yield sql(
    "UPDATE writes SET state = 'discarded', reason = ?, updated_at = ? WHERE id = ?",
    reason.trim(),
    ctx.now,
    write.id,
  );
  const after = (yield* readWrite(ctx, write.id)) as Write;
  yield* insertAudit(ctx, {
    write: after,
    actor,
    event: 'state',
    state: 'discarded',
    detail: reason.trim(),
  });
  return after;
}
