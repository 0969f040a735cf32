/**
 * Composition problems: what is wrong with a binding, where in which schema
 * file, and how to fix it. One shape for start-up, `check` and tests.
 */
import { closestNames } from '../../sources/common/index.js';
import { getLocation, type ASTNode } from 'graphql';

/** Every code a composition issue can carry; docs/directives.md explains each check. */
export type CompositionIssueCode =
  | 'SCHEMA_INVALID'
  | 'BINDING_UNKNOWN_SOURCE'
  | 'BINDING_UNKNOWN_OPERATION'
  | 'BINDING_WRONG_ROOT'
  | 'BINDING_UNKNOWN_ARGUMENT'
  | 'BINDING_MISSING_ARGUMENT'
  | 'BINDING_BAD_REFERENCE'
  | 'BINDING_UNKNOWN_FIELD'
  | 'BINDING_TYPE_MISMATCH'
  | 'BINDING_NULLABILITY'
  | 'BINDING_BAD_EXPRESSION'
  | 'BINDING_BAD_PATH'
  | 'BINDING_ENUM_UNMAPPED'
  | 'BINDING_ENTITY_KEY'
  | 'BINDING_UNKNOWN_ENTITY'
  | 'BINDING_UNBOUND_ROOT_FIELD'
  | 'BINDING_CONFLICT'
  | 'BINDING_STEP_ORDER'
  | 'BINDING_STEP_REPEAT'
  | 'BINDING_STEP_UNDO'
  | 'BINDING_FIELD_OWNER'
  | 'BINDING_WRITE_ANSWER'
  | 'BINDING_STEP_READ'
  | 'BINDING_STEP_CONDITION'
  | 'BINDING_OWNER_FIELD'
  | 'CONSTRAINT_INVALID'
  | 'SCOPES_INVALID'
  | 'TYPE_NOT_FED';

/** One problem found while composing, at a 1-based line and column of a schema file. */
export interface CompositionIssue {
  readonly code: CompositionIssueCode | (string & {});
  /** One sentence naming the field, the binding and what is wrong. */
  readonly message: string;
  /** The schema file as given to composeSchema, e.g. "schema/commerce.graphql". */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** What would make the issue go away. */
  readonly fix?: string;
}

/** `schema/commerce.graphql:42:5 BINDING_UNKNOWN_FIELD Product.title reads ... Fix: ...` */
export function formatCompositionIssue(issue: CompositionIssue): string {
  return `${issue.file}:${issue.line}:${issue.column} ${issue.code} ${issue.message}${issue.fix ? ` Fix: ${issue.fix}` : ''}`;
}

/**
 * An issue at `node` (its first character), `offset` characters further in
 * when the problem is inside a string (an expression's column).
 */
export function issueAt(
  node: ASTNode | null | undefined,
  code: CompositionIssueCode,
  message: string,
  fix?: string,
  offset = 0,
): CompositionIssue {
  const loc = node?.loc;
  if (loc === undefined)
    return { code, message, file: '<unknown>', line: 1, column: 1, ...(fix ? { fix } : {}) };
  const { line, column } = getLocation(loc.source, loc.start + offset);
  return { code, message, file: loc.source.name, line, column, ...(fix ? { fix } : {}) };
}

/** "Did you mean "a" or "b"?" or the first few known names. */
export function suggest(name: string, candidates: readonly string[], what: string): string {
  const near = closestNames(name, candidates);
  if (near.length > 0)
    return `use ${near.map((candidate) => `"${candidate}"`).join(' or ')}, the closest ${what} that exist.`;
  const known = candidates
    .slice(0, 8)
    .map((candidate) => `"${candidate}"`)
    .join(', ');
  return known
    ? `use one of the ${what} that exist: ${known}${candidates.length > 8 ? ', ...' : ''}.`
    : `there are no ${what} to use.`;
}
