/**
 * The measure of one operation with its variables: cost, depth and aliases.
 * Hand-written because graphql-armor's cost limit counts a list as one item
 * whatever its size argument says, so `products(first: $n)` with n = 1,000,000
 * cost the same as n = 1. Here list sizes come from the arguments' values,
 * literal or variable (after coercion, defaults included).
 *
 * The cost formula (docs/partners.md, "Limits"):
 * - a leaf field (scalar or enum) costs 1; an object field costs 2 plus the
 *   cost of its selection;
 * - a field with a size argument (`first`, `last`, `limit`, `pageSize`)
 *   multiplies its selection's cost by that value: a page of n costs n times
 *   one item;
 * - a list field without one multiplies its selection's cost by
 *   DEFAULT_LIST_SIZE, except directly under a sized field (the page's own
 *   list, e.g. `edges`), which the size already counted;
 * - fragments count where they are spread; `__typename` and introspection
 *   are free; a field skipped by a literal `@skip(if: true)` /
 *   `@include(if: false)` still counts (the estimate is an upper bound).
 *
 * Linear in the document: a fragment is measured once per (fragment, sized
 * parent) and reused, so fragments spread inside fragments cannot make the
 * walk exponential.
 */
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { coercedVariables } from '../variables.js';

/** The multiplier of a list whose size no argument states. */
export const DEFAULT_LIST_SIZE = 10;

/** Arguments whose value is the number of items a field returns. */
export const SIZE_ARGUMENTS: readonly string[] = Object.freeze([
  'first',
  'last',
  'limit',
  'pageSize',
]);

export interface OperationMeasure {
  readonly cost: number;
  /** Deepest field nesting (a root field is depth 1). */
  readonly depth: number;
  /** Aliased fields, counted where fragments are spread. */
  readonly aliases: number;
}

// Private: the measures of operations without variables, kept as long as the parsed document is.
const byOperation = new WeakMap<
  OperationDefinitionNode,
  { readonly schema: GraphQLSchema; readonly measure: OperationMeasure }
>();

interface Part {
  cost: number;
  depth: number;
  aliases: number;
}

/**
 * Measures the operation `operationName` of `document`; undefined when the
 * document has no such operation or its variables do not coerce (execution
 * reports those itself).
 * @example measureOperation(schema, parse('query($n: Int) { products(first: $n) { edges { node { sku } } } }'), undefined, { n: 50 })
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variableValues: Readonly<Record<string, unknown>> | null | undefined,
): OperationMeasure | undefined {
  const operation = getOperationAST(document, operationName);
  if (operation === null || operation === undefined) return undefined;
  // Without variables the measure is the document's alone: Yoga's parser cache hands back the same
  // operation node for the same text, so a repeated query (50 aliased lookups) is walked once.
  const variableFree = (operation.variableDefinitions ?? []).length === 0;
  const known = variableFree ? byOperation.get(operation) : undefined;
  if (known !== undefined && known.schema === schema) return known.measure;
  const root = schema.getRootType(operation.operation);
  if (root === null || root === undefined) return undefined;
  // Coerced once per request, shared with the @constraint check (gateway/variables.ts).
  const variables = coercedVariables(schema, operation, variableValues);
  if (variables === undefined) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  const measured = new Map<string, Part>();
  const inProgress = new Set<string>();

  const sizeOf = (
    field: Parameters<typeof getArgumentValues>[0],
    node: Parameters<typeof getArgumentValues>[1],
  ): number | undefined => {
    if (!field.args.some((arg) => SIZE_ARGUMENTS.includes(arg.name))) return undefined;
    let values: Record<string, unknown>;
    try {
      values = getArgumentValues(field, node, variables);
    } catch {
      return undefined; // execution reports an argument that does not coerce
    }
    for (const name of SIZE_ARGUMENTS) {
      const value = values[name];
      if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value);
    }
    return undefined;
  };

  const walk = (
    parent: GraphQLCompositeType,
    selectionSet: SelectionSetNode,
    parentSized: boolean,
  ): Part => {
    const total: Part = { cost: 0, depth: 0, aliases: 0 };
    const add = (part: Part): void => {
      total.cost += part.cost;
      total.aliases += part.aliases;
      total.depth = Math.max(total.depth, part.depth);
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on =
          selection.typeCondition === undefined
            ? parent
            : schema.getType(selection.typeCondition.name.value);
        if (on !== undefined && isCompositeType(on))
          add(walk(on, selection.selectionSet, parentSized));
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const key = `${name}/${parentSized ? 1 : 0}`;
        const fragment = fragments.get(name);
        // A cycle is refused by validation before this runs; guard anyway.
        if (fragment === undefined || inProgress.has(key)) continue;
        let part = measured.get(key);
        if (part === undefined) {
          const on = schema.getType(fragment.typeCondition.name.value);
          inProgress.add(key);
          part =
            on !== undefined && isCompositeType(on)
              ? walk(on, fragment.selectionSet, parentSized)
              : { cost: 0, depth: 0, aliases: 0 };
          inProgress.delete(key);
          measured.set(key, part);
        }
        add(part);
        continue;
      }
      const aliases = selection.alias === undefined ? 0 : 1;
      if (
        selection.name.value.startsWith('__') ||
        !(isObjectType(parent) || isInterfaceType(parent))
      ) {
        add({ cost: 0, depth: 1, aliases });
        continue;
      }
      const field = parent.getFields()[selection.name.value];
      if (field === undefined) continue;
      const named = getNamedType(field.type);
      if (selection.selectionSet === undefined || !isCompositeType(named)) {
        add({ cost: 1, depth: 1, aliases });
        continue;
      }
      const size = sizeOf(field, selection);
      const isList = isListType(getNullableType(field.type));
      const inner = walk(named, selection.selectionSet, size !== undefined);
      const times = size ?? (isList && !parentSized ? DEFAULT_LIST_SIZE : 1);
      add({
        cost: 2 + times * inner.cost,
        depth: 1 + inner.depth,
        aliases: aliases + inner.aliases,
      });
    }
    return total;
  };

  const measure = walk(root, operation.selectionSet, false);
  if (variableFree) byOperation.set(operation, { schema, measure });
  return measure;
}
