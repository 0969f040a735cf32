/**
 * Compiles the bindings into resolvers, once at start-up: each field gets a
 * closure with its paths parsed, its expression compiled, its operation
 * looked up and its argument builder ready, so a request only runs them.
 */
import {
  GraphQLError,
  getNullableType,
  isListType,
  isObjectType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import type { Source } from '../../sources/common/index.js';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import type { CallEntity } from '../pipeline/index.js';
import { exposeError, exposeStreamErrors, streamContext, withDeadline } from '../subgraph.js';
import { compileArgs } from './args.js';
import { entityKey, type FetchBinding, type FieldBinding } from './bindings.js';
import { createConnectionBuilder, decodeEdgeCursor, LazyEdge } from './connection.js';
import { compileInvalidations } from './invalidates.js';
import { ExpressionError } from './expression.js';
import { readPath } from './path.js';
import { createPrefetcher, fetchNeedsOnlyKey, type StartFetch } from './prefetch.js';

type Resolver = GraphQLFieldResolver<unknown, GatewayContext, Record<string, unknown>>;
export type FieldResolvers = Record<
  string,
  Record<string, Resolver | { subscribe: Resolver; resolve: Resolver }>
>;

export interface CompileInput {
  /** The unified schema with its bindings (types and arguments are read from it). */
  readonly unified: GraphQLSchema;
  readonly sources: ReadonlyMap<
    string,
    { readonly source: Source; readonly schema: GraphQLSchema }
  >;
  readonly bindings: ReadonlyMap<string, FieldBinding>;
}

/** Reads one field by name; through a list (a type fed by a list) it maps, as paths do. */
function plainReader(name: string): Resolver {
  const path = [name];
  return (parent) => {
    if (parent !== null && typeof parent === 'object' && !Array.isArray(parent)) {
      // Own fields only (a backend's `constructor` or `__proto__` is data, never the prototype's); a lazy
      // edge's cursor is a getter of our own class.
      return Object.hasOwn(parent, name) || parent instanceof LazyEdge
        ? (parent as Record<string, unknown>)[name]
        : null;
    }
    return readPath(parent, path);
  };
}

/** A SwitchboardError, so the masking plugin shows its safe message and code. */
function valueError(message: string): GatewayError {
  return new GatewayError({ code: 'BINDING_VALUE_INVALID', safeMessage: message });
}

/** A call's operation, its argument builder and how to shape its answer. */
function compileFetch(
  fetch: FetchBinding,
  input: CompileInput,
  isSubscription: boolean,
  entity?: CallEntity,
) {
  const entry = input.sources.get(fetch.source);
  const operation = entry?.source.operations.get(fetch.operation);
  const root = isSubscription ? entry?.schema.getSubscriptionType() : undefined;
  const field =
    (root ?? entry?.schema.getQueryType())?.getFields()[fetch.operation] ??
    entry?.schema.getMutationType()?.getFields()[fetch.operation] ??
    entry?.schema.getSubscriptionType()?.getFields()[fetch.operation];
  if (entry === undefined || operation === undefined || field === undefined) {
    // Composition refuses such a schema before compiling; this guards the invariant.
    throw new TypeError(`@fetch names ${fetch.source}.${fetch.operation}, which does not exist.`);
  }
  const argTypes = new Map<string, GraphQLInputType>(field.args.map((arg) => [arg.name, arg.type]));
  const batchKey = operation.batch?.key;
  const keyIsList = batchKey !== undefined && isListType(getNullableType(argTypes.get(batchKey)));
  const buildArgs = compileArgs(fetch.args, argTypes, batchKey);
  const { path } = fetch;
  const pick =
    path.length === 0 ? (answer: unknown) => answer : (answer: unknown) => readPath(answer, path);
  const options = { keyIsList, ...(entity === undefined ? {} : { entity }) };
  const start: StartFetch = (parent, args, ctx) =>
    ctx.loaders.call(
      entry.source.name,
      operation,
      buildArgs(parent, args, { caller: ctx.caller }),
      ctx.outbound,
      options,
    );
  return { source: entry.source, operation, buildArgs, keyIsList, pick, start };
}

/**
 * What a fetch's answer is about, for the cache's tags: on an @entity type,
 * the operation argument fed by `$parent.<key>`; on a field that returns an
 * @entity, the operation argument named after the entity's key.
 */
function callEntityOf(
  parentType: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  fetch: FetchBinding,
): CallEntity | undefined {
  const parentKey = entityKey(parentType.astNode?.directives)?.key;
  if (parentKey !== undefined) {
    for (const [argument, { template }] of fetch.args) {
      if (
        template.kind === 'ref' &&
        template.root === 'parent' &&
        template.path.length === 1 &&
        template.path[0] === parentKey
      )
        return { type: parentType.name, argument };
    }
  }
  const returned = getNullableType(field.type);
  const returnedKey = isObjectType(returned)
    ? entityKey(returned.astNode?.directives)?.key
    : undefined;
  if (returnedKey !== undefined && fetch.args.has(returnedKey))
    return { type: (returned as GraphQLObjectType).name, argument: returnedKey };
  return undefined;
}

type Prefetcher = (key: unknown, info: GraphQLResolveInfo, ctx: GatewayContext) => void;

/** The entity a field fetches by its key, and how to read that key before the answer arrives. */
function keyedEntity(
  field: GraphQLField<unknown, unknown>,
  fetch: FetchBinding,
  prefetchers: ReadonlyMap<string, { readonly key: string; readonly prefetch: Prefetcher }>,
):
  | {
      readonly prefetch: Prefetcher;
      readonly readKey: (parent: unknown, args: Readonly<Record<string, unknown>>) => unknown;
    }
  | undefined {
  const returned = getNullableType(field.type);
  if (!isObjectType(returned)) return undefined; // lists of entities learn their keys from the answer
  const entity = prefetchers.get(returned.name);
  const keyArgument = entity === undefined ? undefined : fetch.args.get(entity.key);
  if (entity === undefined || keyArgument === undefined) return undefined;
  const build = compileArgs(new Map([[entity.key, keyArgument]]), new Map(), entity.key);
  return { prefetch: entity.prefetch, readKey: (parent, args) => build(parent, args)[entity.key] };
}

function fetchResolver(
  binding: FieldBinding & { fetch: FetchBinding },
  input: CompileInput,
  keyed: ReturnType<typeof keyedEntity>,
  entity: CallEntity | undefined,
): Resolver {
  const { pick, start } = compileFetch(binding.fetch, input, false, entity);
  const builder =
    binding.connection === undefined
      ? undefined
      : createConnectionBuilder(
          binding.connection.items,
          binding.connection.nextCursor,
          passesArgs(binding.fetch, ['first', 'after']),
        );
  if (binding.invalidates !== undefined && binding.invalidates.length > 0)
    return invalidatingResolver(binding.invalidates, start, pick, builder?.build);
  return async (parent, args, ctx, info) => {
    let answer: unknown;
    // A mid-page edge cursor (connection.ts): the page it points into, then the page after it.
    const resume = builder === undefined ? undefined : decodeEdgeCursor(args.after);
    let pageArgs = args;
    try {
      if (resume !== undefined && builder !== undefined) {
        const before = pick(
          await withDeadline(
            start(
              parent,
              { ...args, first: resume.skip, after: resume.backendCursor ?? undefined },
              ctx,
            ),
            ctx,
          ),
        );
        const backendCursor = builder.next(before);
        if (backendCursor === null) return builder.build(undefined, args.after, null);
        pageArgs = { ...args, after: backendCursor };
      }
      const call = start(parent, pageArgs, ctx);
      keyed?.prefetch(keyed.readKey(parent, pageArgs), info, ctx);
      answer = pick(await withDeadline(call, ctx));
    } catch (error) {
      throw exposeError(error);
    }
    return builder === undefined
      ? answer
      : builder.build(answer, args.after, (pageArgs.after as string | null | undefined) ?? null);
  };
}

/** Whether the fetch passes each of the field's `names` arguments to the operation as is. */
function passesArgs(fetch: FetchBinding, names: readonly string[]): boolean {
  const passed = new Set<string>();
  for (const { template } of fetch.args.values())
    if (template.kind === 'ref' && template.root === 'args' && template.path.length === 1)
      passed.add(template.path[0] as string);
  return names.every((name) => passed.has(name));
}

/**
 * A mutation with @invalidates: once the write has settled, successful or
 * not, the entities it touched are dropped from the read cache before the
 * answer goes out (the caller's next read sees the write). A failed write
 * may still have been applied (a timeout after the backend committed), and
 * a needless drop costs one backend call where a stale stock oversells.
 */
function invalidatingResolver(
  invalidations: NonNullable<FieldBinding['invalidates']>,
  start: StartFetch,
  pick: (answer: unknown) => unknown,
  connection: ((answer: unknown, after: unknown) => unknown) | undefined,
): Resolver {
  const touched = compileInvalidations(invalidations);
  return async (parent, args, ctx) => {
    let answer: unknown;
    try {
      answer = pick(await withDeadline(start(parent, args, ctx), ctx));
    } catch (error) {
      throw exposeError(error);
    } finally {
      await ctx.cache?.invalidate(touched(args));
    }
    return connection === undefined ? answer : connection(answer, args.after);
  };
}

function subscriptionResolver(
  fetch: FetchBinding,
  input: CompileInput,
): { subscribe: Resolver; resolve: Resolver } {
  const { source, operation, buildArgs, pick } = compileFetch(fetch, input, true);
  return {
    subscribe: (parent, args, ctx) => {
      if (operation.subscribe === undefined)
        throw new GraphQLError(`${source.name}.${operation.name} cannot be subscribed to.`, {
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        });
      try {
        return exposeStreamErrors(
          ctx.loaders.subscribe(
            source.name,
            operation,
            buildArgs(parent, args, { caller: ctx.caller }),
            streamContext(ctx),
          ),
        );
      } catch (error) {
        throw exposeError(error);
      }
    },
    resolve: (payload) => pick(payload),
  };
}

/** For each @entity type: its key and a prefetcher of the fetches that need only that key. */
function compilePrefetchers(
  input: CompileInput,
): Map<string, { key: string; prefetch: Prefetcher }> {
  const prefetchers = new Map<string, { key: string; prefetch: Prefetcher }>();
  for (const type of Object.values(input.unified.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const entity = entityKey(type.astNode?.directives);
    if (entity === undefined) continue;
    // An owned entity is fetched further only once its owner is checked (ownership.ts), never ahead.
    if (type.astNode?.directives?.some((directive) => directive.name.value === 'ownedBy')) continue;
    const fetches = new Map<string, StartFetch>();
    for (const field of Object.values((type as GraphQLObjectType).getFields())) {
      const fetch = input.bindings.get(`${type.name}.${field.name}`)?.fetch;
      if (fetch !== undefined && fetchNeedsOnlyKey(fetch, entity.key))
        fetches.set(
          field.name,
          compileFetch(fetch, input, false, callEntityOf(type, field, fetch)).start,
        );
    }
    prefetchers.set(type.name, {
      key: entity.key,
      prefetch: createPrefetcher(type, entity.key, fetches),
    });
  }
  return prefetchers;
}

/** Every field of every object type of `input.unified`, compiled. */
export function compileResolvers(input: CompileInput): FieldResolvers {
  const resolvers: FieldResolvers = {};
  const subscriptionType = input.unified.getSubscriptionType();
  const prefetchers = compilePrefetchers(input);
  for (const type of Object.values(input.unified.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields: FieldResolvers[string] = {};
    for (const field of Object.values(type.getFields())) {
      const binding = input.bindings.get(`${type.name}.${field.name}`) ?? {};
      if (binding.fetch !== undefined) {
        fields[field.name] =
          type === subscriptionType
            ? subscriptionResolver(binding.fetch, input)
            : fetchResolver(
                { ...binding, fetch: binding.fetch },
                input,
                keyedEntity(field, binding.fetch, prefetchers),
                callEntityOf(type, field, binding.fetch),
              );
      } else if (binding.compute !== undefined) {
        const { expression } = binding.compute;
        const label = `${type.name}.${field.name}`;
        fields[field.name] = (parent) => {
          try {
            return expression.evaluate(parent);
          } catch (error) {
            if (error instanceof ExpressionError)
              throw valueError(`${label} could not be computed: ${error.message}.`);
            throw error;
          }
        };
      } else if (binding.from !== undefined) {
        const { path } = binding.from;
        fields[field.name] =
          path.length === 0 ? (parent) => parent : (parent) => readPath(parent, path);
      } else if (type !== subscriptionType) {
        fields[field.name] = plainReader(field.name);
      }
    }
    resolvers[type.name] = fields;
  }
  return resolvers;
}
