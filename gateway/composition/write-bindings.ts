/**
 * Reads a write mutation's declarations (@step, repeatable, and @answer) off
 * its field into plain descriptions, keeping each piece's AST node for
 * file:line issues. write-check.ts checks them against the sources;
 * write-compile.ts turns them into the executor's WriteDefinition.
 */
import { Kind, type ConstDirectiveNode, type ConstValueNode, type ValueNode } from 'graphql';
import { pathArgument, readTemplate, type ArgTemplate, type TemplateRoot } from './bindings.js';
import { issueAt, type CompositionIssue } from './issues.js';

/** Operation argument name → its template, with the node of the value for locations. */
export type ArgTemplates = ReadonlyMap<
  string,
  { readonly template: ArgTemplate; readonly node: ValueNode }
>;

/** How sending a step again is made safe (docs/directives.md, "@step"). */
export type RepeatBinding =
  | { readonly kind: 'idempotency-key' }
  | {
      readonly kind: 'lookup';
      readonly operation: string;
      readonly args: ArgTemplates;
      readonly path: readonly string[];
    }
  | { readonly kind: 'never' }
  /** The operation itself changes nothing more when sent again (a cancel, setting a value). */
  | { readonly kind: 'idempotent' }
  /** A read step (`read: true`): a query, always safe to send again. */
  | { readonly kind: 'read' };

/**
 * `@step(when: "$steps.invoice.status == INVOICE_STATUS_PAID")`: the step
 * runs only when a leaf of an earlier step's answer equals (`==`) or does
 * not equal (`!=`) a literal: a bare word (an enum value, a number, true,
 * false) or a "quoted string". Compared as text, as the journal keeps it.
 */
export interface ConditionBinding {
  /** The step's name, then the path in its answer. */
  readonly path: readonly string[];
  readonly equals: boolean;
  readonly value: string;
  readonly node: ConstValueNode;
}

export interface StepBinding {
  readonly name: string;
  /** Runs only when this holds (`when:`); always when absent. */
  readonly when?: ConditionBinding;
  readonly source: string;
  readonly operation: string;
  readonly args: ArgTemplates;
  /** Where the step's answer is in the operation's answer ([] = all of it). */
  readonly path: readonly string[];
  readonly repeat: RepeatBinding;
  /** The compensation, or the reason there is none (`cannotUndo`); neither when undeclared. */
  readonly undo?: { readonly operation: string; readonly args: ArgTemplates };
  readonly cannotUndo?: string;
  readonly node: ConstDirectiveNode;
}

export interface WriteBinding {
  /** In declaration order: the order they are sent in. */
  readonly steps: readonly StepBinding[];
  readonly answer?: {
    readonly step: string;
    readonly path: readonly string[];
    readonly node: ConstDirectiveNode;
  };
}

/** The references a step may make: the mutation's arguments, the caller, earlier steps' answers. */
export const STEP_ROOTS: readonly TemplateRoot[] = ['args', 'caller', 'steps', 'item', 'step'];

/** The repeat modes, as written in the schema. */
export const REPEAT_MODES = Object.freeze([
  'idempotency-key',
  'lookup',
  'idempotent',
  'never',
] as const);

function stringArg(
  directive: ConstDirectiveNode,
  name: string,
): { value: string; node: ConstValueNode } | undefined {
  const node = directive.arguments?.find((arg) => arg.name.value === name)?.value;
  return node?.kind === Kind.STRING ? { value: node.value, node } : undefined;
}

function templatesArg(
  directive: ConstDirectiveNode,
  name: string,
  issues: CompositionIssue[],
): Map<string, { template: ArgTemplate; node: ValueNode }> {
  const templates = new Map<string, { template: ArgTemplate; node: ValueNode }>();
  const node = directive.arguments?.find((arg) => arg.name.value === name)?.value;
  if (node === undefined || node.kind === Kind.NULL) return templates;
  if (node.kind !== Kind.OBJECT) {
    issues.push(
      issueAt(
        node,
        'BINDING_BAD_REFERENCE',
        `@step(${name}:) should be an object literal of the operation's arguments.`,
        `write ${name}: { name: "$args.name" }.`,
      ),
    );
    return templates;
  }
  for (const field of node.fields) {
    const template = readTemplate(field.value, issues, STEP_ROOTS);
    if (template !== undefined) templates.set(field.name.value, { template, node: field.value });
  }
  return templates;
}

