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
  Kind,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
  type InputValueDefinitionNode,
} from 'graphql';
import {
  CONSTRAINT_DIRECTIVE_SDL,
  canonicalDecimal,
  compareBounds,
  numberToDecimal,
} from '../../sources/common/index.js';
import type { ArgTemplate, FieldBinding } from './bindings.js';
import { issueAt, type CompositionIssue } from './issues.js';

/**
 * One argument's or input field's limits; every member optional. On a
 * BigInt or Decimal (numbers written as strings) a bound is the literal's
 * own digits, a string, compared exactly: a double would read xs:long's
 * 9223372036854775807 as 2^63.
 */
export interface InputConstraint {
  /** Smallest number allowed (inclusive). */
  readonly min?: number | string;
  /** Largest number allowed (inclusive). */
  readonly max?: number | string;
  /** The number must be greater than this. */
  readonly exclusiveMin?: number | string;
  /** The number must be less than this. */
  readonly exclusiveMax?: number | string;
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
  exclusiveMin: 'number',
  exclusiveMax: 'number',
  minLength: 'string',
  maxLength: 'string',
  pattern: 'string',
  minItems: 'list',
  maxItems: 'list',
};

/** Scalars whose values are numbers written as strings (sources/common/scalars.ts). */
const DIGIT_SCALARS = new Set(['BigInt', 'Decimal']);

const BOUNDS = new Set(['min', 'max', 'exclusiveMin', 'exclusiveMax']);

/**
 * The digits of bound `member` as the directive's literal states them, for a
 * BigInt or Decimal value; undefined when the value is not a number literal.
 */
function literalBound(node: InputValueDefinitionNode, member: string): string | undefined {
  const directive = node.directives?.find((d) => d.name.value === CONSTRAINT_DIRECTIVE);
  const value = directive?.arguments?.find((a) => a.name.value === member)?.value;
  if (value === undefined || (value.kind !== Kind.INT && value.kind !== Kind.FLOAT))
    return undefined;
  // 1e3 is a Float literal but not digits; its double is exact enough to be written out.
  const exact = canonicalDecimal(value.value);
  const number = Number(value.value);
  return exact ?? (Number.isFinite(number) ? numberToDecimal(number) : undefined);
}

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
    // Numbers written as strings take ranges too, compared on their digits.
    if (DIGIT_SCALARS.has(named.name)) kinds.add('number');
  } else if (isEnumType(named)) kinds.add('string');
  return kinds;
}

