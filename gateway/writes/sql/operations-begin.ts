/**
 * `begin`: the plan and the caller's idempotency key, recorded in one
 * transaction before the first call. See statement.ts for how the stores
 * run it, store.ts for the contract.
 */
import { randomUUID } from 'node:crypto';
import { WriteError } from '../errors.js';
import { inputHash, stepKey } from '../keys.js';
import type { JsonValue, NewWrite, Step, Write, WriteState } from '../model.js';
import { isInFlight } from '../states.js';
import type { BeginOptions, BeginResult } from '../store.js';
import { checkNewWrite, toStoredJson } from '../validate.js';
import { checkLease } from './operations-record.js';
import { insertAudit, readWrite } from './rows.js';
import { sql, type Operation, type OperationContext, type Row } from './statement.js';

/** What a re-read would return: the stored text parsed, never the caller's own object. */
function parsed<T = JsonValue>(text: string): T {
  return JSON.parse(text) as T;
}

export function* begin(
  ctx: OperationContext,
  plan: NewWrite,
  options: BeginOptions,
): Operation<BeginResult> {
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
      scope,
      key,
      id,
      hash,
      ctx.now,
      expiresAt,
    );
    if (inserted.changes === 0) {
      const { rows } = yield sql(
        `SELECT k.write_id, k.input_hash, k.expires_at, w.state FROM idempotency_keys k JOIN writes w ON w.id = k.write_id WHERE k.scope = ? AND k.caller_key = ?${ctx.dialect.lockRows}`,
        scope,
        key,
      );
      const earlier = rows[0] as Row | undefined;
      const state = earlier?.state as WriteState | undefined;
      const expired =
        earlier !== undefined &&
        Number(earlier.expires_at) <= ctx.now &&
        state !== undefined &&
        !isInFlight(state);
      if (earlier === undefined || state === undefined) {
        // Purged between the two statements: the caller may simply try again.
        throw new WriteError({
          code: 'IDEMPOTENCY_KEY_IN_USE',
          safeMessage: 'This idempotency key is being changed by another request; try again.',
        });
      }
      if (!expired) {
        if (earlier.input_hash !== hash) {
          throw new WriteError({
            code: 'IDEMPOTENCY_KEY_REUSED',
            safeMessage:
              'This idempotency key was already used with a different mutation or input; use a new key for a new write.',
          });
        }
        if (isInFlight(state)) {
          throw new WriteError({
            code: 'IDEMPOTENCY_KEY_IN_USE',
            safeMessage:
              'A write with this idempotency key is still in progress; ask again later for its answer.',
            details: { writeId: String(earlier.write_id) },
          });
        }
        const write = yield* readWrite(ctx, String(earlier.write_id));
        return { created: false, write: write as Write };
      }
      yield sql(
        'UPDATE idempotency_keys SET write_id = ?, input_hash = ?, created_at = ?, expires_at = ? WHERE scope = ? AND caller_key = ?',
        id,
        hash,
        ctx.now,
        expiresAt,
        scope,
        key,
      );
    }
  }
  yield sql(
    `INSERT INTO writes (id, mutation, input, caller_identity, request_id, caller_partner, idempotency_key, input_hash, state, claim_owner, claim_expires_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?)`,
    id,
    plan.mutation,
    input,
    plan.caller.identity,
    plan.caller.requestId,
    plan.caller.partner ?? null,
    key,
    hash,
    options.owner,
    ctx.now + options.leaseMs,
    ctx.now,
    ctx.now,
  );
  const steps: Step[] = [];
  for (const planned of plan.steps) {
    const repeatSafety = JSON.stringify(planned.repeatSafety);
    const compensation = JSON.stringify(planned.compensation);
    yield sql(
      `INSERT INTO write_steps (write_id, idx, source, operation, repeat_safety, compensation, state, attempts, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)`,
      id,
      planned.index,
      planned.source,
      planned.operation,
      repeatSafety,
      compensation,
      ctx.now,
    );
    steps.push({
      index: planned.index,
      source: planned.source,
      operation: planned.operation,
      repeatSafety: parsed(repeatSafety),
      compensation: parsed(compensation),
      idempotencyKey: stepKey(id, planned.index, 'do'),
      compensationKey: stepKey(id, planned.index, 'undo'),
      state: 'pending',
      attempts: 0,
      request: null,
      result: null,
      error: null,
      updatedAt: ctx.now,
    });
  }
  // Built from what was just stored instead of read back: two round trips fewer per write on PostgreSQL.
  const write: Write = {
    id,
    mutation: plan.mutation,
    input: parsed(input),
    caller: {
      identity: plan.caller.identity,
      requestId: plan.caller.requestId,
      ...(plan.caller.partner === undefined ? {} : { partner: plan.caller.partner }),
    },
    idempotencyKey: key,
    inputHash: hash,
    state: 'planned',
    reason: null,
    result: null,
    error: null,
    steps,
    claimOwner: options.owner,
    claimExpiresAt: ctx.now + options.leaseMs,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  yield* insertAudit(ctx, { write, actor: options.owner, event: 'planned', state: 'planned' });
  return { created: true, write };
}
