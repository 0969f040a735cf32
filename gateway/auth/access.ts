/**
 * What a caller may see of the unified schema, from its `@requiresScopes` and
 * `@authenticated` rules (gateway/composition/access.ts).
 *
 * A field's rule holds on every path that reaches it: the rule lives on the
 * field's resolver, not on the query's shape, so fragments, aliases,
 * interfaces and nesting (order.lines.product.price) all meet the same check,
 * and the check comes before the resolver calls any backend.
 *
 * Work is done once per distinct caller view (token or not, and the scopes
 * that appear in some rule; the rest cannot change anything), in a bounded
 * cache: the set of fields it may not see and, on first introspection, the
 * schema it sees. A request then costs one WeakMap lookup per guarded field.
 */
import { filterSchema, pruneSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  getNamedType,
  GraphQLBoolean,
  GraphQLObjectType,
  GraphQLSchema,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
} from 'graphql';
import { BINDING_DIRECTIVES, type AccessRule, type AccessRules } from '../composition/index.js';
import { GatewayError } from '../errors.js';
import type { Caller } from './caller.js';

/** What one caller view may not see. */
export interface AccessView {
  /** The cache key: "token|a b" or "anonymous|a". */
  readonly key: string;
  /** Field coordinates ("Product.price") this view may not see or call. */
  readonly forbidden: ReadonlySet<string>;
  /** The schema this view introspects: every forbidden field and every type left empty removed. Built on first use. */
  schema(): GraphQLSchema;
  /** The rule of `coordinate` this view does not meet, for the error; undefined when allowed. */
  unmet(coordinate: string): AccessRule | undefined;
}

export interface AccessControl {
  /** False when the schema has no rule: nothing to enforce, no plugin needed. */
  readonly active: boolean;
  /** The view of `caller` (memoised per caller object, computed once per distinct view). */
  viewOf(caller: Caller): AccessView;
  /** Every scope some rule names, sorted: what docs/partners.md lists. */
  readonly scopes: readonly string[];
}

/** Most distinct views kept; scopes outside the rules do not count, so a schema rarely has more than a few dozen. */
const MAX_VIEWS = 256;

function meets(
  caller: { authenticated: boolean; scopes: ReadonlySet<string> },
  rule: AccessRule,
): boolean {
  if (rule.authenticated && !caller.authenticated) return false;
  return (
    rule.scopes === undefined ||
    rule.scopes.some((set) => set.every((scope) => caller.scopes.has(scope)))
  );
}

/** A type's own rule and its interfaces' own rules. */
function ownRules(type: GraphQLNamedType, rules: AccessRules): AccessRule[] {
  const names = [
    type.name,
    ...(isObjectType(type) || isInterfaceType(type)
      ? type.getInterfaces().map((parent) => parent.name)
      : []),
  ];
  return names.flatMap((name) => rules.get(name) ?? []);
}

/** The rules a value of `type` needs wherever it is returned: its own and its interfaces', and for an abstract type every possible type's too. */
function typeRules(
  schema: GraphQLSchema,
  type: GraphQLNamedType,
  rules: AccessRules,
): AccessRule[] {
  const found = ownRules(type, rules);
  if (isAbstractType(type))
    for (const possible of schema.getPossibleTypes(type)) found.push(...ownRules(possible, rules));
  return found;
}

/**
 * Every rule a field needs, by coordinate: its own, the interface fields it
 * implements (an object field keeps its interface's rule), for an interface
 * field its implementations' (so the interface never shows more than they
 * do), its return type's and its arguments' types'.
 */
function fieldRequirements(schema: GraphQLSchema, rules: AccessRules): Map<string, AccessRule[]> {
  const requirements = new Map<string, AccessRule[]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields()) as Array<GraphQLField<unknown, unknown>>) {
      const needed: AccessRule[] = [];
      const own = rules.get(`${type.name}.${field.name}`);
      if (own !== undefined) needed.push(own);
      for (const parent of type.getInterfaces()) {
        const inherited = rules.get(`${parent.name}.${field.name}`);
        if (inherited !== undefined) needed.push(inherited);
      }
      if (isInterfaceType(type)) {
        for (const possible of schema.getPossibleTypes(type)) {
          const implemented = rules.get(`${possible.name}.${field.name}`);
          if (implemented !== undefined) needed.push(implemented);
        }
      }
      needed.push(...typeRules(schema, getNamedType(field.type), rules));
      for (const arg of field.args)
        needed.push(...typeRules(schema, getNamedType(arg.type), rules));
      if (needed.length > 0) requirements.set(`${type.name}.${field.name}`, needed);
    }
  }
  return requirements;
}

