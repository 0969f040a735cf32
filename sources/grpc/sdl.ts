/**
 * Renders the subgraph SDL from the contract model. Only types reachable
 * from an operation are emitted: output types from responses, input types
 * from requests.
 *
 * Choices (see docs): a request message is flattened into the field's
 * arguments; a oneof is a nested object of nullable members on output and a
 * `@oneOf` input on input (exactly one member, enforced in values.ts since
 * graphql 16 does not); map<k, v> is a list of { key, value } entries; a
 * message without fields gets `_empty: Boolean`, as GraphQL needs one field.
 */
import { print } from 'graphql';
import {
  constraintDirective,
  CONSTRAINT_DIRECTIVE_SDL,
  type OperationKind,
} from '../common/index.js';
import type {
  EnumModel,
  FieldModel,
  MemberModel,
  MessageModel,
  MethodModel,
  ValueType,
} from './model.js';

export interface SdlOperation {
  readonly method: MethodModel;
  readonly kind: OperationKind;
}

const CUSTOM_SCALARS = new Set([
  'DateTime',
  'Date',
  'Duration',
  'BigInt',
  'Decimal',
  'Base64',
  'JSON',
]);

function description(text: string | undefined, indent: string): string {
  if (!text) return '';
  // A block string ends at the first """, so an embedded one is escaped (GraphQL spec §2.9.4).
  return `${indent}"""\n${text
    .split('\n')
    .map((line) => `${indent}${line.trim().replace(/"""/g, '\\"""')}`)
    .join('\n')}\n${indent}"""\n`;
}

export function renderSdl(operations: readonly SdlOperation[]): string {
  const blocks: string[] = [];
  const emitted = new Set<string>();
  const scalars = new Set<string>();
  let usesOneOf = false;
  let usesConstraint = false;

  /** ` @constraint(...)` of an input field the contract's rules limit, else ''. */
  const constraintOf = (field: FieldModel, input: boolean): string => {
    const directive = input ? constraintDirective(field.constraint) : undefined;
    if (directive === undefined) return '';
    usesConstraint = true;
    return ` ${print(directive)}`;
  };

  const scalar = (name: string): string => {
    const bare = name.replace(/[[\]!]/g, '');
    if (CUSTOM_SCALARS.has(bare)) scalars.add(bare);
    return name;
  };

  function named(type: ValueType, input: boolean): string {
    switch (type.kind) {
      case 'scalar':
        return scalar(type.graphql);
      case 'wellKnown':
        return scalar(type.wellKnown.graphql);
      case 'enum':
        emitEnum(type.model);
        return type.model.name;
      case 'message':
        if (input) emitInput(type.model);
        else emitOutput(type.model);
        return input ? type.model.inputName : type.model.name;
    }
  }

  /** JSON items may be null (a ListValue holds null_value), every other list item is not. */
  const item = (type: ValueType, input: boolean): string => {
    const name = named(type, input);
    return type.kind === 'wellKnown' &&
      (type.wellKnown.graphql === 'JSON' || type.wellKnown.kind === 'fieldMask')
      ? name
      : `${name}!`;
  };

  function fieldType(field: FieldModel, input: boolean): string {
    if (field.map) {
      emitEntry(field, input);
      return input ? `[${field.map.entryInputName}!]` : `[${field.map.entryName}!]!`;
    }
    if (field.repeated)
      return input ? `[${item(field.type, input)}]` : `[${item(field.type, input)}]!`;
    const name = named(field.type, input);
    return input || field.nullable ? name : `${name}!`;
  }

  function fieldLines(members: readonly MemberModel[], input: boolean): string {
    if (members.length === 0)
      return '  "Always null: the message has no fields, and GraphQL needs one."\n  _empty: Boolean\n';
    return members
      .map((member) => {
        if (member.kind === 'field')
          return `${description(member.field.description, '  ')}  ${member.field.name}: ${fieldType(member.field, input)}${constraintOf(member.field, input)}\n`;
        const { oneof } = member;
        if (input) emitOneofInput(oneof.inputName, oneof.members);
        else emitOneofOutput(oneof.typeName, oneof.members);
        return `${description(oneof.description, '  ')}  ${oneof.name}: ${input ? oneof.inputName : oneof.typeName}\n`;
      })
      .join('');
  }

  function claim(name: string): boolean {
    if (emitted.has(name)) return false;
    emitted.add(name);
    return true;
  }

  /** Reserves the block's place before its fields are rendered, so recursive types keep first-visit order. */
  function block(render: () => string): void {
    const index = blocks.push('') - 1;
    blocks[index] = render();
  }

  function emitEnum(model: EnumModel): void {
    if (!claim(model.name)) return;
    block(
      () =>
        `${description(model.description, '')}enum ${model.name} {\n${model.values.map((value) => `  ${value.name}\n`).join('')}}\n`,
    );
  }

  function emitOutput(model: MessageModel): void {
    if (!claim(model.name)) return;
    block(
      () =>
        `${description(model.description, '')}type ${model.name} {\n${fieldLines(model.members, false)}}\n`,
    );
  }

  function emitInput(model: MessageModel): void {
    if (!claim(model.inputName)) return;
    block(
      () =>
        `${description(model.description, '')}input ${model.inputName} {\n${fieldLines(model.members, true)}}\n`,
    );
  }

  function emitOneofOutput(name: string, members: readonly FieldModel[]): void {
    if (!claim(name)) return;
    block(
      () =>
        `"Exactly one member is set."\ntype ${name} {\n${members.map((member) => `${description(member.description, '  ')}  ${member.name}: ${named(member.type, false)}\n`).join('')}}\n`,
    );
  }

  function emitOneofInput(name: string, members: readonly FieldModel[]): void {
    usesOneOf = true;
    if (!claim(name)) return;
    block(
      () =>
        `"Give exactly one member."\ninput ${name} @oneOf {\n${members.map((member) => `${description(member.description, '  ')}  ${member.name}: ${named(member.type, true)}${constraintOf(member, true)}\n`).join('')}}\n`,
    );
  }

  function emitEntry(field: FieldModel, input: boolean): void {
    const map = field.map;
    if (!map) return;
    const name = input ? map.entryInputName : map.entryName;
    if (!claim(name)) return;
    const valueNullable = input || field.type.kind === 'message' || field.type.kind === 'wellKnown';
    block(
      () =>
        `"One entry of a protobuf map."\n${input ? 'input' : 'type'} ${name} {\n  key: ${named(map.key, input)}!\n  value: ${named(field.type, input)}${valueNullable ? '' : '!'}\n}\n`,
    );
  }

  function args(method: MethodModel): string {
    const request = method.request;
    if (request.kind === 'wellKnown')
      return request.wellKnown.kind === 'empty' ? '' : `(value: ${named(request, true)})`;
    if (request.kind !== 'message' || request.model.members.length === 0) return '';
    return `(\n${fieldLines(request.model.members, true).replace(/^/gm, '  ').trimEnd()}\n  )`;
  }

  const roots: Record<OperationKind, string[]> = { query: [], mutation: [], subscription: [] };
  for (const { method, kind } of operations) {
    roots[kind].push(
      `${description(method.description, '  ')}  ${method.name}${args(method)}: ${named(method.response, false)}\n`,
    );
  }
  if (roots.query.length === 0)
    roots.query.push(
      '  "Always null: this source has no query operations, and GraphQL needs a Query type."\n  _empty: Boolean\n',
    );

  const head: string[] = [];
  if (usesOneOf)
    head.push(
      '"An input object that takes exactly one of its fields."\ndirective @oneOf on INPUT_OBJECT\n',
    );
  if (usesConstraint) head.push(`${CONSTRAINT_DIRECTIVE_SDL}\n`);
  for (const name of [...scalars].sort()) head.push(`scalar ${name}\n`);
  const rootBlocks = (['query', 'mutation', 'subscription'] as const)
    .filter((kind) => roots[kind].length > 0)
    .map(
      (kind) =>
        `type ${kind.charAt(0).toUpperCase()}${kind.slice(1)} {\n${roots[kind].join('')}}\n`,
    );
  return [...head, ...rootBlocks, ...blocks].join('\n');
}
