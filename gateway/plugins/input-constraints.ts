/**
 * Enforces the unified schema's `@constraint`s (gateway/composition/
 * constraints.ts) before execution: every argument of every selected field,
 * literal or variable, with input objects and lists walked to their leaves.
 * A value out of bounds stops the whole request with 400 BAD_USER_INPUT at
 * the field's path, naming the argument, so no backend sees it (a page size
 * of a million, a 1 MB SKU, a quantity of -1, a 1,000-line order).
 * Hand-written: graphql-armor and envelop have no input-value limits, and
 * the walk is the executor's own (getArgumentValues over coerced variables).
 */
import {
  getArgumentValues,
  getNamedType,
  getOperationAST,
  GraphQLError,
  isCompositeType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type OperationDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLInputType,
  type DocumentNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { InputConstraint, InputConstraints } from '../composition/index.js';
import { canonicalDecimal, compareBounds } from '../../sources/common/index.js';
import { coercedVariables } from '../variables.js';

/** Most violations reported in one answer; one is enough to fix, a few save round trips. */
const MAX_REPORTED = 10;

interface Violation {
  readonly path: ReadonlyArray<string | number>;
  readonly argument: string;
  readonly message: string;
  readonly constraint: keyof InputConstraint;
  readonly limit: number | string;
}

/**
 * What is wrong with a number under a constraint's range, or undefined. A
 * BigInt or Decimal arrives as its digits (the scalar checked their form)
 * and is compared exactly, as are digit bounds (InputConstraint).
 */
function rangeViolation(
  value: number | string,
  constraint: InputConstraint,
): Omit<Violation, 'path' | 'argument'> | undefined {
  const { min, max, exclusiveMin, exclusiveMax } = constraint;
  if (typeof value === 'string' && canonicalDecimal(value) === undefined) {
    // A String argument bound to a contract's BigInt inherits its range: it must at least be a number.
    const [member, limit] = Object.entries({ min, max, exclusiveMin, exclusiveMax }).find(
      ([, v]) => v !== undefined,
    ) as [keyof InputConstraint, number | string];
    return { constraint: member, limit, message: 'must be a number in digits' };
  }
  if (min !== undefined && compareBounds(value, min) < 0)
    return { constraint: 'min', limit: min, message: `must be at least ${min}` };
  if (max !== undefined && compareBounds(value, max) > 0)
    return { constraint: 'max', limit: max, message: `must be at most ${max}` };
  if (exclusiveMin !== undefined && compareBounds(value, exclusiveMin) <= 0)
    return {
      constraint: 'exclusiveMin',
      limit: exclusiveMin,
      message: `must be more than ${exclusiveMin}`,
    };
  if (exclusiveMax !== undefined && compareBounds(value, exclusiveMax) >= 0)
    return {
      constraint: 'exclusiveMax',
      limit: exclusiveMax,
      message: `must be less than ${exclusiveMax}`,
    };
  return undefined;
}

const hasRange = (c: InputConstraint): boolean =>
  c.min !== undefined ||
  c.max !== undefined ||
  c.exclusiveMin !== undefined ||
  c.exclusiveMax !== undefined;

/** What is wrong with one value under one constraint, or undefined. Lists are checked by checkValue. */
function scalarViolation(
  value: unknown,
  constraint: InputConstraint,
): Omit<Violation, 'path' | 'argument'> | undefined {
  // NaN is not a GraphQL Float, so every number compares.
  if (typeof value === 'number') return rangeViolation(value, constraint);
  if (typeof value === 'string') {
    // A BigInt or Decimal (composition allows ranges on no other string) meets its range first: the clearest message.
    const ranged = hasRange(constraint);
    if (ranged && canonicalDecimal(value) !== undefined) {
      const found = rangeViolation(value, constraint);
      if (found !== undefined) return found;
    }
    // Code points, as a caller counts characters; stops early on a huge string.
    let length = 0;
    for (const _ of value) if (++length > (constraint.maxLength ?? Number.POSITIVE_INFINITY)) break;
    if (constraint.maxLength !== undefined && length > constraint.maxLength)
      return {
        constraint: 'maxLength',
        limit: constraint.maxLength,
        message: `must be at most ${constraint.maxLength} characters`,
      };
    if (constraint.minLength !== undefined && length < constraint.minLength)
      return {
        constraint: 'minLength',
        limit: constraint.minLength,
        message: `must be at least ${constraint.minLength} characters`,
      };
    if (constraint.pattern !== undefined && !constraint.pattern.test(value))
      return {
        constraint: 'pattern',
        limit: constraint.pattern.source,
        message: 'is not in the documented format',
      };
    // Text that is no number, in a String bound to a contract's BigInt: after its own pattern's word.
    if (ranged) return rangeViolation(value, constraint);
  }
  return undefined;
}

interface OperationArgs {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operationName?: string | null;
  readonly variableValues?: Readonly<Record<string, unknown>> | null;
}

/** A field with arguments that a constraint may apply to, where the operation selects it. */
interface Site {
  readonly parentName: string;
  readonly field: GraphQLField<unknown, unknown>;
  readonly selection: FieldNode;
  readonly path: ReadonlyArray<string | number>;
}

/**
 * Per operation of a parsed document, the fields whose arguments a
 * constraint may apply to. The walk over the selections depends on the
 * document alone (not on variables), and Yoga's parser cache hands back the
 * same document object for the same query text, so a repeated query skips
 * the walk, and one without any constrained argument (most) skips the
 * variable coercion too (issue 15: the walk was ~3% of a pass-through
 * request's CPU). Keyed by the operation node, so what is kept is bounded by
 * the parser cache, whatever operation names callers send.
 */
type SitePlans = WeakMap<OperationDefinitionNode, readonly Site[]>;

/** Can a value of this argument type meet a constraint below its own (an input object's field, at any depth)? */
function constrainedWithin(
  type: GraphQLInputType,
  constraints: InputConstraints,
  memo: Map<string, boolean>,
): boolean {
  const named = getNamedType(type);
  if (!isInputObjectType(named)) return false;
  const known = memo.get(named.name);
  if (known !== undefined) return known;
  memo.set(named.name, false); // a recursive input type: its own fields decide
  const found = Object.values(named.getFields()).some(
    (field) =>
      constraints.has(`${named.name}.${field.name}`) ||
      constrainedWithin(field.type, constraints, memo),
  );
  memo.set(named.name, found);
  return found;
}

/** The sites of `operation`, in the order the walk meets them. */
function sitesOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  constraints: InputConstraints,
  memo: Map<string, boolean>,
): Site[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  const sites: Site[] = [];
  const seenFragments = new Set<string>();
  const walk = (
    parent: GraphQLCompositeType,
    selectionSet: SelectionSetNode,
    path: ReadonlyArray<string | number>,
  ): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on =
          selection.typeCondition === undefined
            ? parent
            : schema.getType(selection.typeCondition.name.value);
        if (on !== undefined && isCompositeType(on)) walk(on, selection.selectionSet, path);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        // A fragment spread twice at one place is checked once; at another path it is checked again.
        const key = `${path.join('.')}/${selection.name.value}`;
        if (fragment === undefined || seenFragments.has(key)) continue;
        seenFragments.add(key);
        const on = schema.getType(fragment.typeCondition.name.value);
        if (on !== undefined && isCompositeType(on)) walk(on, fragment.selectionSet, path);
      } else if (isObjectType(parent) || isInterfaceType(parent)) {
        const field = parent.getFields()[selection.name.value];
        if (field === undefined) continue;
        const at = [...path, selection.alias?.value ?? selection.name.value];
        if (
          field.args.some(
            (arg) =>
              constraints.has(`${parent.name}.${field.name}(${arg.name}:)`) ||
              constrainedWithin(arg.type, constraints, memo),
          )
        ) {
          sites.push({ parentName: parent.name, field, selection, path: at });
        }
        const named = getNamedType(field.type);
        if (selection.selectionSet !== undefined && isCompositeType(named))
          walk(named, selection.selectionSet, at);
      }
    }
  };
  const root = schema.getRootType(operation.operation);
  if (root !== undefined && root !== null) walk(root, operation.selectionSet, []);
  return sites;
}

