/**
 * The operations that record a write's progress: begin (the plan and the
 * caller's key), recordStep and transition. See statement.ts for how the
 * stores run them, store.ts for the contract.
 */
import { randomUUID } from 'node:crypto';
import { WriteError, writeNotFound } from '../errors.js';
import { inputHash, stepKey } from '../keys.js';
import type { Failure, JsonValue, NewWrite, Step, StepState, Write, WriteState } from '../model.js';
import { assertStepTransition, assertWriteTransition, isInFlight } from '../states.js';
import type { BeginOptions, BeginResult, StepOutcome, WriteChange } from '../store.js';
import { checkName, checkNewWrite, toStoredJson } from '../validate.js';
import { insertAudit, readWrite } from './rows.js';
import { sql, type Operation, type OperationContext, type Row } from './statement.js';

const STEP_FAILURES: readonly StepState[] = ['failed-transient', 'failed-permanent', 'unknown', 'compensation-failed'];
/** Write states in which steps may change. */
const STEPPING: readonly WriteState[] = ['running', 'compensating', 'replaying'];

/** What a re-read would return: the stored text parsed, never the caller's own object. */
function parsed<T = JsonValue>(text: string): T {
  return JSON.parse(text) as T;
}

function recordInvalid(what: string): WriteError {
  return new WriteError({ code: 'WRITE_RECORD_INVALID', safeMessage: `The write journal refused a record: ${what}.` });
}

export function checkLease(owner: string, leaseMs: number): void {
  checkName(owner, 'owner');
  if (!Number.isSafeInteger(leaseMs) || leaseMs <= 0) throw recordInvalid('leaseMs must be a positive whole number of ms');
}

function failureJson(ctx: OperationContext, failure: Failure | undefined, what: string): string | null {
  if (failure === undefined) return null;
  if (typeof failure !== 'object' || failure === null || typeof failure.code !== 'string' || typeof failure.message !== 'string') {
    throw recordInvalid(`${what} must have a code and a message`);
  }
  return toStoredJson(failure, what, ctx.maxValueBytes);
}

/** Locks the write and checks that `owner` holds it. */
export function* ownedWrite(ctx: OperationContext, writeId: string, owner: string): Operation<Write> {
  const write = yield* readWrite(ctx, writeId, true);
  if (write === undefined) throw writeNotFound(writeId);
  if (write.claimOwner !== owner) {
    throw new WriteError({
      code: 'WRITE_NOT_CLAIMED',
      safeMessage: `Write ${write.id} is not held by this instance (another took it over, or it is no longer in flight).`,
      details: { writeId: write.id, state: write.state },
    });
  }
  return write;
}

export function* begin(ctx: OperationContext, plan: NewWrite, options: BeginOptions): Operation<BeginResult> {
  const key = checkNewWrite(plan);
  checkLease(options.owner, options.leaseMs);
  const input = toStoredJson(plan.input, 'input', ctx.maxValueBytes);
  const hash = inputHash(plan.mutation, plan.input);
  const id = randomUUID();
  // Keys are the caller's own: two callers may both use "order-1".
  const scope = plan.caller.identity ?? '';
  const expiresAt = ctx.now + ctx.idempotencyKeyTtlMs;
  if (key !== null) {
    // The key row is the point where concurrent begins meet: on PostgreSQL the
    // second INSERT waits for the first transaction and then does nothing.
    const inserted = yield sql(
      'INSERT INTO idempotency_keys (scope, caller_key, write_id, input_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, caller_key) DO NOTHING',
      scope, key, id, hash, ctx.now, expiresAt,
    );
    if (inserted.changes === 0) {
      const { rows } = yield sql(
        `SELECT k.write_id, k.input_hash, k.expires_at, w.state FROM idempotency_keys k JOIN writes w ON w.id = k.write_id WHERE k.scope = ? AND k.caller_key = ?${ctx.dialect.lockRows}`,
        scope, key,
      );
      const earlier = rows[0] as Row | undefined;
      const state = earlier?.state as WriteState | undefined;
      const expired = earlier !== undefined && Number(earlier.expires_at) <= ctx.now && state !== undefined && !isInFlight(state);
      if (earlier === undefined || state === undefined) {
        // Purged between the two statements: the caller may simply try again.
        throw new WriteError({ code: 'IDEMPOTENCY_KEY_IN_USE', safeMessage: 'This idempotency key is being changed by another request; try again.' });
      }
      if (!expired) {
        if (earlier.input_hash !== hash) {
          throw new WriteError({
            code: 'IDEMPOTENCY_KEY_REUSED',
            safeMessage: 'This idempotency key was already used with a different mutation or input; use a new key for a new write.',
          });
        }
        if (isInFlight(state)) {
          throw new WriteError({
            code: 'IDEMPOTENCY_KEY_IN_USE',
            safeMessage: 'A write with this idempotency key is still in progress; ask again later for its answer.',
            details: { writeId: String(earlier.write_id) },
          });
        }
        const write = yield* readWrite(ctx, String(earlier.write_id));
        return { created: false, write: write as Write };
      }
      yield sql('UPDATE idempotency_keys SET write_id = ?, input_hash = ?, created_at = ?, expires_at = ? WHERE scope = ? AND caller_key = ?', id, hash, ctx.now, expiresAt, scope, key);
    }
  }
  yield sql(
    `INSERT INTO writes (id, mutation, input, caller_identity, request_id, idempotency_key, input_hash, state, claim_owner, claim_expires_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?)`,
    id, plan.mutation, input, plan.caller.identity, plan.caller.requestId, key, hash, options.owner, ctx.now + options.leaseMs, ctx.now, ctx.now,
  );
  const steps: Step[] = [];
  for (const planned of plan.steps) {
    const repeatSafety = JSON.stringify(planned.repeatSafety);
    const compensation = JSON.stringify(planned.compensation);
    yield sql(
      `INSERT INTO write_steps (write_id, idx, source, operation, repeat_safety, compensation, state, attempts, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)`,
      id, planned.index, planned.source, planned.operation, repeatSafety, compensation, ctx.now,
    );
    steps.push({
      index: planned.index, source: planned.source, operation: planned.operation,
      repeatSafety: parsed(repeatSafety), compensation: parsed(compensation),
      idempotencyKey: stepKey(id, planned.index, 'do'), compensationKey: stepKey(id, planned.index, 'undo'),
      state: 'pending', attempts: 0, request: null, result: null, error: null, updatedAt: ctx.now,
    });
  }
  // Built from what was just stored instead of read back: two round trips fewer per write on PostgreSQL.
  const write: Write = {
    id, mutation: plan.mutation, input: parsed(input), caller: { identity: plan.caller.identity, requestId: plan.caller.requestId },
    idempotencyKey: key, inputHash: hash, state: 'planned', reason: null, result: null, error: null, steps,
    claimOwner: options.owner, claimExpiresAt: ctx.now + options.leaseMs, createdAt: ctx.now, updatedAt: ctx.now,
  };
  yield* insertAudit(ctx, { write, actor: options.owner, event: 'planned', state: 'planned' });
  return { created: true, write };
}

