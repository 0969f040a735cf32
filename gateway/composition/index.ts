/**
 * Composition of the unified schema: bindings (docs/directives.md) checked
 * against the sources and compiled into resolvers once at start-up.
 */
export { composeSchema, type ComposeInput, type Composition } from './compose.js';
export {
  formatCompositionIssue,
  type CompositionIssue,
  type CompositionIssueCode,
} from './issues.js';
export { BINDING_DIRECTIVES, BINDING_DIRECTIVES_SDL } from './directives.js';
export {
  CONSTRAINT_DIRECTIVE,
  readConstraints,
  type InputConstraint,
  type InputConstraints,
} from './constraints.js';
export { parsePath, readPath } from './path.js';
export { parseExpression, ExpressionError, type Expression } from './expression.js';
export {
  diffComposed,
  ComposedSdlError,
  type Change,
  type ChangeType,
  type ComposedDiff,
  type SafeChangeType,
} from './diff.js';
export { readAccessRules, type AccessRule, type AccessRules } from './access.js';