/** Every value of `args`' operation that breaks a constraint (at most MAX_REPORTED). */
function findViolations(
  args: OperationArgs,
  constraints: InputConstraints,
  plans: SitePlans,
  memo: Map<string, boolean>,
  clean: WeakSet<OperationDefinitionNode>,
): Violation[] {
  const { schema, document } = args;
  const operation = getOperationAST(document, args.operationName);
  if (operation === null || operation === undefined) return [];
  let sites = plans.get(operation);
  if (sites === undefined) {
    sites = sitesOf(schema, document, operation, constraints, memo);
    plans.set(operation, sites);
  }
  // No argument a constraint applies to: nothing to coerce or check.
  if (sites.length === 0) return [];
  // Checked before, with literals only: the same document cannot break a constraint now.
  if (clean.has(operation)) return [];
  // Coerced once per request, shared with the cost measure (gateway/variables.ts).
  const variables = coercedVariables(schema, operation, args.variableValues);
  // Variables that do not coerce: execution reports them (BAD_USER_INPUT) itself.
  if (variables === undefined) return [];
  const violations: Violation[] = [];

  const checkValue = (
    value: unknown,
    type: GraphQLInputType,
    constraint: InputConstraint | undefined,
    path: ReadonlyArray<string | number>,
    argument: string,
  ): void => {
    if (value === null || value === undefined || violations.length >= MAX_REPORTED) return;
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) {
      const items = value as unknown[];
      if (constraint?.maxItems !== undefined && items.length > constraint.maxItems) {
        violations.push({
          path,
          argument,
          constraint: 'maxItems',
          limit: constraint.maxItems,
          message: `must have at most ${constraint.maxItems} items`,
        });
        return;
      }
      if (constraint?.minItems !== undefined && items.length < constraint.minItems) {
        violations.push({
          path,
          argument,
          constraint: 'minItems',
          limit: constraint.minItems,
          message: `must have at least ${constraint.minItems} items`,
        });
        return;
      }
      items.forEach((item, index) =>
        checkValue(item, inner.ofType, constraint, path, `${argument}[${index}]`),
      );
      return;
    }
    if (isInputObjectType(inner)) {
      const fields = inner.getFields();
      for (const [name, fieldValue] of Object.entries(value as Record<string, unknown>)) {
        const field = fields[name];
        if (field !== undefined)
          checkValue(
            fieldValue,
            field.type,
            constraints.get(`${inner.name}.${name}`),
            path,
            `${argument}.${name}`,
          );
      }
      return;
    }
    if (constraint === undefined) return;
    const found = scalarViolation(value, constraint);
    if (found !== undefined) violations.push({ ...found, path, argument });
  };

  for (const { parentName, field, selection, path } of sites) {
    let values: Record<string, unknown>;
    try {
      values = getArgumentValues(field, selection, variables);
    } catch {
      continue; // execution reports arguments that do not coerce
    }
    for (const arg of field.args)
      checkValue(
        values[arg.name],
        arg.type,
        constraints.get(`${parentName}.${field.name}(${arg.name}:)`),
        path,
        arg.name,
      );
  }
  // Without variables the outcome is the document's alone: a repeated query (50 aliased lookups) is checked once.
  if (violations.length === 0 && (operation.variableDefinitions ?? []).length === 0)
    clean.add(operation);
  return violations;
}

function toErrors(violations: readonly Violation[]): GraphQLError[] {
  return violations.map(
    (violation) =>
      new GraphQLError(`Argument "${violation.argument}" ${violation.message}.`, {
        path: violation.path,
        extensions: {
          code: 'BAD_USER_INPUT',
          argument: violation.argument,
          constraint: violation.constraint,
          limit: violation.limit,
          http: { status: 400 },
        },
      }),
  );
}

export function useInputConstraints(constraints: InputConstraints): Plugin {
  if (constraints.size === 0) return {};
  const plans: SitePlans = new WeakMap();
  const memo = new Map<string, boolean>();
  const clean = new WeakSet<OperationDefinitionNode>();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const violations = findViolations(args, constraints, plans, memo, clean);
      if (violations.length > 0) setResultAndStopExecution({ errors: toErrors(violations) });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const violations = findViolations(args, constraints, plans, memo, clean);
      if (violations.length > 0) setResultAndStopExecution({ errors: toErrors(violations) });
    },
  };
}
