/**
 * The state machines of a write and of its steps, as data: every legal move
 * is listed, everything else is refused with a coded error. docs/writes.md
 * draws the same tables; test/unit/gateway/writes/states.test.ts keeps the
 * two equal.
 */
import { WriteError } from './errors.js';
import type { StepState, WriteState } from './model.js';

/** Legal moves of a write. Final states have none. */
export const WRITE_TRANSITIONS: Readonly<Record<WriteState, readonly WriteState[]>> = Object.freeze(
  {
    // Nothing sent yet: start, or park it when recovery cannot go on.
    planned: ['running', 'dead-lettered'],
    // `compensated` straight from `running`: the failing step was the first to change anything.
    running: ['succeeded', 'compensating', 'compensated', 'dead-lettered'],
    compensating: ['compensated', 'dead-lettered'],
    'dead-lettered': ['replaying', 'discarded'],
    replaying: ['succeeded', 'compensating', 'compensated', 'dead-lettered'],
    succeeded: [],
    compensated: [],
    discarded: [],
  },
);

/** Legal moves of a step. */
export const STEP_TRANSITIONS: Readonly<Record<StepState, readonly StepState[]>> = Object.freeze({
  // `skipped`: its condition (`@step(when:)`) was false; nothing was sent.
  pending: ['sent', 'skipped'],
  sent: ['succeeded', 'failed-transient', 'failed-permanent', 'unknown'],
  // Sent again (the step is repeatable by construction), or given up on.
  'failed-transient': ['sent', 'failed-permanent', 'unknown'],
  // An operator's replay may send it again once the cause is fixed.
  'failed-permanent': ['sent'],
  // A natural-key lookup or a person settles it, or it is sent again with its key.
  unknown: ['sent', 'succeeded', 'failed-permanent'],
  succeeded: ['compensated', 'compensation-failed'],
  // A replay retries the compensation.
  'compensation-failed': ['compensated', 'compensation-failed'],
  compensated: [],
  skipped: [],
});

/** States in which a write is being worked on by the instance that claimed it. */
export const IN_FLIGHT_STATES: readonly WriteState[] = Object.freeze([
  'planned',
  'running',
  'compensating',
  'replaying',
]);

/** States no move leaves. */
export const FINAL_STATES: readonly WriteState[] = Object.freeze([
  'succeeded',
  'compensated',
  'discarded',
]);

export function isInFlight(state: WriteState): boolean {
  return IN_FLIGHT_STATES.includes(state);
}

export function isWriteState(value: unknown): value is WriteState {
  return typeof value === 'string' && Object.hasOwn(WRITE_TRANSITIONS, value);
}

export function isStepState(value: unknown): value is StepState {
  return typeof value === 'string' && Object.hasOwn(STEP_TRANSITIONS, value);
}

/** Throws WRITE_TRANSITION_INVALID unless `from → to` is in WRITE_TRANSITIONS. */
export function assertWriteTransition(writeId: string, from: WriteState, to: WriteState): void {
  if (WRITE_TRANSITIONS[from].includes(to)) return;
  throw new WriteError({
    code: 'WRITE_TRANSITION_INVALID',
    safeMessage: `Write ${writeId} is ${from} and cannot become ${to}.`,
    details: { writeId, from, to },
  });
}

/** Throws WRITE_STEP_TRANSITION_INVALID unless `from → to` is in STEP_TRANSITIONS. */
export function assertStepTransition(
  writeId: string,
  index: number,
  from: StepState,
  to: StepState,
): void {
  if (STEP_TRANSITIONS[from].includes(to)) return;
  throw new WriteError({
    code: 'WRITE_STEP_TRANSITION_INVALID',
    safeMessage: `Step ${index} of write ${writeId} is ${from} and cannot become ${to}.`,
    details: { writeId, step: index, from, to },
  });
}
