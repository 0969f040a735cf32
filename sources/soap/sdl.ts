/**
 * Shapes → the subgraph's SDL. Only the types reachable from an operation
 * are printed, output and input types separately, so the document stays as
 * small as the operations need, and the same on every build.
 */
import { parse, print, type DocumentNode } from 'graphql';
import { constraintDirective, CONSTRAINT_DIRECTIVE_SDL } from '../common/index.js';
import type { FieldShape, ObjectShape, Shape } from './shapes.js';
import type { ResultPlan } from './plan.js';

export interface OperationSpec {
  readonly fieldName: string;
  readonly kind: 'query' | 'mutation';
  readonly args: readonly FieldShape[];
  readonly result: ResultPlan;
  readonly description: string | undefined;
}

const BUILT_IN_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

const describe = (text: string | undefined, indent = ''): string =>
  text ? `${indent}${JSON.stringify(text)}\n` : '';

function namedType(shape: Shape, input: boolean): string {
  if (shape.kind === 'scalar') return shape.scalar;
  if (shape.kind === 'enum') return shape.name;
  return input ? shape.inputName : shape.name;
}

function outputType(field: FieldShape): string {
  const named = field.name === '_empty' ? 'Boolean' : namedType(field.shape, false);
  // A list that is absent on the wire reads as [], so the list itself is never null.
  if (field.list) return `[${named}${field.nillable ? '' : '!'}]!`;
  return field.optional ? named : `${named}!`;
}

function inputType(field: FieldShape): string {
  const named = namedType(field.shape, true);
  if (field.list) return `[${named}${field.nillable ? '' : '!'}]${field.optional ? '' : '!'}`;
  return field.optional ? named : `${named}!`;
}

/** ` @constraint(...)` for an argument or input field the contract limits, else ''. */
function constraintOf(field: FieldShape): string {
  const directive = constraintDirective(field.constraint);
  return directive === undefined ? '' : ` ${print(directive)}`;
}

/** Output fields: every field. Input fields: what can be written (not `otherAttributes`). */
const writable = (field: FieldShape): boolean => field.role !== 'anyAttribute';

export function buildTypeDefs(operations: readonly OperationSpec[]): DocumentNode {
  const outputs = new Map<string, ObjectShape>();
  const inputs = new Map<string, ObjectShape>();
  const enums = new Map<string, Extract<Shape, { kind: 'enum' }>>();
  const scalars = new Set<string>();

  const visit = (shape: Shape, input: boolean): void => {
    if (shape.kind === 'scalar') {
      if (!BUILT_IN_SCALARS.has(shape.scalar)) scalars.add(shape.scalar);
      return;
    }
    if (shape.kind === 'enum') {
      enums.set(shape.name, shape);
      return;
    }
    const seen = input ? inputs : outputs;
    if (seen.has(shape.name)) return;
    seen.set(shape.name, shape);
    for (const field of shape.fields) if (!input || writable(field)) visit(field.shape, input);
  };

  for (const op of operations) {
    for (const arg of op.args) visit(arg.shape, true);
    if (op.result.kind === 'field') visit(op.result.field.shape, false);
    if (op.result.kind === 'object') visit(op.result.shape, false);
  }

  const resultType = (result: ResultPlan): string => {
    if (result.kind === 'empty') return 'Boolean';
    if (result.kind === 'object') return result.shape.name;
    // The root field stays nullable unless it is a list: a fault nulls one field, not its parent.
    const type = outputType(result.field);
    return result.field.list ? type : type.replace(/!$/, '');
  };

  const chunks: string[] = [];
  for (const kind of ['query', 'mutation'] as const) {
    const ops = operations.filter((op) => op.kind === kind);
    if (ops.length === 0 && kind === 'mutation') continue;
    const lines = ops.map((op) => {
      const args = op.args
        .filter(writable)
        .map((arg) => `${arg.name}: ${inputType(arg)}${constraintOf(arg)}`);
      return `${describe(op.description, '  ')}  ${op.fieldName}${args.length ? `(${args.join(', ')})` : ''}: ${resultType(op.result)}`;
    });
    // A subgraph of mutations only still needs a Query type to be a valid schema.
    if (lines.length === 0)
      lines.push(
        '  "Present because a schema needs a Query type; always null."\n  _empty: Boolean',
      );
    chunks.push(`type ${kind === 'query' ? 'Query' : 'Mutation'} {\n${lines.join('\n')}\n}`);
  }
  for (const name of [...scalars].sort()) chunks.push(`scalar ${name}`);
  for (const shape of enums.values())
    chunks.push(
      `${describe(shape.description)}enum ${shape.name} {\n${shape.values.map((v) => `  ${v.graphql}`).join('\n')}\n}`,
    );
  for (const shape of outputs.values()) {
    chunks.push(
      `${describe(shape.description)}type ${shape.name} {\n${shape.fields.map((f) => `  ${f.name}: ${outputType(f)}`).join('\n')}\n}`,
    );
  }
  for (const shape of inputs.values()) {
    const fields = shape.fields.filter(writable);
    const lines = fields.length
      ? fields.map((f) => `  ${f.name}: ${inputType(f)}${constraintOf(f)}`)
      : ['  _empty: Boolean'];
    chunks.push(`input ${shape.inputName} {\n${lines.join('\n')}\n}`);
  }
  const constrained =
    operations.some((op) => op.args.some((arg) => writable(arg) && arg.constraint)) ||
    [...inputs.values()].some((shape) => shape.fields.some((f) => writable(f) && f.constraint));
  if (constrained) chunks.push(CONSTRAINT_DIRECTIVE_SDL);
  return parse(chunks.join('\n\n'), { noLocation: true });
}