/**
 * The fields a view may not see, closed under emptiness: a type left with no
 * visible field (or a union with no visible member) is hidden, and so is
 * every field returning it. Root types are never hidden (see viewSchema).
 */
function forbiddenFor(
  schema: GraphQLSchema,
  requirements: ReadonlyMap<string, AccessRule[]>,
  view: { authenticated: boolean; scopes: ReadonlySet<string> },
): Set<string> {
  const forbidden = new Set<string>();
  for (const [coordinate, needed] of requirements)
    if (!needed.every((rule) => meets(view, rule))) forbidden.add(coordinate);
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap(
      (type) => (type ? [type.name] : []),
    ),
  );
  const hidden = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || hidden.has(type.name) || roots.has(type.name)) continue;
      const empty =
        isObjectType(type) || isInterfaceType(type)
          ? Object.keys(type.getFields()).every((name) => forbidden.has(`${type.name}.${name}`))
          : isUnionType(type) && type.getTypes().every((member) => hidden.has(member.name));
      if (empty) {
        hidden.add(type.name);
        changed = true;
      }
    }
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        if (!forbidden.has(coordinate) && hidden.has(getNamedType(field.type).name)) {
          forbidden.add(coordinate);
          changed = true;
        }
      }
    }
  }
  return forbidden;
}

/** Said in the introspected schema when a view may call no query at all (a schema needs one query field). */
const NOTHING_FIELD = '_noAccess';

/** The schema a view introspects: the full schema without what it may not see. */
function viewSchema(schema: GraphQLSchema, forbidden: ReadonlySet<string>): GraphQLSchema {
  const filtered = pruneSchema(
    filterSchema({
      schema,
      rootFieldFilter: (operation, name) => {
        const root =
          operation === 'Query'
            ? schema.getQueryType()
            : operation === 'Mutation'
              ? schema.getMutationType()
              : schema.getSubscriptionType();
        return root === undefined || root === null || !forbidden.has(`${root.name}.${name}`);
      },
      objectFieldFilter: (typeName, name) => !forbidden.has(`${typeName}.${name}`),
      interfaceFieldFilter: (typeName, name) => !forbidden.has(`${typeName}.${name}`),
      // The binding and scope directives never reach callers (composition strips them; a hand-built schema may not).
      directiveFilter: (name) => !(BINDING_DIRECTIVES as readonly string[]).includes(name),
    }),
  );
  const config = filtered.toConfig();
  const empty = (type: GraphQLObjectType | null | undefined): boolean =>
    type === null || type === undefined || Object.keys(type.getFields()).length === 0;
  const absentOrFull = (type: GraphQLObjectType | null | undefined): boolean =>
    type === null || type === undefined || !empty(type);
  if (!empty(config.query) && absentOrFull(config.mutation) && absentOrFull(config.subscription))
    return filtered;
  const query = empty(config.query)
    ? new GraphQLObjectType({
        name: config.query?.name ?? 'Query',
        description: 'Nothing here is open to this caller; docs/partners.md lists the scopes.',
        fields: { [NOTHING_FIELD]: { type: GraphQLBoolean, description: 'Always null.' } },
      })
    : config.query;
  return pruneSchema(
    new GraphQLSchema({
      ...config,
      query,
      mutation: empty(config.mutation) ? null : config.mutation,
      subscription: empty(config.subscription) ? null : config.subscription,
      types: config.types.filter(
        (type) =>
          type.name !== query?.name &&
          !(empty(config.mutation) && type === config.mutation) &&
          !(empty(config.subscription) && type === config.subscription),
      ),
    }),
  );
}

