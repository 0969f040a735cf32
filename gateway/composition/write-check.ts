/**
 * Checks a write mutation's declarations (@step, @answer, and the @owner of
 * the input fields its steps send) against the sources at composition, each
 * problem at its file and line: an unknown source or operation, a step that
 * reads a later step, a step that cannot be undone without saying so, an
 * input field sent to a system that does not own it. check.ts calls it for
 * every Mutation field with @step and feeds the answer type from the result.
 */
import {
  getNamedType,
  isInputObjectType,
  isLeafType,
  isNonNullType,
  type ASTNode,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { ArgTemplate } from './bindings.js';
import type { InvalidationBinding } from './invalidates.js';
import { issueAt, suggest, type CompositionIssue, type CompositionIssueCode } from './issues.js';
import { describeRef, enumValuesOf, refOf, resolvePath, type SourceRef } from './source-types.js';
import type { ArgTemplates, StepBinding, WriteBinding } from './write-bindings.js';

/** What `$caller.` may read: what the journal keeps of the caller (its identity, the request id), so recovery builds the same arguments. */
export const CALLER_FIELDS = Object.freeze(['id', 'requestId', 'partner'] as const);

export interface WriteCheckInput {
  readonly unified: GraphQLSchema;
  readonly sources: ReadonlyMap<string, { readonly schema: GraphQLSchema }>;
  readonly field: GraphQLField<unknown, unknown>;
  readonly label: string;
  readonly write: WriteBinding;
  readonly errors: CompositionIssue[];
  /** The field's @invalidates: those reading `$steps.` are checked here, against the step's answer. */
  readonly invalidates?: readonly InvalidationBinding[];
  /** check.ts's check of one template against an operation argument's type ($args references, objects, lists). */
  readonly checkTemplate: (template: ArgTemplate, type: GraphQLInputType) => void;
}

/** The system that owns an input field (@owner), if any. */
export function ownerOf(field: GraphQLInputField): { source: string; node: ASTNode } | undefined {
  const directive = field.astNode?.directives?.find(
    (candidate) => candidate.name.value === 'owner',
  );
  const value = directive?.arguments?.find((arg) => arg.name.value === 'source')?.value;
  return directive !== undefined && value?.kind === 'StringValue'
    ? { source: value.value, node: directive }
    : undefined;
}

/** The `$args.` paths of a mutation's input fields that have an owner, with the owner. */
export function ownedInputFields(
  field: GraphQLField<unknown, unknown>,
): Array<{ path: readonly string[]; source: string; node: ASTNode }> {
  const out: Array<{ path: readonly string[]; source: string; node: ASTNode }> = [];
  const walk = (
    type: GraphQLInputType,
    path: readonly string[],
    seen: ReadonlySet<string>,
  ): void => {
    const named = getNamedType(type);
    if (!isInputObjectType(named) || seen.has(named.name)) return;
    for (const inner of Object.values(named.getFields())) {
      const owner = ownerOf(inner);
      if (owner !== undefined)
        out.push({ path: [...path, inner.name], source: owner.source, node: owner.node });
      walk(inner.type, [...path, inner.name], new Set([...seen, named.name]));
    }
  };
  for (const arg of field.args) walk(arg.type, [arg.name], new Set());
  return out;
}

function refsIn(template: ArgTemplate, out: Array<Extract<ArgTemplate, { kind: 'ref' }>>): void {
  if (template.kind === 'ref') out.push(template);
  else if (template.kind === 'object')
    for (const { template: inner } of template.fields.values()) refsIn(inner, out);
  else if (template.kind === 'list') for (const inner of template.items) refsIn(inner, out);
  else if (template.kind === 'each') {
    refsIn(template.over, out);
    refsIn(template.item, out);
  }
}

/** Checks the write of one Mutation field; returns what its answer is, for check.ts to feed the field's type. */
export function checkWrite(
  input: WriteCheckInput,
): { ref: SourceRef; reads: string; node: ASTNode } | undefined {
  const { sources, field, label, write, errors } = input;
  const report = (
    node: ASTNode | null | undefined,
    code: CompositionIssueCode,
    message: string,
    fix?: string,
  ): void => {
    errors.push(issueAt(node, code, message, fix));
  };
  const answers = new Map<string, SourceRef | undefined>();
  const owned = ownedInputFields(field);
  for (const { source, node } of owned) {
    if (!sources.has(source))
      report(
        node,
        'BINDING_UNKNOWN_SOURCE',
        `@owner(source: "${source}") on an input of ${label} names no configured source.`,
        suggest(source, [...sources.keys()], 'sources'),
      );
  }

  /** The operation `name` of `source` at `root`, or undefined after reporting. */
  const operation = (
    step: StepBinding,
    name: string,
    root: 'query' | 'mutation',
    what: string,
  ): GraphQLField<unknown, unknown> | undefined => {
    const schema = sources.get(step.source)?.schema;
    if (schema === undefined) return undefined; // reported once per step
    const roots = { query: schema.getQueryType(), mutation: schema.getMutationType() };
    const found = roots[root]?.getFields()[name];
    if (found !== undefined) return found;
    const other = root === 'query' ? 'mutation' : 'query';
    if (roots[other]?.getFields()[name] !== undefined) {
      report(
        step.node,
        'BINDING_WRONG_ROOT',
        `${label}, step "${step.name}": ${what} ${step.source}.${name} is a ${other}, not a ${root}.`,
        root === 'mutation'
          ? 'a step and its undo change something: name a mutation, or say read: true for a step that only reads.'
          : what === 'the read step'
            ? 'a read step only reads: name a query, or remove read: true.'
            : 'a lookup only reads: name a query.',
      );
    } else {
      report(
        step.node,
        'BINDING_UNKNOWN_OPERATION',
        `${label}, step "${step.name}": ${what} ${step.source}.${name} does not exist as a ${root}.`,
        suggest(
          name,
          Object.keys(roots[root]?.getFields() ?? {}),
          `${step.source} ${root} operations`,
        ),
      );
    }
    return undefined;
  };

  /** Checks one set of arguments of a step (its call, lookup or undo); `visible` are the steps it may read. */
  const checkArgs = (
    step: StepBinding,
    op: GraphQLField<unknown, unknown>,
    args: ArgTemplates,
    visible: ReadonlySet<string>,
    what: string,
    node: ASTNode,
  ): void => {
    for (const [name, { template, node: argNode }] of args) {
      const arg = op.args.find((candidate) => candidate.name === name);
      if (arg === undefined)
        report(
          argNode,
          'BINDING_UNKNOWN_ARGUMENT',
          `${label}, step "${step.name}": ${what} passes "${name}" to ${step.source}.${op.name}, which has no such argument.`,
          suggest(
            name,
            op.args.map((candidate) => candidate.name),
            'arguments',
          ),
        );
      else input.checkTemplate(template, arg.type);
      const refs: Array<Extract<ArgTemplate, { kind: 'ref' }>> = [];
      refsIn(template, refs);
      for (const ref of refs) checkRef(step, ref, visible, what);
    }
    for (const arg of op.args) {
      if (isNonNullType(arg.type) && arg.defaultValue === undefined && !args.has(arg.name)) {
        report(
          node,
          'BINDING_MISSING_ARGUMENT',
          `${label}, step "${step.name}": ${what} calls ${step.source}.${op.name} without its required argument "${arg.name}".`,
          `add ${arg.name}: "$args.…", "$caller.…" or "$steps.…".`,
        );
      }
    }
  };

  const checkRef = (
    step: StepBinding,
    ref: Extract<ArgTemplate, { kind: 'ref' }>,
    visible: ReadonlySet<string>,
    what: string,
  ): void => {
    const [first = '', ...rest] = ref.path;
    const text = `$${ref.root}.${ref.path.join('.')}`;
    if (ref.root === 'caller') {
      if (!(CALLER_FIELDS as readonly string[]).includes(first) || rest.length > 0)
        report(
          ref.node,
          'BINDING_BAD_REFERENCE',
          `${label}, step "${step.name}": ${what} reads "${text}", which the caller does not have.`,
          `read one of ${CALLER_FIELDS.map((name) => `$caller.${name}`).join(', ')}.`,
        );
      return;
    }
    if (ref.root === 'args') {
      // Field ownership: an input field goes only to the system that owns it.
      for (const { path, source } of owned) {
        const reads =
          path.every((segment, index) => ref.path[index] === segment) ||
          ref.path.every((segment, index) => path[index] === segment);
        if (reads && source !== step.source) {
          report(
            ref.node,
            'BINDING_FIELD_OWNER',
            `${label}, step "${step.name}": ${what} sends "${text}" to ${step.source}, but $args.${path.join('.')} is owned by ${source}.`,
            `send it from a ${source} step, or change its @owner.`,
          );
        }
      }
      return;
    }
    if (ref.root === 'step') {
      // The key the step is sent with, for systems that take it as an argument (the erp's requestId).
      if (first !== 'key' || rest.length > 0)
        report(
          ref.node,
          'BINDING_BAD_REFERENCE',
          `${label}, step "${step.name}": ${what} reads "${text}"; a step has only $step.key.`,
          'write "$step.key" for the idempotency key the step (or its undo) is sent with.',
        );
      return;
    }
    if (ref.root === 'item') return; // an element of the `_each` list; its fields are checked where the element is sent
    if (ref.root !== 'steps') return;
    if (!answers.has(first)) {
      const later = write.steps.some((candidate) => candidate.name === first);
      report(
        ref.node,
        'BINDING_STEP_ORDER',
        later
          ? `${label}, step "${step.name}": ${what} reads "${text}", but step "${first}" comes later (or is this step, whose answer its own call cannot read).`
          : `${label}, step "${step.name}": ${what} reads "${text}", but there is no step "${first}".`,
        later
          ? "read only earlier steps' answers; move the step up, or read the answer in undoArgs."
          : suggest(first, [...visible], 'earlier steps'),
      );
      return;
    }
    if (!visible.has(first)) {
      report(
        ref.node,
        'BINDING_STEP_ORDER',
        `${label}, step "${step.name}": ${what} reads "${text}", which it cannot see: a call and a lookup read earlier steps only.`,
        "read this step's own answer only in undoArgs.",
      );
      return;
    }
    const answer = answers.get(first);
    if (answer === undefined) return;
    const result = resolvePath(answer, rest);
    if (!result.ok)
      report(
        ref.node,
        'BINDING_UNKNOWN_FIELD',
        `${label}, step "${step.name}": ${what} reads "${text}", but ${describeRef(result.on)} has no field "${result.missing}".`,
        suggest(result.missing, result.known, `fields of ${result.on.type.name}`),
      );
  };

  /** `@invalidates(keys: "$steps.<step>.<path>")`: a step of this write, a path in its answer, ending on a key value. */
  const checkStepKeys = (invalidation: InvalidationBinding): void => {
    if (invalidation.root !== 'steps') return;
    const node =
      invalidation.node.arguments?.find((arg) => arg.name.value === 'keys')?.value ??
      invalidation.node;
    const [name = '', ...rest] = invalidation.path;
    const text = `$steps.${invalidation.path.join('.')}`;
    if (!answers.has(name)) {
      report(
        node,
        'BINDING_STEP_ORDER',
        `@invalidates on ${label} reads "${text}", but there is no step "${name}".`,
        suggest(name, [...answers.keys()], 'steps'),
      );
      return;
    }
    const answer = answers.get(name);
    if (answer === undefined) return; // the step's own problem is reported
    const result = resolvePath(answer, rest);
    if (!result.ok) {
      report(
        node,
        'BINDING_UNKNOWN_FIELD',
        `@invalidates on ${label} reads "${text}", but ${describeRef(result.on)} has no field "${result.missing}".`,
        suggest(result.missing, result.known, `fields of ${result.on.type.name}`),
      );
      return;
    }
    if (!isLeafType(result.ref.type))
      report(
        node,
        'BINDING_TYPE_MISMATCH',
        `@invalidates on ${label} reads "${text}", which is ${describeRef(result.ref)}, not a key value (a scalar).`,
        `continue the path to the field that holds the ${invalidation.entity}'s key.`,
      );
  };

  /** `@step(when:)`: a leaf of an earlier step's answer, compared with a value it can have. */
  const checkCondition = (step: StepBinding, earlier: ReadonlySet<string>): void => {
    const when = step.when;
    if (when === undefined) return;
    const [name = '', ...rest] = when.path;
    const text = `$steps.${when.path.join('.')}`;
    if (!earlier.has(name)) {
      report(
        when.node,
        'BINDING_STEP_ORDER',
        `${label}, step "${step.name}": when reads "${text}", but there is no earlier step "${name}".`,
        suggest(name, [...earlier], 'earlier steps'),
      );
      return;
    }
    const answer = answers.get(name);
    if (answer === undefined) return;
    const result = resolvePath(answer, rest);
    if (!result.ok) {
      report(
        when.node,
        'BINDING_UNKNOWN_FIELD',
        `${label}, step "${step.name}": when reads "${text}", but ${describeRef(result.on)} has no field "${result.missing}".`,
        suggest(result.missing, result.known, `fields of ${result.on.type.name}`),
      );
      return;
    }
    if (!isLeafType(result.ref.type) || result.ref.list) {
      report(
        when.node,
        'BINDING_STEP_CONDITION',
        `${label}, step "${step.name}": when reads "${text}", which is ${describeRef(result.ref)}, not one value to compare.`,
        'continue the path to one scalar or enum field.',
      );
      return;
    }
    const values = enumValuesOf(result.ref.type);
    if (values !== undefined && !values.includes(when.value))
      report(
        when.node,
        'BINDING_STEP_CONDITION',
        `${label}, step "${step.name}": when compares "${text}" with ${when.value}, which is not a value of ${describeRef(result.ref)}.`,
        suggest(when.value, values, `values of ${result.ref.type.name}`),
      );
  };

  write.steps.forEach((step, index) => {
    const earlier = new Set(answers.keys());
    checkCondition(step, earlier);
    if (answers.has(step.name))
      report(
        step.node,
        'BINDING_STEP_ORDER',
        `${label} has two steps named "${step.name}".`,
        'give each step its own name.',
      );
    if (!sources.has(step.source)) {
      report(
        step.node,
        'BINDING_UNKNOWN_SOURCE',
        `${label}, step "${step.name}", writes to "${step.source}", which is not a configured source.`,
        suggest(step.source, [...sources.keys()], 'sources'),
      );
      answers.set(step.name, undefined);
      return;
    }
    const read = step.repeat.kind === 'read';
    const what = read ? 'the read step' : 'the step';
    const op = operation(step, step.operation, read ? 'query' : 'mutation', what);
    let answer: SourceRef | undefined;
    if (op !== undefined) {
      checkArgs(step, op, step.args, earlier, what, step.node);
      const result = resolvePath(refOf(step.source, op.type), step.path);
      if (result.ok) answer = result.ref;
      else
        report(
          step.node,
          'BINDING_UNKNOWN_FIELD',
          `${label}, step "${step.name}": path "${step.path.join('.')}" is not in ${describeRef(result.on)}.`,
          suggest(result.missing, result.known, `fields of ${result.on.type.name}`),
        );
    }
    if (step.repeat.kind === 'lookup') {
      const lookup = operation(step, step.repeat.operation, 'query', 'its lookup');
      if (lookup !== undefined) {
        checkArgs(step, lookup, step.repeat.args, earlier, 'its lookup', step.node);
        const found = resolvePath(refOf(step.source, lookup.type), step.repeat.path);
        if (!found.ok)
          report(
            step.node,
            'BINDING_UNKNOWN_FIELD',
            `${label}, step "${step.name}": lookupPath "${step.repeat.path.join('.')}" is not in ${describeRef(found.on)}.`,
            suggest(found.missing, found.known, `fields of ${found.on.type.name}`),
          );
      }
    }
    answers.set(step.name, answer);
    if (step.undo !== undefined) {
      const undo = operation(step, step.undo.operation, 'mutation', 'its undo');
      if (undo !== undefined)
        checkArgs(
          step,
          undo,
          step.undo.args,
          new Set([...earlier, step.name]),
          'its undo',
          step.node,
        );
    } else if (
      !read &&
      step.cannotUndo === undefined &&
      write.steps.slice(index + 1).some((later) => later.repeat.kind !== 'read')
    ) {
      report(
        step.node,
        'BINDING_STEP_UNDO',
        `${label}, step "${step.name}" says neither how it is undone nor why it cannot be, and a later step may fail.`,
        'add undo: "<operation>" with undoArgs, or cannotUndo: "<why>" (the write then goes to the dead-letter queue when a later step fails).',
      );
    }
  });

  for (const invalidation of input.invalidates ?? []) checkStepKeys(invalidation);

  if (write.answer === undefined) {
    report(
      field.astNode,
      'BINDING_WRITE_ANSWER',
      `${label} has @step but no @answer, so nothing says what it answers.`,
      `add @answer(step: "${write.steps[0]?.name ?? '<step>'}").`,
    );
    return undefined;
  }
  if (!answers.has(write.answer.step)) {
    report(
      write.answer.node,
      'BINDING_WRITE_ANSWER',
      `${label} answers with step "${write.answer.step}", which it does not have.`,
      suggest(write.answer.step, [...answers.keys()], 'steps'),
    );
    return undefined;
  }
  const stepAnswer = answers.get(write.answer.step);
  if (stepAnswer === undefined) return undefined;
  const result = resolvePath(stepAnswer, write.answer.path);
  if (!result.ok) {
    report(
      write.answer.node,
      'BINDING_UNKNOWN_FIELD',
      `${label}'s @answer reads "${write.answer.path.join('.')}", but ${describeRef(result.on)} has no field "${result.missing}".`,
      suggest(result.missing, result.known, `fields of ${result.on.type.name}`),
    );
    return undefined;
  }
  return {
    ref: result.ref,
    reads: `the answer of step "${write.answer.step}"`,
    node: write.answer.node,
  };
}
