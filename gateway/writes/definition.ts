/**
 * A write mutation as the executor runs it: compiled once at start-up from
 * the schema's @step, @answer and @owner declarations
 * (gateway/composition/write-compile.ts). Everything a step needs is a
 * function of the write's scope (its arguments, its caller, the answers of
 * the steps before it), and the scope is rebuilt from the journal alone, so
 * a write can be resumed by another instance after a crash.
 */
import type { Args, Operation, Source } from '../../sources/common/index.js';
import type { JsonValue, RepeatSafety } from './model.js';

/** What a step's arguments are built from. */
export interface StepScope {
  /** The mutation's arguments, as journaled. */
  readonly args: Readonly<Record<string, unknown>>;
  /** What the journal keeps of the caller: `id` (identity, or null) and `requestId`. */
  readonly caller: { readonly id: string | null; readonly requestId: string };
  /** Earlier steps' answers, by step name (and, for an undo, the step's own). */
  readonly steps: Readonly<Record<string, JsonValue>>;
  /** The idempotency key this call is sent with (`$step.key`): the step's, or its undo's. */
  readonly key: string;
}

/** An operation of the step's source and how to build its arguments. */
export interface StepCall {
  readonly operation: Operation;
  readonly buildArgs: (scope: StepScope) => Args;
}

export interface StepDefinition {
  /** The name in the schema (`@step(name:)`); `$steps.<name>.` reads its answer. */
  readonly name: string;
  readonly source: Source;
  readonly call: StepCall;
  /** The step's answer out of the operation's answer (`@step(path:)`). */
  readonly pick: (answer: unknown) => unknown;
  /**
   * A read (`@step(read: true)`): a query whose answer later steps read. It is
   * sent without a key, always safe to send again, and has nothing to undo;
   * its answer is journaled like any step's, so a resumed write builds its
   * later calls (and undos) from what was read before anything changed.
   */
  readonly read: boolean;
  /**
   * Whether it runs, from the answers of the steps before it (`@step(when:)`).
   * False: it is recorded `skipped` and never sent. Absent: it always runs.
   */
  readonly when?: (steps: StepScope['steps']) => boolean;
  /** How sending it again is made safe, as the journal records it. */
  readonly repeatSafety: RepeatSafety;
  /** The natural-key lookup (`repeat: "lookup"`): its answer at `pick` is the earlier result, or null. */
  readonly lookup?: StepCall & { readonly pick: (answer: unknown) => unknown };
  /** How it is undone, or why it cannot be (`cannotUndo`; a last step may say neither). */
  readonly undo:
    | (StepCall & { readonly kind: 'operation' })
    | { readonly kind: 'none'; readonly reason: string };
  /**
   * `$args.` paths of the input fields this step's system owns (@owner).
   * Empty: the step always runs. Otherwise it runs only when one of them is given.
   */
  readonly owns: ReadonlyArray<readonly string[]>;
}

export interface WriteDefinition {
  /** The Mutation field's name, e.g. "placeOrder". */
  readonly mutation: string;
  /** In the order they are sent. */
  readonly steps: readonly StepDefinition[];
  /** The answer: a step's answer at `pick` (@answer). */
  readonly answer: { readonly step: string; readonly pick: (answer: unknown) => unknown };
  /** The cached entities the write touches (@invalidates), from its arguments and its steps' answers by name. */
  readonly invalidations: (
    args: Readonly<Record<string, unknown>>,
    steps?: Readonly<Record<string, unknown>>,
  ) => Array<{ entity: string; keys: unknown[] }>;
}

/** The steps of `definition` that run for `args`: a step whose system owns input fields runs only when one is given. */
export function selectSteps(
  definition: WriteDefinition,
  args: Readonly<Record<string, unknown>>,
): StepDefinition[] {
  return definition.steps.filter(
    (step) => step.owns.length === 0 || step.owns.some((path) => given(args, path)),
  );
}

function given(args: Readonly<Record<string, unknown>>, path: readonly string[]): boolean {
  let value: unknown = args;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return false;
    value = (value as Record<string, unknown>)[segment];
  }
  return value !== undefined && value !== null;
}
