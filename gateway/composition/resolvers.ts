/**
 * Compiles the bindings into resolvers, once at start-up: each field gets a
 * closure with its paths parsed, its expression compiled, its operation
 * looked up and its argument builder ready, so a request only runs them.
 */
import { GraphQLError, getNullableType, isListType, isObjectType, type GraphQLFieldResolver, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import type { Source } from '../../sources/common/index.js';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import { exposeError, exposeStreamErrors, withDeadline } from '../subgraph.js';
import { compileArgs } from './args.js';
import type { FetchBinding, FieldBinding } from './bindings.js';
import { createConnectionBuilder } from './connection.js';
import { ExpressionError } from './expression.js';
import { readPath } from './path.js';

type Resolver = GraphQLFieldResolver<unknown, GatewayContext, Record<string, unknown>>;
export type FieldResolvers = Record<string, Record<string, Resolver | { subscribe: Resolver; resolve: Resolver }>>;

export interface CompileInput {
  /** The unified schema with its bindings (types and arguments are read from it). */
  readonly unified: GraphQLSchema;
  readonly sources: ReadonlyMap<string, { readonly source: Source; readonly schema: GraphQLSchema }>;
  readonly bindings: ReadonlyMap<string, FieldBinding>;
}

/** Reads one field by name; through a list (a type fed by a list) it maps, as paths do. */
function plainReader(name: string): Resolver {
  const path = [name];
  return (parent) => {
    if (parent !== null && typeof parent === 'object' && !Array.isArray(parent)) {
      return Object.hasOwn(parent, name) ? (parent as Record<string, unknown>)[name] : null;
    }
    return readPath(parent, path);
  };
}

/** A SwitchboardError, so the masking plugin shows its safe message and code. */
function valueError(message: string): GatewayError {
  return new GatewayError({ code: 'BINDING_VALUE_INVALID', safeMessage: message });
}

const deadlines = new WeakMap<AbortSignal, Promise<never>>();

/**
 * One promise per request that rejects at its deadline (subgraph.ts's
 * withDeadline), raced by every fetch: one abort listener per request rather
 * than one per field (50 products × 3 fetches would be 150).
 */
function deadlineOf(ctx: GatewayContext): Promise<never> {
  let deadline = deadlines.get(ctx.signal);
  if (deadline === undefined) {
    deadline = withDeadline(new Promise<never>(() => undefined), ctx);
    deadline.catch(() => undefined);
    deadlines.set(ctx.signal, deadline);
  }
  return deadline;
}

/** A call's operation, its argument builder and how to shape its answer. */
function compileFetch(fetch: FetchBinding, input: CompileInput, isSubscription: boolean) {
  const entry = input.sources.get(fetch.source);
  const operation = entry?.source.operations.get(fetch.operation);
  const root = isSubscription ? entry?.schema.getSubscriptionType() : undefined;
  const field = (root ?? entry?.schema.getQueryType())?.getFields()[fetch.operation] ?? entry?.schema.getMutationType()?.getFields()[fetch.operation] ?? entry?.schema.getSubscriptionType()?.getFields()[fetch.operation];
  if (entry === undefined || operation === undefined || field === undefined) {
    // Composition refuses such a schema before compiling; this guards the invariant.
    throw new TypeError(`@fetch names ${fetch.source}.${fetch.operation}, which does not exist.`);
  }
  const argTypes = new Map<string, GraphQLInputType>(field.args.map((arg) => [arg.name, arg.type]));
  const batchKey = operation.batch?.key;
  const keyIsList = batchKey !== undefined && isListType(getNullableType(argTypes.get(batchKey)));
  const buildArgs = compileArgs(fetch.args, argTypes, batchKey);
  const { path } = fetch;
  const pick = path.length === 0 ? (answer: unknown) => answer : (answer: unknown) => readPath(answer, path);
  return { source: entry.source, operation, buildArgs, keyIsList, pick };
}

function fetchResolver(binding: FieldBinding & { fetch: FetchBinding }, input: CompileInput): Resolver {
  const { source, operation, buildArgs, keyIsList, pick } = compileFetch(binding.fetch, input, false);
  const options = { keyIsList };
  const connection = binding.connection === undefined ? undefined : createConnectionBuilder(binding.connection.items, binding.connection.nextCursor);
  return async (parent, args, ctx) => {
    let answer: unknown;
    try {
      const call = ctx.loaders.call(source.name, operation, buildArgs(parent, args), { signal: ctx.signal, requestId: ctx.requestId }, options);
      answer = pick(await Promise.race([call, deadlineOf(ctx)]));
    } catch (error) {
      throw exposeError(error);
    }
    return connection === undefined ? answer : connection(answer, args.after);
  };
}

function subscriptionResolver(fetch: FetchBinding, input: CompileInput): { subscribe: Resolver; resolve: Resolver } {
  const { source, operation, buildArgs, pick } = compileFetch(fetch, input, true);
  return {
    subscribe: (parent, args, ctx) => {
      if (operation.subscribe === undefined) throw new GraphQLError(`${source.name}.${operation.name} cannot be subscribed to.`, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      try {
        return exposeStreamErrors(operation.subscribe(buildArgs(parent, args), { signal: ctx.requestSignal, requestId: ctx.requestId }));
      } catch (error) {
        throw exposeError(error);
      }
    },
    resolve: (payload) => pick(payload),
  };
}

/** Every field of every object type of `input.unified`, compiled. */
export function compileResolvers(input: CompileInput): FieldResolvers {
  const resolvers: FieldResolvers = {};
  const subscriptionType = input.unified.getSubscriptionType();
  for (const type of Object.values(input.unified.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields: FieldResolvers[string] = {};
    for (const field of Object.values(type.getFields())) {
      const binding = input.bindings.get(`${type.name}.${field.name}`) ?? {};
      if (binding.fetch !== undefined) {
        fields[field.name] = type === subscriptionType ? subscriptionResolver(binding.fetch, input) : fetchResolver({ ...binding, fetch: binding.fetch }, input);
      } else if (binding.compute !== undefined) {
        const { expression } = binding.compute;
        const label = `${type.name}.${field.name}`;
        fields[field.name] = (parent) => {
          try {
            return expression.evaluate(parent);
          } catch (error) {
            if (error instanceof ExpressionError) throw valueError(`${label} could not be computed: ${error.message}.`);
            throw error;
          }
        };
      } else if (binding.from !== undefined) {
        const { path } = binding.from;
        fields[field.name] = path.length === 0 ? (parent) => parent : (parent) => readPath(parent, path);
      } else if (type !== subscriptionType) {
        fields[field.name] = plainReader(field.name);
      }
    }
    resolvers[type.name] = fields;
  }
  return resolvers;
}
