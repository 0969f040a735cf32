/**
 * `@requiresScopes` and `@authenticated`: who may see a field or a type of
 * the unified schema. Read once at composition and checked there (a scope is
 * a short word such as "orders:read"; an empty list would make a rule no one
 * or everyone meets, which is never what was meant). Like the binding
 * directives they are removed from what callers see; gateway/auth/access.ts
 * enforces them on every path and hides what a caller may not see.
 */
import {
  getDirectiveValues,
  isEnumType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  type ASTNode,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { issueAt, type CompositionIssue } from './issues.js';

/** One rule: every member must hold. */
export interface AccessRule {
  /** Only a caller with a verified token. */
  readonly authenticated: boolean;
  /** Alternatives of scope sets: the caller must hold every scope of at least one inner list. Undefined: no scope needed. */
  readonly scopes?: ReadonlyArray<readonly string[]>;
}

/** By coordinate: "Product" for a type, "Product.price" for a field. */
export type AccessRules = ReadonlyMap<string, AccessRule>;

/** A scope as partners write it: "orders:read", "catalog.admin", "inventory:write". */
const SCOPE = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$/;

function readRule(
  schema: GraphQLSchema,
  node: Parameters<typeof getDirectiveValues>[1],
  errors: CompositionIssue[],
): AccessRule | undefined {
  const requires = schema.getDirective('requiresScopes');
  const authenticated = schema.getDirective('authenticated');
  const scopes =
    requires === undefined || requires === null
      ? undefined
      : (getDirectiveValues(requires, node)?.scopes as string[][] | undefined);
  const isAuthenticated =
    authenticated !== undefined &&
    authenticated !== null &&
    getDirectiveValues(authenticated, node) !== undefined;
  if (scopes === undefined && !isAuthenticated) return undefined;
  const place = (node.directives ?? []).find(
    (directive) => directive.name.value === 'requiresScopes',
  ) as ASTNode | undefined;
  if (scopes !== undefined) {
    const fix =
      'write alternatives of non-empty scope sets, e.g. @requiresScopes(scopes: [["orders:read"], ["orders:admin"]]).';
    if (scopes.length === 0)
      errors.push(
        issueAt(
          place,
          'SCOPES_INVALID',
          '@requiresScopes has no alternatives, so no caller could ever see this.',
          fix,
        ),
      );
    for (const set of scopes) {
      if (set.length === 0)
        errors.push(
          issueAt(
            place,
            'SCOPES_INVALID',
            '@requiresScopes has an empty scope set, which every caller would meet.',
            fix,
          ),
        );
      for (const scope of set) {
        if (!SCOPE.test(scope))
          errors.push(
            issueAt(
              place,
              'SCOPES_INVALID',
              `"${scope.slice(0, 80)}" is not a scope: 1 to 64 letters, digits, ":", ".", "_" or "-".`,
              fix,
            ),
          );
      }
    }
  }
  return {
    authenticated: isAuthenticated,
    ...(scopes === undefined ? {} : { scopes: scopes.map((set) => [...new Set(set)]) }),
  };
}

function hasRuleKind(type: GraphQLNamedType): boolean {
  return isObjectType(type) || isInterfaceType(type) || isScalarType(type) || isEnumType(type);
}

/**
 * Every rule of the schema (built with the directive declarations), with
 * problems pushed to `errors` as SCOPES_INVALID.
 * @example readAccessRules(unified, errors).get('Product.price') // { authenticated: false, scopes: [['prices:read']] }
 */
export function readAccessRules(schema: GraphQLSchema, errors: CompositionIssue[]): AccessRules {
  const rules = new Map<string, AccessRule>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (
      type.name.startsWith('__') ||
      !hasRuleKind(type) ||
      type.astNode === undefined ||
      type.astNode === null
    )
      continue;
    const typeRule = readRule(schema, type.astNode, errors);
    if (typeRule !== undefined) rules.set(type.name, typeRule);
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.astNode === undefined || field.astNode === null) continue;
      const rule = readRule(schema, field.astNode, errors);
      if (rule !== undefined) rules.set(`${type.name}.${field.name}`, rule);
    }
  }
  return rules;
}
