/**
 * The write-through executor: runs a write mutation's steps through each
 * source's outbound pipeline, journaling the plan before the first call and
 * each outcome as it happens, and settles every write in one of three ways:
 * succeeded (every step applied once), compensated (a step was refused and
 * what came before it was undone in reverse order), or dead-lettered (an
 * unknown outcome, retries that ran out, a step that cannot be undone, or an
 * undo that failed: parked for a person, with everything needed to replay).
 *
 * It drives a write from whatever state the journal holds, so the same code
 * runs a new write, resumes one after a crash (recovery.ts) and replays a
 * dead letter (WriteRunner.replay). Steps always carry their journaled keys
 * (keys.ts stepKey), so a step sent again is applied once by a system that
 * honours them; a step whose system does not is looked up by its natural
 * key first, or never sent again blindly.
 */
import type { Args } from '../../sources/common/index.js';
import type { Logger } from '../logger.js';
import type { Invoke } from '../pipeline/index.js';
import type { CallTelemetry } from '../telemetry/call-telemetry.js';
import {
  selectSteps,
  type StepCall,
  type StepDefinition,
  type StepScope,
  type WriteDefinition,
} from './definition.js';
import { WriteError } from './errors.js';
import type { Failure, JsonValue, Step, Write } from './model.js';
import { failureKind, failureOf } from './outcome.js';
import type { RecordedChange, WriteJournal } from './store.js';

/** Most times the executor itself sends one step (a lookup found it not applied); the pipeline's own retries come on top. */
const MAX_RESENDS = 3;

/** How the executor reaches one source: its pipeline's invoke (gateway/pipeline). */
export type PipelineOf = (source: string) => { readonly invoke: Invoke } | undefined;

export interface ExecutorOptions {
  readonly journal: WriteJournal;
  /** The write mutations of the unified schema, by Mutation field name. */
  readonly definitions: ReadonlyMap<string, WriteDefinition>;
  readonly pipelineOf: PipelineOf;
  /** This instance's name in the journal (claims, audit), e.g. "host:pid:random". */
  readonly owner: string;
  /** How long a claim on a write lasts before another instance may take it over, in ms. */
  readonly leaseMs: number;
  readonly logger: Logger;
  /** Runs each backend call of a step in its own span (gateway/telemetry: Telemetry.journalStep); absent: no spans. */
  readonly journalStep?: JournalStepSpan;
}

/** The shape of Telemetry.journalStep, so the executor does not depend on the telemetry module. */
export type JournalStepSpan = <T>(
  facts: {
    readonly writeId: string;
    readonly step: number;
    readonly source: string;
    readonly operation: string;
    readonly action?: string;
  },
  run: (telemetry: CallTelemetry | undefined) => Promise<T>,
) => Promise<T>;

/** Plain JSON of a source's answer: what the journal can hold (dates as text, no undefined). */
export function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(
    JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === 'bigint' ? inner.toString() : inner,
    ),
  ) as JsonValue;
}

/** The journal refused a record because this instance no longer holds the write (another took it over). */
export function isLostClaim(error: unknown): boolean {
  return error instanceof WriteError && error.code === 'WRITE_NOT_CLAIMED';
}

interface Driving {
  write: Write;
  readonly steps: readonly StepDefinition[];
  readonly definition: WriteDefinition;
  /** Changes waiting to be committed with the next one (one fsync instead of two). */
  pending: RecordedChange[];
}

export interface Executor {
  /** Drives a write the caller of this instance owns to a settled state (succeeded, compensated, dead-lettered). */
  drive(write: Write): Promise<Write>;
}

