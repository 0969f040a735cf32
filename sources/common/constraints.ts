/**
 * `@constraint` in a subgraph: the limits a contract states for an argument
 * or input field (OpenAPI minimum/maximum/maxLength/pattern/maxItems, XSD
 * facets, proto field rules), carried into the subgraph's typeDefs so the
 * gateway refuses out-of-bounds values before calling the backend
 * (BAD_USER_INPUT). The unified schema uses the same directive
 * (docs/directives.md); `pattern` must match the whole string.
 */
import {
  Kind,
  parse,
  type ConstArgumentNode,
  type ConstDirectiveNode,
  type DirectiveDefinitionNode,
} from 'graphql';

/**
 * The limits of one value; every member optional. A bound may be a string
 * of decimal digits (canonicalDecimal) where a double would round it
 * (xs:long's 9223372036854775807, a money type's 99999.99): it is written
 * into the directive as the literal it is, and the gateway compares BigInt
 * and Decimal values with it exactly.
 */
export interface ValueConstraint {
  readonly min?: number | string;
  readonly max?: number | string;
  /** The value must be greater than this (OpenAPI exclusiveMinimum, XSD minExclusive). */
  readonly exclusiveMin?: number | string;
  /** The value must be less than this. */
  readonly exclusiveMax?: number | string;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** A JavaScript regular expression the whole string must match (valid with the `u` flag). */
  readonly pattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export const CONSTRAINT_DIRECTIVE_SDL =
  'directive @constraint(min: Float, max: Float, exclusiveMin: Float, exclusiveMax: Float, minLength: Int, maxLength: Int, pattern: String, minItems: Int, maxItems: Int) on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION';

let definition: DirectiveDefinitionNode | undefined;

/** The directive's declaration, for a subgraph's typeDefs that use it. */
export function constraintDirectiveDefinition(): DirectiveDefinitionNode {
  definition ??= parse(CONSTRAINT_DIRECTIVE_SDL, { noLocation: true })
    .definitions[0] as DirectiveDefinitionNode;
  return definition;
}

/** `@constraint(...)` for `constraint`, or undefined when it has no member. */
export function constraintDirective(
  constraint: ValueConstraint | undefined,
): ConstDirectiveNode | undefined {
  if (constraint === undefined) return undefined;
  const args: ConstArgumentNode[] = [];
  for (const [member, value] of Object.entries(constraint) as Array<
    [keyof ValueConstraint, number | string | undefined]
  >) {
    if (value === undefined) continue;
    const bound =
      member === 'min' ||
      member === 'max' ||
      member === 'exclusiveMin' ||
      member === 'exclusiveMax';
    const text = String(value);
    const node = !bound
      ? typeof value === 'string'
        ? ({ kind: Kind.STRING, value } as const)
        : ({ kind: Kind.INT, value: text } as const)
      : // A bound is a number literal, Int when it has no point, so its digits reach the gateway as written.
        ({ kind: /[.eE]/.test(text) ? Kind.FLOAT : Kind.INT, value: text } as const);
    args.push({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: member }, value: node });
  }
  if (args.length === 0) return undefined;
  return { kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: 'constraint' }, arguments: args };
}
