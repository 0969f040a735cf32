/**
 * Shapes and operation signatures → the subgraph's DocumentNode. Built as
 * AST rather than as SDL text so no name or description from the contract
 * can break out of its place. The order is fixed (scalars, Query, Mutation,
 * then types by name) so two builds print the same SDL.
 */
import {
  Kind,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type NameNode,
  type StringValueNode,
  type TypeNode,
} from 'graphql';
import { constraintDirective, constraintDirectiveDefinition } from '../common/index.js';
import type { NamedShape, TypeRef } from './shapes.js';

export interface ArgumentSignature {
  readonly name: string;
  readonly type: TypeRef;
  readonly description?: string;
}

export interface OperationSignature {
  readonly name: string;
  readonly kind: 'query' | 'mutation';
  readonly args: readonly ArgumentSignature[];
  readonly result: TypeRef;
  readonly description?: string;
}

const BUILT_IN_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

const name = (value: string): NameNode => ({ kind: Kind.NAME, value });

function description(text: string | undefined): StringValueNode | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  // Block strings read better in print-subgraph; graphql's printer escapes any """ inside.
  return { kind: Kind.STRING, value: text.trim(), block: text.includes('\n') };
}

export function typeNode(ref: TypeRef): TypeNode {
  const inner =
    ref.shape.kind === 'list'
      ? ({ kind: Kind.LIST_TYPE, type: typeNode(ref.shape.of) } as const)
      : ({ kind: Kind.NAMED_TYPE, name: name(ref.shape.name) } as const);
  return ref.nonNull ? { kind: Kind.NON_NULL_TYPE, type: inner } : inner;
}

function inputValue(arg: ArgumentSignature): InputValueDefinitionNode {
  const directive = constraintDirective(arg.type.constraint);
  return {
    kind: Kind.INPUT_VALUE_DEFINITION,
    name: name(arg.name),
    type: typeNode(arg.type),
    description: description(arg.description),
    ...(directive === undefined ? {} : { directives: [directive] }),
  };
}

/** Does any argument or input field carry a contract limit (so typeDefs must declare @constraint)? */
function usesConstraints(
  shapes: readonly NamedShape[],
  operations: readonly OperationSignature[],
): boolean {
  return (
    operations.some((operation) =>
      operation.args.some((arg) => arg.type.constraint !== undefined),
    ) ||
    shapes.some(
      (shape) =>
        shape.kind === 'object' &&
        shape.input &&
        shape.fields.some((f) => f.type.constraint !== undefined),
    )
  );
}

function field(
  fieldName: string,
  type: TypeRef,
  text: string | undefined,
  args: readonly ArgumentSignature[] = [],
): FieldDefinitionNode {
  return {
    kind: Kind.FIELD_DEFINITION,
    name: name(fieldName),
    type: typeNode(type),
    description: description(text),
    arguments: args.map(inputValue),
  };
}

function shapeDefinition(shape: NamedShape): DefinitionNode {
  switch (shape.kind) {
    case 'enum':
      return {
        kind: Kind.ENUM_TYPE_DEFINITION,
        name: name(shape.name),
        description: description(shape.description),
        values: shape.values.map((value) => ({
          kind: Kind.ENUM_VALUE_DEFINITION,
          name: name(value.name),
          description: description(
            value.name === String(value.wire).toUpperCase()
              ? undefined
              : `Sent as ${JSON.stringify(value.wire)}.`,
          ),
        })),
      };
    case 'union':
      return {
        kind: Kind.UNION_TYPE_DEFINITION,
        name: name(shape.name),
        description: description(shape.description),
        types: shape.members.map((member) => ({ kind: Kind.NAMED_TYPE, name: name(member.name) })),
      };
    case 'object':
      if (shape.input) {
        return {
          kind: Kind.INPUT_OBJECT_TYPE_DEFINITION,
          name: name(shape.name),
          description: description(shape.description),
          directives: shape.oneOf ? [{ kind: Kind.DIRECTIVE, name: name('oneOf') }] : [],
          fields: shape.fields.map((f) =>
            inputValue({
              name: f.name,
              type: f.type,
              ...(f.description === undefined ? {} : { description: f.description }),
            }),
          ),
        };
      }
      return {
        kind: Kind.OBJECT_TYPE_DEFINITION,
        name: name(shape.name),
        description: description(shape.description),
        fields: shape.fields.map((f) => field(f.name, f.type, f.description)),
      };
  }
}

/** Every custom scalar the subgraph uses, so its typeDefs declare them (`scalar DateTime`). */
function usedScalars(
  shapes: readonly NamedShape[],
  operations: readonly OperationSignature[],
): string[] {
  const used = new Set<string>();
  const note = (ref: TypeRef): void => {
    const shape = ref.shape;
    if (shape.kind === 'scalar' && !BUILT_IN_SCALARS.has(shape.name)) used.add(shape.name);
    if (shape.kind === 'list') note(shape.of);
  };
  for (const shape of shapes)
    if (shape.kind === 'object') shape.fields.forEach((f) => note(f.type));
  for (const operation of operations) {
    note(operation.result);
    operation.args.forEach((arg) => note(arg.type));
  }
  return [...used].sort();
}

export function buildTypeDefs(
  shapes: readonly NamedShape[],
  operations: readonly OperationSignature[],
): DocumentNode {
  const definitions: DefinitionNode[] = usedScalars(shapes, operations).map((scalarName) => ({
    kind: Kind.SCALAR_TYPE_DEFINITION,
    name: name(scalarName),
  }));
  if (usesConstraints(shapes, operations)) definitions.push(constraintDirectiveDefinition());
  const queries = operations.filter((op) => op.kind === 'query');
  const mutations = operations.filter((op) => op.kind === 'mutation');
  const placeholder = [
    field(
      '_empty',
      { shape: { kind: 'scalar', name: 'Boolean' }, nonNull: false },
      'The contract has no read operations; GraphQL needs one Query field.',
    ),
  ];
  definitions.push({
    kind: Kind.OBJECT_TYPE_DEFINITION,
    name: name('Query'),
    fields:
      queries.length === 0
        ? placeholder
        : queries.map((op) => field(op.name, op.result, op.description, op.args)),
  });
  if (mutations.length > 0) {
    definitions.push({
      kind: Kind.OBJECT_TYPE_DEFINITION,
      name: name('Mutation'),
      fields: mutations.map((op) => field(op.name, op.result, op.description, op.args)),
    });
  }
  const sorted = [...shapes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const shape of sorted) definitions.push(shapeDefinition(shape));
  return { kind: Kind.DOCUMENT, definitions };
}