function readOne(
  directive: GraphQLDirective,
  node: InputValueDefinitionNode,
  type: GraphQLInputType,
  coordinate: string,
  errors: CompositionIssue[],
): InputConstraint | undefined {
  const values = getDirectiveValues(directive, node) as Record<string, unknown> | undefined;
  if (values === undefined) return undefined;
  const kinds = kindsOf(type);
  const constraint: Record<string, number | string | RegExp> = {};
  for (const [member, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    const appliesTo = APPLIES_TO[member as keyof InputConstraint];
    if (!kinds.has(appliesTo)) {
      errors.push(
        issueAt(
          node,
          'CONSTRAINT_INVALID',
          `${coordinate} has @constraint(${member}:), which applies to a ${appliesTo}, but its type is ${type.toString()}.`,
          `remove ${member}, or use a member for its type (min/max/exclusiveMin/exclusiveMax for numbers, minLength/maxLength/pattern for strings, minItems/maxItems for lists).`,
        ),
      );
      continue;
    }
    if (member === 'pattern') {
      try {
        constraint.pattern = new RegExp(`^(?:${String(value)})$`, 'u');
      } catch {
        errors.push(
          issueAt(
            node,
            'CONSTRAINT_INVALID',
            `${coordinate} has a @constraint pattern that is not a valid regular expression.`,
            'write a JavaScript regular expression (it must match the whole value; no slashes or flags).',
          ),
        );
      }
    } else if (BOUNDS.has(member) && DIGIT_SCALARS.has(getNamedType(type).name)) {
      const digits = literalBound(node, member);
      if (digits !== undefined) constraint[member] = digits;
      else if (Number.isFinite(value)) constraint[member] = numberToDecimal(value as number);
    } else constraint[member] = value as number;
  }
  return constraint as InputConstraint;
}

let builtIn: GraphQLDirective | undefined;

/** The declaration sources use (sources/common/constraints.ts), as a GraphQLDirective. */
function builtInDirective(): GraphQLDirective {
  builtIn ??= buildASTSchema(
    parse(`${CONSTRAINT_DIRECTIVE_SDL}\ntype Query { _: Boolean }`),
  ).getDirective(CONSTRAINT_DIRECTIVE) as GraphQLDirective;
  return builtIn;
}

/** Every `@constraint` of the unified schema, by coordinate; a misplaced one is a CONSTRAINT_INVALID issue. */
export function readConstraints(
  unified: GraphQLSchema,
  errors: CompositionIssue[],
): InputConstraints {
  // A schema built from several subgraphs (the namespaced view) may not declare the directive its nodes carry.
  const directive = unified.getDirective(CONSTRAINT_DIRECTIVE) ?? builtInDirective();
  const constraints = new Map<string, InputConstraint>();
  const add = (
    coordinate: string,
    node: InputValueDefinitionNode | undefined | null,
    type: GraphQLInputType,
  ): void => {
    if (node === undefined || node === null) return;
    const constraint = readOne(directive, node, type, coordinate, errors);
    if (constraint !== undefined && Object.keys(constraint).length > 0)
      constraints.set(coordinate, constraint);
  };
  for (const type of Object.values(unified.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        add(`${type.name}.${field.name}`, field.astNode, field.type);
    } else if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        for (const arg of field.args)
          add(`${type.name}.${field.name}(${arg.name}:)`, arg.astNode, arg.type);
      }
    }
  }
  return constraints;
}

/** Tighter of two constraints, member by member; `pattern`: the unified schema's when it states one. */
function tighter(own: InputConstraint | undefined, contract: InputConstraint): InputConstraint {
  if (own === undefined) return contract;
  const pick = (
    a: number | undefined,
    b: number | undefined,
    choose: (x: number, y: number) => number,
  ): number | undefined => (a === undefined ? b : b === undefined ? a : choose(a, b));
  /** The larger (`sign` 1) or smaller (-1) of two bounds, exactly when either is digits. */
  const bound = (
    a: number | string | undefined,
    b: number | string | undefined,
    sign: 1 | -1,
  ): number | string | undefined =>
    a === undefined ? b : b === undefined ? a : compareBounds(a, b) * sign >= 0 ? a : b;
  const merged: Record<string, number | string | RegExp | undefined> = {
    min: bound(own.min, contract.min, 1),
    max: bound(own.max, contract.max, -1),
    exclusiveMin: bound(own.exclusiveMin, contract.exclusiveMin, 1),
    exclusiveMax: bound(own.exclusiveMax, contract.exclusiveMax, -1),
    minLength: pick(own.minLength, contract.minLength, Math.max),
    maxLength: pick(own.maxLength, contract.maxLength, Math.min),
    minItems: pick(own.minItems, contract.minItems, Math.max),
    maxItems: pick(own.maxItems, contract.maxItems, Math.min),
    pattern: own.pattern ?? contract.pattern,
  };
  return Object.fromEntries(
    Object.entries(merged).filter(([, value]) => value !== undefined),
  ) as InputConstraint;
}

/** The root field of `operation` in a source's subgraph, with its root type's name. */
function operationField(
  schema: GraphQLSchema,
  operation: string,
): { root: string; args: readonly GraphQLArgument[] } | undefined {
  for (const root of [
    schema.getQueryType(),
    schema.getMutationType(),
    schema.getSubscriptionType(),
  ]) {
    const field = root?.getFields()[operation];
    if (root && field) return { root: root.name, args: field.args };
  }
  return undefined;
}

/**
 * Contract limits carried to the unified schema through the bindings: an
 * argument bound straight to a source argument (`limit: "$args.first"`),
 * or through input objects field by field (same field names), gets the
 * source's `@constraint` (from its contract), tightened by its own. So the
 * storefront's `maximum: 200` bounds `products(first:)` even when the
 * unified schema says nothing, and bad values stop before execution.
 */
