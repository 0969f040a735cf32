/**
 * What the caller hears of a settled write: the answer when it succeeded,
 * otherwise a coded error naming the system, the step and the reason, and
 * what was undone; and, either way, `extensions.write` with the write's id,
 * its state and each step's state. A write that is not complete is never
 * answered as a success.
 */
import { GraphQLError } from 'graphql';
import { WRITE_ERROR_HTTP_STATUS, WriteError, type WriteErrorCode } from './errors.js';
import type { Write } from './model.js';

/** `extensions.write` of an answer. */
export interface WriteReport {
  readonly id: string;
  readonly mutation: string;
  readonly state: Write['state'];
  /** True when the answer is the first write's, found by the caller's idempotency key: nothing was sent. */
  readonly replayed: boolean;
  readonly steps: ReadonlyArray<{
    readonly index: number;
    readonly system: string;
    readonly operation: string;
    readonly state: string;
    readonly attempts: number;
  }>;
}

export function reportOf(write: Write, replayed: boolean): WriteReport {
  return {
    id: write.id,
    mutation: write.mutation,
    state: write.state,
    replayed,
    steps: write.steps.map((step) => ({
      index: step.index,
      system: step.source,
      operation: step.operation,
      state: step.state,
      attempts: step.attempts,
    })),
  };
}

function describeUndone(write: Write): string {
  const undone = write.steps
    .filter((step) => step.state === 'compensated')
    .map((step) => `${step.source} ${step.operation} (step ${step.index + 1})`);
  return undone.length === 0
    ? 'Nothing had been changed, so nothing needed undoing.'
    : `Undone: ${undone.reverse().join(', then ')}.`;
}

/** The error for a write that did not succeed (compensated, dead-lettered, discarded), or undefined when it did. */
export function writeErrorOf(write: Write): GraphQLError | undefined {
  if (write.state === 'succeeded') return undefined;
  const failing = write.error ?? undefined;
  const where = failing?.step !== undefined ? write.steps[failing.step] : undefined;
  const extensions: Record<string, unknown> = {
    writeId: write.id,
    state: write.state,
    ...(failing?.source === undefined ? {} : { system: failing.source }),
    ...(where === undefined ? {} : { step: where.index + 1, operation: where.operation }),
    ...(failing === undefined ? {} : { reason: failing.code }),
    undone: write.steps
      .filter((step) => step.state === 'compensated')
      .map((step) => ({ step: step.index + 1, system: step.source, operation: step.operation })),
  };
  if (write.state === 'compensated') {
    const what =
      where === undefined
        ? 'A step'
        : `${where.source} refused step ${where.index + 1} (${where.operation})`;
    return new GraphQLError(
      `${write.mutation} did not happen: ${what}: ${failing?.message ?? 'no reason given'} ${describeUndone(write)}`,
      { extensions: { code: 'WRITE_FAILED', ...extensions } },
    );
  }
  const state =
    write.state === 'discarded'
      ? 'was given up by an operator'
      : write.state === 'dead-lettered'
        ? 'is in the dead-letter queue for an operator to replay or undo'
        : `is still ${write.state}: the request's time ran out before it settled, and it carries on to settle on its own (send the same Idempotency-Key again to learn how it ended)`;
  const undone = write.steps.some((step) => step.state === 'compensated')
    ? ` ${describeUndone(write)}`
    : '';
  return new GraphQLError(
    `${write.mutation} is not complete and ${state} (write ${write.id}): ${write.reason ?? failing?.message ?? 'no reason given'}${undone}`,
    { extensions: { code: 'WRITE_INCOMPLETE', ...extensions } },
  );
}

/** A journal refusal for the caller, with its HTTP status (409, 422, 400, 503) where it has one. */
export function refusalOf(error: unknown): GraphQLError | undefined {
  if (!(error instanceof WriteError)) return undefined;
  const status = WRITE_ERROR_HTTP_STATUS[error.code as WriteErrorCode];
  return new GraphQLError(error.safeMessage, {
    extensions: {
      ...error.details,
      code: error.code,
      ...(status === undefined ? {} : { http: { status } }),
    },
  });
}