function booleanArg(directive: ConstDirectiveNode, name: string): boolean {
  const node = directive.arguments?.find((arg) => arg.name.value === name)?.value;
  return node?.kind === Kind.BOOLEAN && node.value;
}

const CONDITION =
  /^\s*\$steps\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*(==|!=)\s*(?:"([^"\\]*)"|([A-Za-z0-9_.+-]+))\s*$/;

/** `when:`, or undefined (absent, or reported). */
function conditionArg(
  directive: ConstDirectiveNode,
  issues: CompositionIssue[],
  step: string,
): ConditionBinding | undefined {
  const when = stringArg(directive, 'when');
  if (when === undefined) return undefined;
  const match = CONDITION.exec(when.value);
  if (match === null) {
    issues.push(
      issueAt(
        when.node,
        'BINDING_STEP_CONDITION',
        `Step "${step}" says when: "${when.value}", which is not "$steps.<step>.<path> == <value>" (or !=).`,
        'write e.g. when: "$steps.invoice.status == INVOICE_STATUS_PAID"; a value with spaces in \\"quotes\\".',
      ),
    );
    return undefined;
  }
  return {
    path: (match[1] as string).split('.'),
    equals: match[2] === '==',
    value: match[3] ?? (match[4] as string),
    node: when.node,
  };
}

/** The arguments only a write step has: a read repeats freely and changes nothing to undo. */
const WRITE_ONLY = Object.freeze([
  'repeat',
  'lookup',
  'lookupArgs',
  'lookupPath',
  'undo',
  'undoArgs',
  'cannotUndo',
]);

/** A `read: true` step: a query whose answer later steps read; it takes no repeat or undo. */
function readReadStep(
  directive: ConstDirectiveNode,
  issues: CompositionIssue[],
  name: string,
  source: string,
  operation: string,
): StepBinding | undefined {
  for (const arg of directive.arguments ?? [])
    if (WRITE_ONLY.includes(arg.name.value))
      issues.push(
        issueAt(
          arg,
          'BINDING_STEP_READ',
          `Step "${name}" is a read, so it takes no ${arg.name.value}: a read is always safe to send again and changes nothing to undo.`,
          `remove ${arg.name.value}, or remove read: true if the step changes something.`,
        ),
      );
  const when = stringArg(directive, 'when');
  if (when !== undefined)
    issues.push(
      issueAt(
        when.node,
        'BINDING_STEP_CONDITION',
        `Step "${name}" is a read, so it takes no when: a read changes nothing and always runs.`,
        'remove when, or put it on the write step it guards.',
      ),
    );
  const path = pathArgument(directive, 'path', issues, '$');
  if (path === undefined) return undefined;
  return {
    name,
    source,
    operation,
    args: templatesArg(directive, 'args', issues),
    path,
    repeat: { kind: 'read' },
    node: directive,
  };
}

