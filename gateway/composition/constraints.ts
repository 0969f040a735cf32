/**
 * `@constraint`: the limits of an argument or input field in the unified
 * schema (a page size, a string's length or shape, a quantity's range, a
 * list's length). Read once at composition, checked against the field's type
 * (a range on a number, a length on a string, items on a list), and enforced
 * on every request by gateway/plugins/input-constraints.ts before any
 * backend is called. Like the binding directives it is removed from what
 * callers see; the field's description states the limit for them.
 */
import {
  buildASTSchema,
  getDirectiveValues,
  parse,
  getNamedType,
  GraphQLDirective,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  isNonNullType,
  isScalarType,
  type GraphQLInputType,
  type GraphQLSchema,
  type InputValueDefinitionNode,
} from 'graphql';
import { CONSTRAINT_DIRECTIVE_SDL } from '../../sources/common/index.js';
import { issueAt, type CompositionIssue } from './issues.js';

/** One argument's or input field's limits; every member optional. */
export interface InputConstraint {
  /** Smallest number allowed (inclusive). */
  readonly min?: number;
  /** Largest number allowed (inclusive). */
  readonly max?: number;
  /** Fewest characters in a string (counted as code points). */
  readonly minLength?: number;
  /** Most characters in a string (counted as code points). */
  readonly maxLength?: number;
  /** A regular expression (JavaScript, unicode) the whole string must match. */
  readonly pattern?: RegExp;
  /** Fewest items in a list. */
  readonly minItems?: number;
  /** Most items in a list. */
  readonly maxItems?: number;
}

/** By coordinate: "Query.products(first:)" for an argument, "PlaceOrderInput.lines" for an input field. */
export type InputConstraints = ReadonlyMap<string, InputConstraint>;

export const CONSTRAINT_DIRECTIVE = 'constraint';

/** The kind of value a constraint member applies to. */
const APPLIES_TO: Record<keyof InputConstraint, 'number' | 'string' | 'list'> = {
  min: 'number',
  max: 'number',
  minLength: 'string',
  maxLength: 'string',
  pattern: 'string',
  minItems: 'list',
  maxItems: 'list',
};

function kindsOf(type: GraphQLInputType): Set<'number' | 'string' | 'list'> {
  const kinds = new Set<'number' | 'string' | 'list'>();
  let inner: GraphQLInputType = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) kinds.add('list');
  while (isListType(inner) || isNonNullType(inner)) inner = inner.ofType;
  const named = getNamedType(inner);
  if (isScalarType(named)) {
    if (named.name === 'Int' || named.name === 'Float') kinds.add('number');
    // ID, String and custom scalars serialised as strings (Decimal, DateTime...) take string limits.
    else if (named.name !== 'Boolean') kinds.add('string');
  } else if (isEnumType(named)) kinds.add('string');
  return kinds;
}

function readOne(directive: GraphQLDirective, node: InputValueDefinitionNode, type: GraphQLInputType, coordinate: string, errors: CompositionIssue[]): InputConstraint | undefined {
  const values = getDirectiveValues(directive, node) as Record<string, unknown> | undefined;
  if (values === undefined) return undefined;
  const kinds = kindsOf(type);
  const constraint: Record<string, number | RegExp> = {};
  for (const [member, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    const appliesTo = APPLIES_TO[member as keyof InputConstraint];
    if (!kinds.has(appliesTo)) {
      errors.push(issueAt(node, 'CONSTRAINT_INVALID', `${coordinate} has @constraint(${member}:), which applies to a ${appliesTo}, but its type is ${type.toString()}.`, `remove ${member}, or use a member for its type (min/max for numbers, minLength/maxLength/pattern for strings, minItems/maxItems for lists).`));
      continue;
    }
    if (member === 'pattern') {
      try {
        constraint.pattern = new RegExp(`^(?:${String(value)})$`, 'u');
      } catch {
        errors.push(issueAt(node, 'CONSTRAINT_INVALID', `${coordinate} has a @constraint pattern that is not a valid regular expression.`, 'write a JavaScript regular expression (it must match the whole value; no slashes or flags).'));
      }
    } else constraint[member] = value as number;
  }
  return constraint as InputConstraint;
}

let builtIn: GraphQLDirective | undefined;

/** The declaration sources use (sources/common/constraints.ts), as a GraphQLDirective. */
function builtInDirective(): GraphQLDirective {
  builtIn ??= buildASTSchema(parse(`${CONSTRAINT_DIRECTIVE_SDL}\ntype Query { _: Boolean }`)).getDirective(CONSTRAINT_DIRECTIVE) as GraphQLDirective;
  return builtIn;
}

/** Every `@constraint` of the unified schema, by coordinate; a misplaced one is a CONSTRAINT_INVALID issue. */
export function readConstraints(unified: GraphQLSchema, errors: CompositionIssue[]): InputConstraints {
  // A schema built from several subgraphs (the namespaced view) may not declare the directive its nodes carry.
  const directive = unified.getDirective(CONSTRAINT_DIRECTIVE) ?? builtInDirective();
  const constraints = new Map<string, InputConstraint>();
  const add = (coordinate: string, node: InputValueDefinitionNode | undefined | null, type: GraphQLInputType): void => {
    if (node === undefined || node === null) return;
    const constraint = readOne(directive, node, type, coordinate, errors);
    if (constraint !== undefined && Object.keys(constraint).length > 0) constraints.set(coordinate, constraint);
  };
  for (const type of Object.values(unified.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) add(`${type.name}.${field.name}`, field.astNode, field.type);
    } else if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        for (const arg of field.args) add(`${type.name}.${field.name}(${arg.name}:)`, arg.astNode, arg.type);
      }
    }
  }
  return constraints;
}
