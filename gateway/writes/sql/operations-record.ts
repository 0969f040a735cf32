/**
 * The operations that record a write's progress: recordStep, transition,
 * and record (several of them in one commit). See statement.ts for how the
 * stores run them, store.ts for the contract.
 */
import { WriteError, writeNotFound } from '../errors.js';
import type { Failure, JsonValue, Step, StepState, Write, WriteState } from '../model.js';
import { assertStepTransition, assertWriteTransition, isInFlight } from '../states.js';
import type { RecordedChange, StepOutcome, WriteChange } from '../store.js';
import { checkName, toStoredJson } from '../validate.js';
import { insertAudit, readWrite } from './rows.js';
import { sql, type Operation, type OperationContext } from './statement.js';

const STEP_FAILURES: readonly StepState[] = [
  'failed-transient',
  'failed-permanent',
  'unknown',
  'compensation-failed',
];
/** Write states in which steps may change. */
const STEPPING: readonly WriteState[] = ['running', 'compensating', 'replaying'];

/** What a re-read would return: the stored text parsed, never the caller's own object. */
function parsed<T = JsonValue>(text: string): T {
  return JSON.parse(text) as T;
}

function recordInvalid(what: string): WriteError {
  return new WriteError({
    code: 'WRITE_RECORD_INVALID',
    safeMessage: `The write journal refused a record: ${what}.`,
  });
}

export function checkLease(owner: string, leaseMs: number): void {
  checkName(owner, 'owner');
  if (!Number.isSafeInteger(leaseMs) || leaseMs <= 0)
    throw recordInvalid('leaseMs must be a positive whole number of ms');
}

function failureJson(
  ctx: OperationContext,
  failure: Failure | undefined,
  what: string,
): string | null {
  if (failure === undefined) return null;
  if (
    typeof failure !== 'object' ||
    failure === null ||
    typeof failure.code !== 'string' ||
    typeof failure.message !== 'string'
  ) {
    throw recordInvalid(`${what} must have a code and a message`);
  }
  return toStoredJson(failure, what, ctx.maxValueBytes);
}

/** Locks the write and checks that `owner` holds it. */
export function* ownedWrite(
  ctx: OperationContext,
  writeId: string,
  owner: string,
): Operation<Write> {
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

export function* recordStep(
  ctx: OperationContext,
  writeId: string,
  owner: string,
  index: number,
  outcome: StepOutcome,
): Operation<Write> {
  const write = yield* ownedWrite(ctx, writeId, owner);
  return yield* applyStep(ctx, write, owner, index, outcome);
}

export function* transition(
  ctx: OperationContext,
  writeId: string,
  owner: string,
  change: WriteChange,
): Operation<Write> {
  refuseOperatorStates(writeId, change);
  const write = yield* ownedWrite(ctx, writeId, owner);
  return yield* applyTransition(ctx, write, owner, change);
}

/**
 * Several changes of one write in one transaction, in order: e.g. step 0
 * succeeded and step 1 sent, or the last step succeeded and the write too.
 * One commit (one fsync) instead of two; all or nothing.
 */
export function* record(
  ctx: OperationContext,
  writeId: string,
  owner: string,
  changes: readonly RecordedChange[],
): Operation<Write> {
  if (!Array.isArray(changes) || changes.length === 0 || changes.length > 16)
    throw recordInvalid('record takes 1 to 16 changes');
  for (const change of changes) if ('write' in change) refuseOperatorStates(writeId, change.write);
  let write = yield* ownedWrite(ctx, writeId, owner);
  for (const change of changes) {
    write =
      'write' in change
        ? yield* applyTransition(ctx, write, owner, change.write)
        : yield* applyStep(ctx, write, owner, change.step, change.outcome);
  }
  return write;
}

function refuseOperatorStates(writeId: string, change: WriteChange): void {
  if (change?.state === 'replaying' || change?.state === 'discarded') {
    throw new WriteError({
      code: 'WRITE_TRANSITION_INVALID',
      safeMessage: `A write becomes ${change.state} only by an operator's ${change.state === 'replaying' ? 'replay' : 'discard'}.`,
      details: { writeId, to: change.state },
    });
  }
}

/** Records a step's outcome on a write this transaction holds. */
function* applyStep(
  ctx: OperationContext,
  write: Write,
  owner: string,
  index: number,
  outcome: StepOutcome,
): Operation<Write> {
  if (!STEPPING.includes(write.state)) {
    throw new WriteError({
      code: 'WRITE_TRANSITION_INVALID',
      safeMessage: `Write ${write.id} is ${write.state}; its steps change only while it is running, compensating or replaying.`,
      details: { writeId: write.id, from: write.state },
    });
  }
  const step = Number.isInteger(index) ? write.steps[index] : undefined;
  if (step === undefined)
    throw recordInvalid(`write ${write.id} has no step ${String(index).slice(0, 20)}`);
  assertStepTransition(write.id, index, step.state, outcome.state);
  const failing = STEP_FAILURES.includes(outcome.state);
  if (failing && outcome.error === undefined)
    throw recordInvalid(`a step that is ${outcome.state} needs an error`);
  const error = failing ? failureJson(ctx, outcome.error, 'error') : null;
  const sent = outcome.state === 'sent';
  const request = sent
    ? toStoredJson(outcome.request ?? null, 'request', ctx.maxValueBytes)
    : undefined;
  const result =
    outcome.state === 'succeeded'
      ? toStoredJson(outcome.result ?? null, 'result', ctx.maxValueBytes)
      : undefined;
  // A failure keeps the last request and result; success and a new attempt clear the error.
  yield sql(
    `UPDATE write_steps SET state = ?, attempts = attempts + ?, request = COALESCE(?, request), result = COALESCE(?, result), error = ?, updated_at = ?
     WHERE write_id = ? AND idx = ?`,
    outcome.state,
    sent ? 1 : 0,
    request ?? null,
    result ?? null,
    failing ? error : null,
    ctx.now,
    write.id,
    index,
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
  const after: Write = {
    ...write,
    steps: write.steps.map((each) => (each.index === index ? changed : each)),
    updatedAt: ctx.now,
  };
  yield* insertAudit(ctx, {
    write: after,
    actor: owner,
    event: 'step',
    state: after.state,
    step: changed,
    detail: outcome.error?.message ?? null,
  });
  return after;
}

/** Moves a write this transaction holds to another state. */
function* applyTransition(
  ctx: OperationContext,
  write: Write,
  owner: string,
  change: WriteChange,
): Operation<Write> {
  assertWriteTransition(write.id, write.state, change.state);
  if (change.state === 'dead-lettered' && change.reason === undefined)
    throw recordInvalid('a dead letter needs a reason');
  const reason = change.reason === undefined ? null : checkName(change.reason, 'reason');
  const result =
    change.state === 'succeeded'
      ? toStoredJson(change.result ?? null, 'result', ctx.maxValueBytes)
      : null;
  const error = failureJson(ctx, change.error, 'error');
  const release = !isInFlight(change.state);
  yield sql(
    `UPDATE writes SET state = ?, result = COALESCE(?, result), error = COALESCE(?, error), reason = COALESCE(?, reason),
       claim_owner = ?, claim_expires_at = ?, updated_at = ? WHERE id = ?`,
    change.state,
    result,
    error,
    reason,
    release ? null : write.claimOwner,
    release ? null : write.claimExpiresAt,
    ctx.now,
    write.id,
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
  yield* insertAudit(ctx, {
    write: after,
    actor: owner,
    event: 'state',
    state: after.state,
    detail: reason ?? change.error?.message ?? null,
  });
  return after;
}