export function createExecutor(options: ExecutorOptions): Executor {
  const { journal, owner, leaseMs, logger } = options;

  const commit = async (driving: Driving, changes: readonly RecordedChange[]): Promise<Write> => {
    const all = [...driving.pending, ...changes];
    driving.pending = [];
    // record takes at most 16 changes; a write never queues more than two, but chunk to be safe.
    for (let start = 0; start < all.length; start += 16)
      driving.write = await journal.record(driving.write.id, owner, all.slice(start, start + 16));
    return driving.write;
  };

  const scopeOf = (
    driving: Driving,
    upTo: number,
    includeSelf: boolean,
    key: string,
  ): StepScope => {
    const steps: Record<string, JsonValue> = {};
    // A success not committed yet (it goes with the next step's `sent`) counts: it is what the next step reads.
    const pendingResults = new Map<number, JsonValue>();
    for (const change of driving.pending)
      if (
        'step' in change &&
        change.outcome.state === 'succeeded' &&
        change.outcome.result !== undefined
      )
        pendingResults.set(change.step, change.outcome.result);
    driving.write.steps.forEach((step, index) => {
      const definition = driving.steps[index];
      const result = pendingResults.get(index) ?? step.result;
      if (
        definition !== undefined &&
        (index < upTo || (includeSelf && index === upTo)) &&
        result !== null
      )
        steps[definition.name] = result;
    });
    return {
      args: (driving.write.input ?? {}) as Record<string, unknown>,
      caller: {
        id: driving.write.caller.identity,
        requestId: driving.write.caller.requestId,
        // The owner a step stamps on what it creates (@ownedBy): from the journal, so recovery stamps the same.
        ...(driving.write.caller.partner === undefined
          ? {}
          : { partner: driving.write.caller.partner }),
      },
      steps,
      key,
    };
  };

  const invoke = async (
    source: string,
    call: StepCall,
    args: Args,
    key: string | undefined,
    requestId: string,
    fresh: boolean,
    span: { readonly writeId: string; readonly step: number; readonly action: string },
  ): Promise<unknown> => {
    const pipeline = options.pipelineOf(source);
    if (pipeline === undefined)
      throw new WriteError({
        code: 'WRITE_NOT_AVAILABLE',
        safeMessage: `The source "${source}" of this write is not configured.`,
        details: { source },
      });
    // No request signal or deadline: once sent, a write is seen through whatever the caller does; each attempt has its source's timeout.
    const run = (telemetry: CallTelemetry | undefined): Promise<unknown> =>
      pipeline.invoke({
        kind: 'single',
        source,
        operation: call.operation,
        args,
        ctx: {
          requestId,
          ...(key === undefined ? {} : { idempotencyKey: key }),
          ...(fresh ? { fresh } : {}),
          ...(telemetry === undefined ? {} : { telemetry }),
        },
      });
    if (options.journalStep === undefined) return run(undefined);
    // The step's span is the parent of the pipeline's call and attempt spans.
    return options.journalStep({ ...span, source, operation: call.operation.name }, run);
  };

  /** This instance no longer holds the write: another took it over (service.ts answers from the journal). */
  const lostClaim = (writeId: string): WriteError =>
    new WriteError({
      code: 'WRITE_NOT_CLAIMED',
      safeMessage: 'Another gateway instance took this write over.',
      details: { writeId },
    });

  /** Keeps the claim alive between steps; never takes the write back from an instance that took it over. */
  const renew = async (driving: Driving): Promise<void> => {
    // Skipped while more than half the lease is left (the in-flight heartbeat renews): a commit costs an fsync.
    const expires = driving.write.claimExpiresAt;
    if (expires !== null && expires - Date.now() > leaseMs / 2) return;
    const renewed = await journal.renew(driving.write.id, owner, leaseMs);
    if (renewed === null) throw lostClaim(driving.write.id);
    driving.write = { ...driving.write, claimExpiresAt: renewed.claimExpiresAt };
  };

  /**
   * Runs one backend call while renewing the lease every leaseMs/3: a step
   * may outlast the lease (attempts × the source's timeout), and another
   * instance must not take the write over while it is in flight here. When
   * a renewal finds the claim gone, the call's outcome is not recorded
   * (fencing): the instance that holds the write settles that step itself.
   */
  const held = async <T>(driving: Driving, call: () => Promise<T>): Promise<T> => {
    let lost = false;
    let beat: Promise<void> = Promise.resolve();
    const timer = setInterval(
      () => {
        beat = beat.then(async () => {
          if (lost) return;
          try {
            const renewed = await journal.renew(driving.write.id, owner, leaseMs);
            if (renewed === null) lost = true;
            else driving.write = { ...driving.write, claimExpiresAt: renewed.claimExpiresAt };
          } catch (error) {
            // The journal is down for a moment: the next beat tries again; the records after the call are fenced anyway.
            logger.warn('could not renew the lease of a write in flight', {
              writeId: driving.write.id,
              error,
            });
          }
        });
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    timer.unref();
    try {
      return await call();
    } finally {
      clearInterval(timer);
      await beat;
      // Thrown over the call's own outcome: a lost write records nothing more here.
      // eslint-disable-next-line no-unsafe-finally
      if (lost) throw lostClaim(driving.write.id);
    }
  };

  const park = async (
    driving: Driving,
    reason: string,
    error: Failure,
    extra: RecordedChange[] = [],
  ): Promise<Write> => {
    logger.warn('write parked in the dead-letter queue', {
      writeId: driving.write.id,
      mutation: driving.write.mutation,
      reason,
    });
    return commit(driving, [...extra, { write: { state: 'dead-lettered', reason, error } }]);
  };

  /** The natural-key lookup of step `index`: its earlier result, or null when there is none. */
  const lookUp = async (driving: Driving, index: number): Promise<JsonValue | null> => {
    const step = driving.steps[index] as StepDefinition;
    if (step.lookup === undefined) return null;
    const found = step.lookup.pick(
      await held(driving, () =>
        invoke(
          step.source.name,
          step.lookup as StepCall,
          (step.lookup as StepCall).buildArgs(
            scopeOf(driving, index, false, (driving.write.steps[index] as Step).idempotencyKey),
          ),
          undefined,
          driving.write.caller.requestId,
          true,
          { writeId: driving.write.id, step: index, action: 'lookup' },
        ),
      ),
    );
    return found === undefined || found === null ? null : toJson(found);
  };

  /**
   * Sends step `index` (recording `sent` first, with whatever is pending)
   * and records the outcome. Returns "next" when it succeeded (its success
   * is left pending, to be committed with the next change), or the settled write.
   */
  const send = async (driving: Driving, index: number): Promise<'next' | Write> => {
    const step = driving.steps[index] as StepDefinition;
    const recorded = driving.write.steps[index] as Step;
    await renew(driving);
    const args = step.call.buildArgs(scopeOf(driving, index, false, recorded.idempotencyKey));
    await commit(driving, [{ step: index, outcome: { state: 'sent', request: toJson(args) } }]);
    try {
      // A read carries no key (nothing to apply once) and skips the read cache.
      const answer = await held(driving, () =>
        invoke(
          step.source.name,
          step.call,
          args,
          step.read ? undefined : recorded.idempotencyKey,
          driving.write.caller.requestId,
          step.read,
          { writeId: driving.write.id, step: index, action: step.read ? 'read' : 'do' },
        ),
      );
      driving.pending.push({
        step: index,
        outcome: { state: 'succeeded', result: toJson(step.pick(answer)) },
      });
      return 'next';
    } catch (error) {
      if (isLostClaim(error)) throw error;
      const failure = failureOf(error, step.source.name, index);
      const kind = failureKind(error);
      if (kind === 'refused') {
        await commit(driving, [
          { step: index, outcome: { state: 'failed-permanent', error: failure } },
        ]);
        return undo(driving, index, failure);
      }
      if (kind === 'not-sent') {
        return park(
          driving,
          `${step.source.name} could not be reached for step ${index + 1} (${step.call.operation.name}) and retries ran out: ${failure.message}`,
          failure,
          [{ step: index, outcome: { state: 'failed-transient', error: failure } }],
        );
      }
      await commit(driving, [{ step: index, outcome: { state: 'unknown', error: failure } }]);
      // A step found by its natural key to be not applied may be sent again, a few times; a backend key's retries were the pipeline's.
      return settleUnknown(
        driving,
        index,
        failure,
        (step.repeatSafety.kind === 'natural-key' ||
          step.repeatSafety.kind === 'idempotent' ||
          step.read) &&
          recorded.attempts + 1 < MAX_RESENDS,
      );
    }
  };

  /**
   * A step whose outcome is unknown (a timeout after sending, a crash
   * between `sent` and its outcome): found by its natural key, or sent again
   * when its system honours its key, or parked for a person.
   */
  const settleUnknown = async (
    driving: Driving,
    index: number,
    failure: Failure,
    resendAllowed = false,
  ): Promise<'next' | Write> => {
    const step = driving.steps[index] as StepDefinition;
    const where = `step ${index + 1} (${step.source.name} ${step.call.operation.name})`;
    // A crash left it `sent`: say it is unknown before settling it (`sent` cannot follow `sent`).
    if (driving.write.steps[index]?.state === 'sent')
      driving.pending.push({ step: index, outcome: { state: 'unknown', error: failure } });
    if (step.read) {
      // A read changes nothing: read again, a few times, before giving up.
      if (resendAllowed) return send(driving, index);
      return park(driving, `${where} is a read that kept failing: ${failure.message}`, failure);
    }
    if (step.repeatSafety.kind === 'natural-key') {
      let found: JsonValue | null;
      try {
        found = await lookUp(driving, index);
      } catch (error) {
        if (isLostClaim(error)) throw error;
        const lookupFailure = failureOf(error, step.source.name, index);
        return park(
          driving,
          `The outcome of ${where} is unknown (${failure.message}) and looking it up failed: ${lookupFailure.message}`,
          failure,
        );
      }
      if (found !== null) {
        driving.pending.push({ step: index, outcome: { state: 'succeeded', result: found } });
        return 'next';
      }
      // Not applied: sending it again cannot double it.
      if (resendAllowed) return send(driving, index);
      return park(
        driving,
        `The outcome of ${where} was unknown (${failure.message}) and the lookup found nothing; it was not sent again automatically.`,
        failure,
      );
    }
    // Backend keys make a resend safe; a step that has neither is sent again only by an operator's replay (who checked the system first).
    if (
      resendAllowed &&
      (step.repeatSafety.kind === 'backend-key' ||
        step.repeatSafety.kind === 'idempotent' ||
        driving.write.state === 'replaying')
    )
      return send(driving, index);
    return park(
      driving,
      `The outcome of ${where} is unknown: ${failure.message}${step.repeatSafety.kind === 'none' ? ' The step cannot be repeated safely, so a person must check it.' : ''}`,
      failure,
    );
  };

  /** Step `failed` was refused for good: undo the steps before it in reverse order, or park when one cannot be. */
  const undo = async (driving: Driving, failed: number, failure: Failure): Promise<Write> => {
    // Reads changed nothing: they need no undo and never stop one.
    const done = driving.write.steps.filter(
      (step) =>
        step.index < failed &&
        step.state === 'succeeded' &&
        !(driving.steps[step.index] as StepDefinition).read,
    );
    if (done.length === 0)
      return commit(driving, [{ write: { state: 'compensated', error: failure } }]);
    const stuck = done.find(
      (step) => (driving.steps[step.index] as StepDefinition).undo.kind === 'none',
    );
    if (stuck !== undefined) {
      const definition = driving.steps[stuck.index] as StepDefinition;
      const reason = definition.undo.kind === 'none' ? definition.undo.reason : '';
      return park(
        driving,
        `${failure.source ?? 'A system'} refused step ${failed + 1}: ${failure.message} Step ${stuck.index + 1} (${stuck.source} ${stuck.operation}) cannot be undone (${reason}), so nothing was undone.`,
        failure,
      );
    }
    await commit(driving, [{ write: { state: 'compensating' } }]);
    return compensate(driving);
  };

  /** Runs the undo of every succeeded step, last first; what failed to undo parks the write. */
  const compensate = async (driving: Driving): Promise<Write> => {
    const failure = driving.write.steps.find((step) => step.state === 'failed-permanent')?.error ??
      driving.write.error ?? { code: 'WRITE_FAILED', message: 'A step failed.' };
    for (const recorded of [...driving.write.steps].reverse()) {
      if (recorded.state !== 'succeeded' && recorded.state !== 'compensation-failed') continue;
      const step = driving.steps[recorded.index] as StepDefinition;
      if (step.read) continue;
      if (step.undo.kind === 'none')
        return park(
          driving,
          `Step ${recorded.index + 1} (${recorded.source} ${recorded.operation}) cannot be undone: ${step.undo.reason}`,
          failure,
        );
      await renew(driving);
      try {
        const undo = step.undo;
        await held(driving, () =>
          invoke(
            step.source.name,
            undo,
            undo.buildArgs(scopeOf(driving, recorded.index, true, recorded.compensationKey)),
            recorded.compensationKey,
            driving.write.caller.requestId,
            false,
            { writeId: driving.write.id, step: recorded.index, action: 'compensate' },
          ),
        );
        await commit(driving, [{ step: recorded.index, outcome: { state: 'compensated' } }]);
      } catch (error) {
        if (isLostClaim(error)) throw error;
        const undoFailure = failureOf(error, step.source.name, recorded.index);
        return park(
          driving,
          `Undoing step ${recorded.index + 1} (${recorded.source} ${recorded.operation}) failed: ${undoFailure.message}`,
          failure,
          [{ step: recorded.index, outcome: { state: 'compensation-failed', error: undoFailure } }],
        );
      }
    }
    return commit(driving, [{ write: { state: 'compensated', error: failure } }]);
  };

  /** Forward: every step not yet succeeded, in order, then the answer. */
  const forward = async (driving: Driving): Promise<Write> => {
    for (let index = 0; index < driving.steps.length; index += 1) {
      const recorded = driving.write.steps[index] as Step;
      let outcome: 'next' | Write;
      switch (recorded.state) {
        case 'succeeded':
          continue;
        case 'skipped':
          continue;
        case 'pending': {
          // A step whose condition is false on the answers before it is never sent (`@step(when:)`).
          const when = driving.steps[index]?.when;
          if (when !== undefined && !when(scopeOf(driving, index, false, '').steps)) {
            driving.pending.push({ step: index, outcome: { state: 'skipped' } });
            continue;
          }
          outcome = await send(driving, index);
          break;
        }
        case 'failed-transient':
          outcome = await send(driving, index);
          break;
        case 'failed-permanent':
          // Replayed by an operator (who fixed the cause): sent again. Never reached otherwise: a refusal is undone at once.
          if (driving.write.state === 'replaying') outcome = await send(driving, index);
          else
            return undo(
              driving,
              index,
              recorded.error ?? { code: 'WRITE_FAILED', message: 'A step failed.' },
            );
          break;
        case 'sent':
        case 'unknown':
          // A crash between `sent` and its outcome, or an unknown outcome replayed: find out before sending again.
          outcome = await settleUnknown(
            driving,
            index,
            recorded.error ?? {
              code: 'WRITE_OUTCOME_UNKNOWN',
              message: "The gateway stopped before the step's answer was recorded.",
              source: recorded.source,
              step: index,
            },
            true,
          );
          break;
        default:
          return park(
            driving,
            `Step ${index + 1} is ${recorded.state}, which the executor cannot carry forward.`,
            { code: 'WRITE_FAILED', message: `Step ${index + 1} is ${recorded.state}.` },
          );
      }
      if (outcome !== 'next') return outcome;
    }
    const answerIndex = driving.steps.findIndex(
      (step) => step.name === driving.definition.answer.step,
    );
    const pendingAnswer = driving.pending.find(
      (change): change is Extract<RecordedChange, { step: number }> =>
        'step' in change && change.step === answerIndex,
    )?.outcome.result;
    const stepAnswer = pendingAnswer ?? driving.write.steps[answerIndex]?.result ?? null;
    return commit(driving, [
      { write: { state: 'succeeded', result: toJson(driving.definition.answer.pick(stepAnswer)) } },
    ]);
  };

  return {
    async drive(write) {
      const definition = options.definitions.get(write.mutation);
      const driving: Driving = {
        write,
        steps:
          definition === undefined
            ? []
            : selectSteps(definition, (write.input ?? {}) as Record<string, unknown>),
        definition: definition as WriteDefinition,
        pending: [],
      };
      if (
        definition === undefined ||
        driving.steps.length !== write.steps.length ||
        driving.steps.some(
          (step, index) =>
            step.source.name !== write.steps[index]?.source ||
            step.call.operation.name !== write.steps[index]?.operation,
        )
      ) {
        const reason = `The schema no longer declares ${write.mutation} with these steps, so this instance cannot carry the write on.`;
        if (
          write.state === 'planned' ||
          write.state === 'running' ||
          write.state === 'compensating' ||
          write.state === 'replaying'
        )
          return park(driving, reason, { code: 'WRITE_NOT_AVAILABLE', message: reason });
        return write;
      }
      switch (write.state) {
        case 'planned':
          driving.pending.push({ write: { state: 'running' } });
          return forward(driving);
        case 'running':
          return forward(driving);
        case 'compensating':
          return compensate(driving);
        case 'replaying':
          // A dead letter on the way back is undone again; any other carries on forward.
          if (
            write.steps.some(
              (step) => step.state === 'compensated' || step.state === 'compensation-failed',
            )
          ) {
            await commit(driving, [{ write: { state: 'compensating' } }]);
            return compensate(driving);
          }
          return forward(driving);
        default:
          return write;
      }
    },
  };
}