/** The FORBIDDEN error of one field; says which scopes would open it, as docs/partners.md does. */
export function forbiddenError(coordinate: string, rule: AccessRule | undefined): GatewayError {
  const scopes = rule?.scopes?.map((set) => set.join(' ')).join(' | ');
  const needs =
    rule?.authenticated && scopes === undefined
      ? 'a token'
      : scopes === undefined
        ? 'scopes this caller does not hold'
        : `the scopes ${scopes}`;
  return new GatewayError({
    code: 'FORBIDDEN',
    safeMessage: `Not allowed: ${coordinate} needs ${needs}.`,
    details: {
      field: coordinate,
      ...(scopes === undefined ? {} : { requiredScopes: scopes }),
      ...(rule?.authenticated ? { authenticated: true } : {}),
    },
  });
}

/**
 * Builds the access control of `schema` and guards its resolvers in place:
 * every field some view may not see checks the caller's view before its own
 * resolver runs (and so before any backend call).
 * @example
 * const access = createAccessControl(schema, composition.access);
 * access.viewOf(context.caller).forbidden.has('Product.price');
 */
export function createAccessControl(schema: GraphQLSchema, rules: AccessRules): AccessControl {
  const requirements = fieldRequirements(schema, rules);
  const known = new Set<string>();
  for (const rule of rules.values())
    for (const set of rule.scopes ?? []) for (const scope of set) known.add(scope);
  const scopes = [...known].sort();
  const views = new Map<string, AccessView>();
  const byCaller = new WeakMap<Caller, AccessView>();

  const buildView = (
    key: string,
    authenticated: boolean,
    held: ReadonlySet<string>,
  ): AccessView => {
    const needs = { authenticated, scopes: held };
    const forbidden = forbiddenFor(schema, requirements, needs);
    let introspected: GraphQLSchema | undefined;
    return {
      key,
      forbidden,
      schema: () =>
        (introspected ??= forbidden.size === 0 ? schema : viewSchema(schema, forbidden)),
      unmet: (coordinate) =>
        forbidden.has(coordinate)
          ? (requirements.get(coordinate)?.find((rule) => !meets(needs, rule)) ?? {
              authenticated: false,
            })
          : undefined,
    };
  };

  // Every anonymous caller shares one scope set (the config's anonymousScopes): its view is found
  // without building the key, a per-request cost with no token (issue 15).
  const anonymousBySet = new WeakMap<ReadonlySet<string>, AccessView>();
  const viewOf = (caller: Caller): AccessView => {
    const memo =
      caller.kind === 'anonymous' ? anonymousBySet.get(caller.scopes) : byCaller.get(caller);
    if (memo !== undefined) return memo;
    const held = scopes.filter((scope) => caller.scopes.has(scope));
    const authenticated = caller.kind === 'token';
    const key = `${authenticated ? 'token' : 'anonymous'}|${held.join(' ')}`;
    let view = views.get(key);
    if (view === undefined) {
      view = buildView(key, authenticated, new Set(held));
      if (views.size >= MAX_VIEWS) views.delete(views.keys().next().value as string);
      views.set(key, view);
    } else {
      // Least recently used goes first.
      views.delete(key);
      views.set(key, view);
    }
    if (caller.kind === 'anonymous') anonymousBySet.set(caller.scopes, view);
    else byCaller.set(caller, view);
    return view;
  };

  // The most restricted view (no token, no scope) forbids a superset of every other's: those are the fields to guard.
  const guarded = forbiddenFor(schema, requirements, { authenticated: false, scopes: new Set() });
  for (const coordinate of guarded) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue; // interface fields run their object's resolver
    const field = type.getFields()[fieldName];
    if (field === undefined) continue;
    const check = (context: unknown): void => {
      const caller = (context as { caller?: Caller } | null)?.caller;
      const view = caller === undefined ? undefined : viewOf(caller);
      if (view === undefined || view.forbidden.has(coordinate))
        throw forbiddenError(coordinate, view?.unmet(coordinate));
    };
    const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context, info) => {
      check(context);
      return resolve(source, args, context, info);
    };
    const { subscribe } = field;
    if (subscribe !== undefined) {
      field.subscribe = (source, args, context, info) => {
        check(context);
        return subscribe(source, args, context, info);
      };
    }
  }

  return { active: rules.size > 0, viewOf, scopes };
}
