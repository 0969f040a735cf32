/**
 * Data ownership (@ownedBy): a type whose values belong to a partner, named
 * by a field of the value the system of record keeps (the storefront's order
 * `channel`). The check runs in the resolvers, after every fetch and so after
 * the read cache: a cached answer is shared between callers, and each read
 * decides again who may see it (docs/partners.md, Data ownership).
 *
 * - A caller with a partner sees only values whose owner is that partner; a
 *   caller without one (the shop's own frontend, anonymous) sees them all.
 * - A foreign value where one is asked for (`order(id:)`) is null with
 *   NOT_FOUND, and so is a missing one (the backend's SOURCE_NOT_FOUND): the
 *   two answers are the same, so existence does not leak.
 * - A foreign value in a list or a connection is left out (a backend scoped
 *   by `$caller.partner` never sends one; this is the second lock).
 */
import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  type ConstDirectiveNode,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { SourceError } from '../../sources/common/index.js';
import type { Caller } from '../auth/index.js';
import { GatewayError, toGraphQLError } from '../errors.js';
import { pathArgument } from './bindings.js';
import type { CompositionIssue } from './issues.js';
import { readPath } from './path.js';
import type { FieldResolvers } from './resolvers.js';

/** Owned type name → the dot path of its owner in the type's source value. */
export type Ownership = ReadonlyMap<string, readonly string[]>;

/** The @ownedBy directive of a type node, if any. */
function ownedByDirective(
  directives: readonly ConstDirectiveNode[] | undefined,
): ConstDirectiveNode | undefined {
  return directives?.find((candidate) => candidate.name.value === 'ownedBy');
}

/** Reads every @ownedBy of the unified schema; a malformed path is reported (BINDING_BAD_PATH). */
export function readOwnership(unified: GraphQLSchema, issues: CompositionIssue[]): Ownership {
  const owned = new Map<string, readonly string[]>();
  for (const type of Object.values(unified.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const directive = ownedByDirective(type.astNode?.directives);
    if (directive === undefined) continue;
    const path = pathArgument(directive, 'field', issues);
    if (path !== undefined) owned.set(type.name, path);
  }
  return owned;
}

/** The owner path of a type (its @ownedBy), for the binding check; undefined when not owned. */
export function ownerFieldOf(
  directives: readonly ConstDirectiveNode[] | undefined,
): { readonly path: readonly string[]; readonly node: ConstDirectiveNode } | undefined {
  const directive = ownedByDirective(directives);
  if (directive === undefined) return undefined;
  const path = pathArgument(directive, 'field', []);
  return path === undefined ? undefined : { path, node: directive };
}

/**
 * May `caller` see `value` of an owned type? First-party callers (no partner)
 * see everything; a partner sees only what names it as owner.
 */
export function visibleTo(caller: Caller, value: unknown, ownerPath: readonly string[]): boolean {
  if (caller.partner === undefined) return true;
  if (value === null || typeof value !== 'object') return true;
  return readPath(value, ownerPath) === caller.partner;
}

/** The one answer for "not there" and "not yours": same message, same extensions. */
function notFound(typeName: string): GraphQLError {
  return toGraphQLError(
    new GatewayError({
      code: 'NOT_FOUND',
      safeMessage: `No ${typeName} was found with this id.`,
      details: { type: typeName },
    }),
  );
}

function isSourceNotFound(error: unknown): boolean {
  if (error instanceof SourceError) return error.code === 'SOURCE_NOT_FOUND';
  return error instanceof GraphQLError && error.extensions.code === 'SOURCE_NOT_FOUND';
}

type Resolver = GraphQLFieldResolver<unknown, { caller: Caller }, Record<string, unknown>>;

/** How a field's return type carries an owned type: itself, a list of it, or a connection of it. */
function carriage(
  returned: ReturnType<typeof getNullableType>,
  owned: Ownership,
): { kind: 'one' | 'list' | 'connection'; type: string } | undefined {
  if (isListType(returned)) {
    const named = getNamedType(returned);
    return owned.has(named.name) ? { kind: 'list', type: named.name } : undefined;
  }
  if (!isObjectType(returned)) return undefined;
  if (owned.has(returned.name)) return { kind: 'one', type: returned.name };
  // A Relay connection: edges { node }.
  const edges = returned.getFields().edges;
  const edge: GraphQLNamedType | undefined = edges ? getNamedType(edges.type) : undefined;
  const node = isObjectType(edge) ? edge.getFields().node : undefined;
  const nodeType = node ? getNamedType(node.type) : undefined;
  return nodeType !== undefined && owned.has(nodeType.name)
    ? { kind: 'connection', type: nodeType.name }
    : undefined;
}

function filterList(value: unknown, caller: Caller, ownerPath: readonly string[]): unknown {
  if (!Array.isArray(value)) return value;
  return value.filter((item) =>
    Array.isArray(item)
      ? true // nested lists are not used by owned types; left as they are
      : visibleTo(caller, item, ownerPath),
  );
}

function guard(
  resolver: Resolver,
  how: NonNullable<ReturnType<typeof carriage>>,
  ownerPath: readonly string[],
  lookup: boolean,
): Resolver {
  if (how.kind === 'one') {
    return async (parent, args, ctx, info) => {
      let value: unknown;
      try {
        value = await resolver(parent, args, ctx, info);
      } catch (error) {
        throw isSourceNotFound(error) ? notFound(how.type) : error;
      }
      // A lookup's null is "not there" too (the read cache answers a known miss in a batch with null).
      if ((lookup && value === null) || !visibleTo(ctx.caller, value, ownerPath))
        throw notFound(how.type);
      return value;
    };
  }
  if (how.kind === 'list')
    return async (parent, args, ctx, info) =>
      filterList(await resolver(parent, args, ctx, info), ctx.caller, ownerPath);
  return async (parent, args, ctx, info) => {
    const value = (await resolver(parent, args, ctx, info)) as {
      edges?: ReadonlyArray<{ node: unknown }>;
    } | null;
    if (value === null || typeof value !== 'object' || !Array.isArray(value.edges)) return value;
    return {
      ...value,
      edges: value.edges.filter((edge) => visibleTo(ctx.caller, edge.node, ownerPath)),
    };
  };
}

/**
 * Wraps, in place, every resolver whose field returns an owned type (one,
 * a list or a connection of it) with the owner check. Subscriptions are left
 * alone: an owned type is not streamed today.
 * @param isLookup whether a field fetches its value (`order(id:)`): its null is NOT_FOUND as well
 */
export function guardOwnedFields(
  unified: GraphQLSchema,
  resolvers: FieldResolvers,
  owned: Ownership,
  isLookup: (coordinate: string) => boolean,
): void {
  if (owned.size === 0) return;
  const subscription = unified.getSubscriptionType();
  for (const type of Object.values(unified.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type === subscription) continue;
    for (const field of Object.values(type.getFields())) {
      const how = carriage(getNullableType(field.type), owned);
      if (how === undefined) continue;
      const fields = (resolvers[type.name] ??= {});
      const current = fields[field.name];
      const resolver: Resolver =
        typeof current === 'function'
          ? (current as Resolver)
          : (parent) => (parent as Record<string, unknown> | null)?.[field.name];
      fields[field.name] = guard(
        resolver,
        how,
        owned.get(how.type) ?? [],
        isLookup(`${type.name}.${field.name}`),
      ) as never;
    }
  }
}
