/**
 * A request's variables, coerced once for the edge's checks. Before
 * execution two plugins need them coerced (the `@constraint` check,
 * plugins/input-constraints.ts, and the cost measure, limits/measure.ts) and
 * each called graphql-js's getVariableValues itself (issue 15). Both now ask
 * here and the second gets the first's result. The executor still coerces
 * its own copy: it takes raw variables, and a custom scalar's parseValue need
 * not accept its own output.
 */
import {
  getVariableValues,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';

/** The coerced variables, or undefined when they do not coerce (execution reports that itself). */
export type CoercedVariables = Readonly<Record<string, unknown>> | undefined;

interface Coerced {
  readonly schema: GraphQLSchema;
  readonly operation: OperationDefinitionNode;
  readonly value: CoercedVariables;
}

const NO_DEFINITIONS: readonly VariableDefinitionNode[] = [];
const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

// Private: keyed by the request's own variables object (Yoga parses one per
// request and hands the same object to every plugin), so an entry lives as
// long as its request and one request never sees another's values.
const byVariables = new WeakMap<object, Coerced>();

/**
 * `operation`'s variables coerced against `schema`, as the executor will
 * coerce them: defaults applied, values parsed by their input types.
 */
export function coercedVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  raw: Readonly<Record<string, unknown>> | null | undefined,
): CoercedVariables {
  const definitions = operation.variableDefinitions ?? NO_DEFINITIONS;
  // Nothing declared: nothing to coerce, whatever the caller sent (graphql-js ignores undeclared variables).
  if (definitions.length === 0) return EMPTY;
  if (raw === null || raw === undefined) return coerce(schema, definitions, {});
  const known = byVariables.get(raw);
  if (known !== undefined && known.schema === schema && known.operation === operation)
    return known.value;
  const value = coerce(schema, definitions, raw);
  byVariables.set(raw, { schema, operation, value });
  return value;
}

function coerce(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  raw: Readonly<Record<string, unknown>>,
): CoercedVariables {
  const result = getVariableValues(schema, definitions, raw, { maxErrors: 1 });
  return result.errors === undefined ? result.coerced : undefined;
}