function readStep(
  directive: ConstDirectiveNode,
  issues: CompositionIssue[],
): StepBinding | undefined {
  const name = stringArg(directive, 'name');
  const source = stringArg(directive, 'source');
  const operation = stringArg(directive, 'operation');
  if (name === undefined || source === undefined || operation === undefined) return undefined; // SDL validation reported it
  if (booleanArg(directive, 'read'))
    return readReadStep(directive, issues, name.value, source.value, operation.value);
  const given = stringArg(directive, 'repeat');
  if (given === undefined) {
    issues.push(
      issueAt(
        directive,
        'BINDING_STEP_REPEAT',
        `Step "${name.value}" changes something but does not say how sending it again is made safe.`,
        `add repeat: ${REPEAT_MODES.map((mode) => `"${mode}"`).join(', ')}; or read: true for a step that only reads.`,
      ),
    );
  }
  // Reported above; checked on as "never" so the rest of the write is checked too.
  const repeat = given ?? { value: 'never', node: directive };
  const args = templatesArg(directive, 'args', issues);
  const path = pathArgument(directive, 'path', issues, '$');
  let repeatBinding: RepeatBinding | undefined;
  const lookup = stringArg(directive, 'lookup');
  if (
    repeat.value === 'idempotency-key' ||
    repeat.value === 'never' ||
    repeat.value === 'idempotent'
  )
    repeatBinding = { kind: repeat.value };
  else if (repeat.value === 'lookup') {
    const lookupPath = pathArgument(directive, 'lookupPath', issues, '$');
    if (lookup === undefined)
      issues.push(
        issueAt(
          repeat.node,
          'BINDING_STEP_REPEAT',
          `Step "${name.value}" is repeated by "lookup" but names no lookup operation.`,
          `add lookup: "<a ${source.value} query that finds the earlier result>" and lookupArgs.`,
        ),
      );
    else if (lookupPath !== undefined)
      repeatBinding = {
        kind: 'lookup',
        operation: lookup.value,
        args: templatesArg(directive, 'lookupArgs', issues),
        path: lookupPath,
      };
  } else {
    issues.push(
      issueAt(
        repeat.node,
        'BINDING_STEP_REPEAT',
        `Step "${name.value}" says repeat: "${repeat.value}", which is not a repeat mode.`,
        `use one of ${REPEAT_MODES.map((mode) => `"${mode}"`).join(', ')}.`,
        1,
      ),
    );
  }
  if (lookup !== undefined && repeat.value !== 'lookup')
    issues.push(
      issueAt(
        lookup.node,
        'BINDING_STEP_REPEAT',
        `Step "${name.value}" names a lookup but repeats by "${repeat.value}".`,
        'say repeat: "lookup", or remove lookup.',
      ),
    );
  const undo = stringArg(directive, 'undo');
  const cannotUndo = stringArg(directive, 'cannotUndo');
  if (undo !== undefined && cannotUndo !== undefined)
    issues.push(
      issueAt(
        cannotUndo.node,
        'BINDING_STEP_UNDO',
        `Step "${name.value}" has both undo and cannotUndo.`,
        'keep the one that is true.',
      ),
    );
  if (cannotUndo !== undefined && cannotUndo.value.trim() === '')
    issues.push(
      issueAt(
        cannotUndo.node,
        'BINDING_STEP_UNDO',
        `Step "${name.value}" says cannotUndo without a reason.`,
        'say why, e.g. cannotUndo: "money captured is refunded, not undone".',
      ),
    );
  const when = conditionArg(directive, issues, name.value);
  if (path === undefined || repeatBinding === undefined) return undefined;
  return {
    name: name.value,
    ...(when === undefined ? {} : { when }),
    source: source.value,
    operation: operation.value,
    args,
    path,
    repeat: repeatBinding,
    ...(undo === undefined
      ? {}
      : { undo: { operation: undo.value, args: templatesArg(directive, 'undoArgs', issues) } }),
    ...(cannotUndo === undefined ? {} : { cannotUndo: cannotUndo.value }),
    node: directive,
  };
}

/** Adds one @step or @answer to what the field has so far. */
export function readWriteDirective(
  directive: ConstDirectiveNode,
  sofar: WriteBinding | undefined,
  issues: CompositionIssue[],
): WriteBinding {
  const binding: WriteBinding = sofar ?? { steps: [] };
  if (directive.name.value === 'answer') {
    const step = stringArg(directive, 'step');
    const path = pathArgument(directive, 'path', issues, '$');
    return step === undefined || path === undefined
      ? binding
      : { ...binding, answer: { step: step.value, path, node: directive } };
  }
  const step = readStep(directive, issues);
  return step === undefined ? binding : { ...binding, steps: [...binding.steps, step] };
}
