/**
 * Compiles a checked write binding into the executor's WriteDefinition,
 * once at start-up: each step's operation looked up, its argument builders
 * (call, lookup, undo) compiled, the input fields its system owns listed.
 */
import type { GraphQLField, GraphQLInputType, GraphQLSchema } from 'graphql';
import type { Source } from '../../sources/common/index.js';
import type { StepCall, StepDefinition, StepScope, WriteDefinition } from '../writes/definition.js';
import { compileArgs } from './args.js';
import type { InvalidationBinding } from './invalidates.js';
import { compileInvalidations } from './invalidates.js';
import { readPath } from './path.js';
import { ownedInputFields } from './write-check.js';
import type { ArgTemplates, ConditionBinding, WriteBinding } from './write-bindings.js';

type Sources = ReadonlyMap<string, { readonly source: Source; readonly schema: GraphQLSchema }>;

function picker(path: readonly string[]): (answer: unknown) => unknown {
  return path.length === 0 ? (answer) => answer : (answer) => readPath(answer, path);
}

function compileCall(
  sources: Sources,
  sourceName: string,
  operationName: string,
  templates: ArgTemplates,
): StepCall {
  const entry = sources.get(sourceName);
  const operation = entry?.source.operations.get(operationName);
  const schema = entry?.schema;
  const field =
    schema?.getMutationType()?.getFields()[operationName] ??
    schema?.getQueryType()?.getFields()[operationName];
  if (operation === undefined || field === undefined)
    throw new TypeError(`@step names ${sourceName}.${operationName}, which does not exist.`); // composition refused it already
  const argTypes = new Map<string, GraphQLInputType>(field.args.map((arg) => [arg.name, arg.type]));
  const build = compileArgs(templates, argTypes);
  // `$caller.` and `$steps.` are read off the "parent" (args.ts roots them there).
  return {
    operation,
    buildArgs: (scope: StepScope) =>
      build({ caller: scope.caller, steps: scope.steps, step: { key: scope.key } }, scope.args),
  };
}

/** `when:` as a predicate over the earlier answers: compared as text; a missing value equals nothing. */
function condition(when: ConditionBinding): (steps: Readonly<Record<string, unknown>>) => boolean {
  return (steps) => {
    const value = readPath(steps, when.path);
    const same =
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') &&
      String(value) === when.value;
    return when.equals ? same : !same;
  };
}

/** The WriteDefinition of one checked write mutation. */
export function compileWrite(init: {
  sources: Sources;
  field: GraphQLField<unknown, unknown>;
  write: WriteBinding;
  invalidates: readonly InvalidationBinding[];
}): WriteDefinition {
  const { sources, field, write } = init;
  const owned = ownedInputFields(field);
  const steps = write.steps.map((step): StepDefinition => {
    const source = sources.get(step.source)?.source;
    if (source === undefined)
      throw new TypeError(`@step names source ${step.source}, which does not exist.`);
    const repeat = step.repeat;
    return {
      name: step.name,
      source,
      call: compileCall(sources, step.source, step.operation, step.args),
      pick: picker(step.path),
      ...(step.when === undefined ? {} : { when: condition(step.when) }),
      read: repeat.kind === 'read',
      repeatSafety:
        repeat.kind === 'idempotency-key'
          ? { kind: 'backend-key' }
          : repeat.kind === 'lookup'
            ? { kind: 'natural-key', lookup: repeat.operation }
            : repeat.kind === 'read' || repeat.kind === 'idempotent'
              ? { kind: repeat.kind }
              : { kind: 'none' },
      ...(repeat.kind === 'lookup'
        ? {
            lookup: {
              ...compileCall(sources, step.source, repeat.operation, repeat.args),
              pick: picker(repeat.path),
            },
          }
        : {}),
      undo:
        step.undo !== undefined
          ? {
              kind: 'operation',
              ...compileCall(sources, step.source, step.undo.operation, step.undo.args),
            }
          : {
              kind: 'none',
              reason:
                repeat.kind === 'read'
                  ? 'a read changes nothing'
                  : (step.cannotUndo ?? 'the last step is never undone: nothing after it can fail'),
            },
      owns: owned.filter((entry) => entry.source === step.source).map((entry) => entry.path),
    };
  });
  const answerStep = write.answer?.step ?? steps[0]?.name ?? '';
  return {
    mutation: field.name,
    steps,
    answer: { step: answerStep, pick: picker(write.answer?.path ?? []) },
    invalidations: compileInvalidations(init.invalidates),
  };
}