export function* recordStep(ctx: OperationContext, writeId: string, owner: string, index: number, outcome: StepOutcome): Operation<Write> {
  const write = yield* ownedWrite(ctx, writeId, owner);
  if (!STEPPING.includes(write.state)) {
    throw new WriteError({
      code: 'WRITE_TRANSITION_INVALID',
      safeMessage: `Write ${write.id} is ${write.state}; its steps change only while it is running, compensating or replaying.`,
      details: { writeId: write.id, from: write.state },
    });
  }
  const step = Number.isInteger(index) ? write.steps[index] : undefined;
  if (step === undefined) throw recordInvalid(`write ${write.id} has no step ${String(index).slice(0, 20)}`);
  assertStepTransition(write.id, index, step.state, outcome.state);
  const failing = STEP_FAILURES.includes(outcome.state);
  if (failing && outcome.error === undefined) throw recordInvalid(`a step that is ${outcome.state} needs an error`);
  const error = failing ? failureJson(ctx, outcome.error, 'error') : null;
  const sent = outcome.state === 'sent';
  const request = sent ? toStoredJson(outcome.request ?? null, 'request', ctx.maxValueBytes) : undefined;
  const result = outcome.state === 'succeeded' ? toStoredJson(outcome.result ?? null, 'result', ctx.maxValueBytes) : undefined;
  // A failure keeps the last request and result; success and a new attempt clear the error.
  yield sql(
    `UPDATE write_steps SET state = ?, attempts = attempts + ?, request = COALESCE(?, request), result = COALESCE(?, result), error = ?, updated_at = ?
     WHERE write_id = ? AND idx = ?`,
    outcome.state, sent ? 1 : 0, request ?? null, result ?? null, failing ? error : null, ctx.now, write.id, index,
  );
  yield sql('UPDATE writes SET updated_at = ? WHERE id = ?', ctx.now, write.id);
  const changed: Step = {
    ...step,
    state: outcome.state,
    attempts: step.attempts + (sent ? 1 : 0),
    request: request === undefined ? step.request : parsed(request),
    result: result === undefined ? step.result : parsed(result),
    error: error === null ? null : parsed<Failure>(error),
    updatedAt: ctx.now,
  };
  const after: Write = { ...write, steps: write.steps.map((each) => (each.index === index ? changed : each)), updatedAt: ctx.now };
  yield* insertAudit(ctx, { write: after, actor: owner, event: 'step', state: after.state, step: changed, detail: outcome.error?.message ?? null });
  return after;
}

export function* transition(ctx: OperationContext, writeId: string, owner: string, change: WriteChange): Operation<Write> {
  if (change.state === 'replaying' || change.state === 'discarded') {
    throw new WriteError({
      code: 'WRITE_TRANSITION_INVALID',
      safeMessage: `A write becomes ${change.state} only by an operator's ${change.state === 'replaying' ? 'replay' : 'discard'}.`,
      details: { writeId, to: change.state },
    });
  }
  const write = yield* ownedWrite(ctx, writeId, owner);
  assertWriteTransition(write.id, write.state, change.state);
  if (change.state === 'dead-lettered' && change.reason === undefined) throw recordInvalid('a dead letter needs a reason');
  const reason = change.reason === undefined ? null : checkName(change.reason, 'reason');
  const result = change.state === 'succeeded' ? toStoredJson(change.result ?? null, 'result', ctx.maxValueBytes) : null;
  const error = failureJson(ctx, change.error, 'error');
  const release = !isInFlight(change.state);
  yield sql(
    `UPDATE writes SET state = ?, result = COALESCE(?, result), error = COALESCE(?, error), reason = COALESCE(?, reason),
       claim_owner = ?, claim_expires_at = ?, updated_at = ? WHERE id = ?`,
    change.state, result, error, reason, release ? null : write.claimOwner, release ? null : write.claimExpiresAt, ctx.now, write.id,
  );
  const after: Write = {
    ...write,
    state: change.state,
    result: result === null ? write.result : parsed(result),
    error: error === null ? write.error : parsed<Failure>(error),
    reason: reason ?? write.reason,
    claimOwner: release ? null : write.claimOwner,
    claimExpiresAt: release ? null : write.claimExpiresAt,
    updatedAt: ctx.now,
  };
  yield* insertAudit(ctx, { write: after, actor: owner, event: 'state', state: after.state, detail: reason ?? change.error?.message ?? null });
  return after;
}