export function inheritContractConstraints(input: {
  unified: GraphQLSchema;
  bindings: ReadonlyMap<string, FieldBinding>;
  sources: ReadonlyMap<string, { readonly schema: GraphQLSchema }>;
  constraints: InputConstraints;
}): InputConstraints {
  const result = new Map(input.constraints);
  const perSource = new Map<string, InputConstraints>();
  const contractOf = (source: string): InputConstraints | undefined => {
    const schema = input.sources.get(source)?.schema;
    if (schema === undefined) return undefined;
    if (!perSource.has(source)) perSource.set(source, readConstraints(schema, []));
    return perSource.get(source);
  };
  const inherit = (coordinate: string, contract: InputConstraint | undefined): void => {
    if (contract !== undefined) result.set(coordinate, tighter(result.get(coordinate), contract));
  };
  /** Unified input type `unified` fed whole to source input type `source`: match fields by name, recursively. */
  const matchInputs = (
    unified: GraphQLInputType,
    source: GraphQLInputType,
    contract: InputConstraints,
    seen: Set<string>,
  ): void => {
    const u = getNamedType(unified);
    const s = getNamedType(source);
    if (!isInputObjectType(u) || !isInputObjectType(s) || seen.has(`${u.name}/${s.name}`)) return;
    seen.add(`${u.name}/${s.name}`);
    const sourceFields = s.getFields();
    for (const field of Object.values(u.getFields())) {
      const match = sourceFields[field.name];
      if (match === undefined) continue;
      inherit(`${u.name}.${field.name}`, contract.get(`${s.name}.${match.name}`));
      matchInputs(field.type, match.type, contract, seen);
    }
  };
  for (const [coordinate, binding] of input.bindings) {
    const fetch = binding.fetch;
    if (fetch === undefined) continue;
    const contract = contractOf(fetch.source);
    const sourceSchema = input.sources.get(fetch.source)?.schema;
    const operation =
      sourceSchema === undefined ? undefined : operationField(sourceSchema, fetch.operation);
    if (contract === undefined || operation === undefined || contract.size === 0) continue;
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const type = input.unified.getType(typeName);
    const field =
      isObjectType(type) || isInterfaceType(type) ? type.getFields()[fieldName] : undefined;
    if (field === undefined) continue;
    for (const [argName, { template }] of fetch.args) {
      const sourceArg = operation.args.find((arg) => arg.name === argName);
      if (sourceArg === undefined) continue;
      visitTemplate(template, `${operation.root}.${fetch.operation}(${argName}:)`, sourceArg.type);
    }

    /** Walks a binding template beside the source argument's type, inheriting at each `$args` reference. */
    function visitTemplate(
      template: ArgTemplate,
      sourceCoordinate: string,
      sourceType: GraphQLInputType,
    ): void {
      if (template.kind === 'object') {
        const sourceInput = getNamedType(sourceType);
        if (!isInputObjectType(sourceInput)) return;
        for (const [name, inner] of template.fields) {
          const sourceField = sourceInput.getFields()[name];
          if (sourceField !== undefined)
            visitTemplate(inner.template, `${sourceInput.name}.${name}`, sourceField.type);
        }
        return;
      }
      if (
        template.kind !== 'ref' ||
        template.root !== 'args' ||
        field === undefined ||
        contract === undefined
      )
        return;
      const [first, ...rest] = template.path;
      const arg = field.args.find((candidate) => candidate.name === first);
      if (arg === undefined) return;
      let unifiedCoordinate = `${typeName}.${fieldName}(${arg.name}:)`;
      let unifiedType: GraphQLInputType = arg.type;
      for (const step of rest) {
        const named = getNamedType(unifiedType);
        const next = isInputObjectType(named) ? named.getFields()[step] : undefined;
        if (next === undefined || !isInputObjectType(named)) return;
        unifiedCoordinate = `${named.name}.${step}`;
        unifiedType = next.type;
      }
      inherit(unifiedCoordinate, contract.get(sourceCoordinate));
      matchInputs(unifiedType, sourceType, contract, new Set());
    }
  }
  return result;
}
