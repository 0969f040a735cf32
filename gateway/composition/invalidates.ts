/**
 * `@invalidates(entity, keys)`: which cached entities a mutation touches.
 * Read off the field (bindings.ts calls readInvalidation), checked against the
 * unified schema at composition, and compiled into a function that lists the
 * keys from the mutation's arguments, or (a write with @step) from a step's
 * answer (resolvers.ts and the write service drop them once the write has
 * settled). `$steps.` keys are checked against the step's answer by
 * write-check.ts, which knows the sources' types.
 */
import {
  Kind,
  getNamedType,
  isInputObjectType,
  isLeafType,
  isObjectType,
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { ExpressionError } from './expression.js';
import { issueAt, suggest, type CompositionIssue } from './issues.js';
import { parsePath, readPath } from './path.js';

/** One @invalidates on a field. */
export interface InvalidationBinding {
  /** The `@entity` type whose entries are dropped, e.g. "Product". */
  readonly entity: string;
  /** What `keys` reads: the mutation's arguments, or a step's answer (a write with @step). */
  readonly root: 'args' | 'steps';
  /** The path after `$args.` (the argument, then fields of its input type) or `$steps.` (the step's name, then fields of its answer); lists are mapped. */
  readonly path: readonly string[];
  readonly node: ConstDirectiveNode;
}

function stringArgument(
  directive: ConstDirectiveNode,
  name: string,
):
  | { value: string; node: NonNullable<ConstDirectiveNode['arguments']>[number]['value'] }
  | undefined {
  const node = directive.arguments?.find((arg) => arg.name.value === name)?.value;
  return node?.kind === Kind.STRING ? { value: node.value, node } : undefined;
}

/** Parses one @invalidates; a malformed `keys` is reported at its character and the directive left out. */
export function readInvalidation(
  directive: ConstDirectiveNode,
  issues: CompositionIssue[],
): InvalidationBinding | undefined {
  const entity = stringArgument(directive, 'entity');
  const keys = stringArgument(directive, 'keys');
  if (entity === undefined || keys === undefined) return undefined; // SDL validation already reported it
  const offset = keys.node.kind === Kind.STRING && keys.node.block === true ? 3 : 1;
  const match = /^\$(args|steps)\.(.*)$/s.exec(keys.value);
  if (match === null) {
    issues.push(
      issueAt(
        keys.node,
        'BINDING_BAD_REFERENCE',
        `@invalidates(keys: "${keys.value}") should read the mutation's arguments ("$args.<argument>.<field>...") or, in a write, a step's answer ("$steps.<step>.<field>...").`,
        'write e.g. "$args.input.customerId", "$args.input.lines.sku" for every line\'s SKU, or "$steps.order.lines.sku".',
        offset,
      ),
    );
    return undefined;
  }
  const root = match[1] as 'args' | 'steps';
  try {
    return { entity: entity.value, root, path: parsePath(match[2] as string), node: directive };
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    issues.push(
      issueAt(
        keys.node,
        'BINDING_BAD_REFERENCE',
        `@invalidates(keys: "${keys.value}") is not a valid reference: ${error.message}.`,
        `write field names separated by dots after $${root}.`,
        offset + `$${root}.`.length + error.column - 1,
      ),
    );
    return undefined;
  }
}

/**
 * Checks each @invalidates of `field` (on `parent`): a mutation with @fetch
 * or @step, a known @entity, a path to a scalar through the arguments' input
 * types. `$steps.` keys need @step (`hasSteps`); their path is checked by
 * write-check.ts against the step's answer.
 */
export function checkInvalidations(
  schema: GraphQLSchema,
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  invalidations: readonly InvalidationBinding[],
  hasFetch: boolean,
  hasSteps = false,
): CompositionIssue[] {
  const issues: CompositionIssue[] = [];
  const label = `${parent.name}.${field.name}`;
  for (const invalidation of invalidations) {
    const { node } = invalidation;
    if (parent !== schema.getMutationType() || !hasFetch) {
      issues.push(
        issueAt(
          node,
          'BINDING_WRONG_ROOT',
          `${label} has @invalidates, which only a Mutation field with @fetch may have: reads never change what they read.`,
          'move @invalidates to the mutation that writes, or remove it.',
        ),
      );
      continue;
    }
    const entities = Object.values(schema.getTypeMap()).filter(
      (type) =>
        isObjectType(type) &&
        type.astNode?.directives?.some((directive) => directive.name.value === 'entity'),
    );
    const entityNode = node.arguments?.find((arg) => arg.name.value === 'entity')?.value ?? node;
    if (!entities.some((type) => type.name === invalidation.entity)) {
      issues.push(
        issueAt(
          entityNode,
          'BINDING_UNKNOWN_ENTITY',
          `${label} invalidates "${invalidation.entity}", which is not an @entity type.`,
          suggest(
            invalidation.entity,
            entities.map((type) => type.name),
            '@entity types',
          ),
        ),
      );
      continue;
    }
    const keysNode = node.arguments?.find((arg) => arg.name.value === 'keys')?.value ?? node;
    if (invalidation.root === 'steps') {
      if (!hasSteps)
        issues.push(
          issueAt(
            keysNode,
            'BINDING_BAD_REFERENCE',
            `@invalidates on ${label} reads $steps.${invalidation.path.join('.')}, but ${label} has no @step whose answer it could read.`,
            'read the arguments ("$args.…"), or declare the write with @step.',
          ),
        );
      continue;
    }
    const [argumentName, ...fields] = invalidation.path;
    const argument = field.args.find((arg) => arg.name === argumentName);
    if (argument === undefined) {
      issues.push(
        issueAt(
          keysNode,
          'BINDING_BAD_REFERENCE',
          `@invalidates on ${label} reads $args.${argumentName ?? ''}, which ${label} does not declare.`,
          suggest(
            argumentName ?? '',
            field.args.map((arg) => arg.name),
            'arguments',
          ),
        ),
      );
      continue;
    }
    let type = getNamedType(argument.type);
    let walked = `$args.${argument.name}`;
    let broken = false;
    for (const name of fields) {
      const inputFields = isInputObjectType(type) ? type.getFields() : undefined;
      const next = inputFields?.[name];
      if (inputFields === undefined || next === undefined) {
        issues.push(
          issueAt(
            keysNode,
            'BINDING_UNKNOWN_FIELD',
            `@invalidates on ${label} reads ${walked}.${name}, but ${walked} is ${type.name}${inputFields === undefined ? ', which has no fields' : `, which has no field "${name}"`}.`,
            inputFields === undefined
              ? 'end the path at the key value.'
              : suggest(name, Object.keys(inputFields), `fields of ${type.name}`),
          ),
        );
        broken = true;
        break;
      }
      type = getNamedType(next.type);
      walked = `${walked}.${name}`;
    }
    if (!broken && !isLeafType(type)) {
      issues.push(
        issueAt(
          keysNode,
          'BINDING_TYPE_MISMATCH',
          `@invalidates on ${label} reads ${walked}, which is ${type.name}, not a key value (a scalar).`,
          `continue the path to the field that holds the ${invalidation.entity}'s key.`,
        ),
      );
    }
  }
  return issues;
}

/**
 * The entity keys a mutation call touches, from its arguments and (a write)
 * the answers of its steps by name: one list per @invalidates, nulls left
 * out. A step that has no answer (it failed, or never ran) gives no keys.
 */
export function compileInvalidations(
  invalidations: readonly InvalidationBinding[],
): (
  args: Readonly<Record<string, unknown>>,
  steps?: Readonly<Record<string, unknown>>,
) => Array<{ entity: string; keys: unknown[] }> {
  return (args, steps = {}) =>
    invalidations.map(({ entity, root, path }) => {
      const read = readPath(root === 'args' ? args : steps, path);
      const keys = (Array.isArray(read) ? read.flat(Infinity) : [read]).filter(
        (key) => key !== null && key !== undefined,
      );
      return { entity, keys: [...new Set(keys)] };
    });
}
