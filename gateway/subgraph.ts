/**
 * One source's subgraph as an executable schema: every operation a field
 * whose resolver calls the backend. Built once at start-up.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  GraphQLError,
  Kind,
  type GraphQLFieldResolver,
  type GraphQLScalarType,
  type GraphQLSchema,
} from 'graphql';
import {
  SwitchboardError,
  scalars,
  type Args,
  type Operation,
  type Source,
} from '../sources/common/index.js';
import type { GatewayContext } from './context.js';
import type { PipelineContext } from './pipeline/index.js';
import { GatewayError, toGraphQLError } from './errors.js';

type Resolver = GraphQLFieldResolver<unknown, GatewayContext, Args>;

const ROOT_TYPES = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;

/** Turns what a source threw into what a caller may see; unknown errors go on to be masked. */
export function exposeError(error: unknown): unknown {
  if (error instanceof SwitchboardError) return toGraphQLError(error);
  return error;
}

/**
 * Settles with `work`, or rejects with REQUEST_TIMEOUT once the request's
 * signal aborts, so a source that ignores its signal cannot hang the answer.
 * One abort listener per waiting call, removed as the call settles. Racing
 * every call of a request against one never-settling promise per request
 * (one listener in all) was tried: that promise's reactions kept each
 * settled call, and its answer, reachable until the request was over, and
 * ~10% of what a query allocated outlived the young generation (0.2% in a
 * bare GraphQL server), costing more in garbage collection than the
 * listeners save (issue 15, bench/README.md).
 */
export function withDeadline<T>(work: Promise<T>, ctx: GatewayContext): Promise<T> {
  const { signal } = ctx;
  const timeout = (): GatewayError =>
    new GatewayError({
      code: 'REQUEST_TIMEOUT',
      safeMessage: `The request was stopped after ${ctx.requestTimeoutMs} ms or when the caller went away.`,
    });
  if (signal.aborted) return Promise.reject(timeout());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(timeout());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? timeout() : error);
      },
    );
  });
}

function callResolver(source: Source, operation: Operation): Resolver {
  return async (_parent, args, ctx) => {
    try {
      const call = ctx.loaders.call(source.name, operation, args, ctx.outbound);
      return await withDeadline(call, ctx);
    } catch (error) {
      throw exposeError(error);
    }
  };
}

function subscribeResolver(source: Source, operation: Operation): Resolver {
  return (_parent, args, ctx) => {
    if (operation.subscribe === undefined) {
      throw new GraphQLError(`${source.name}.${operation.name} cannot be subscribed to.`, {
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
    }
    try {
      return exposeStreamErrors(
        ctx.loaders.subscribe(source.name, operation, args, streamContext(ctx)),
      );
    } catch (error) {
      throw exposeError(error);
    }
  };
}

/** A stream outlives the request's deadline: it ends when the caller goes away. */
export function streamContext(ctx: GatewayContext): PipelineContext {
  return {
    signal: ctx.requestSignal,
    requestId: ctx.requestId,
    ...(ctx.outbound.notify === undefined ? {} : { notify: ctx.outbound.notify }),
    // The request's trace, so the stream's span is a child of it and the backend hears of it.
    ...(ctx.outbound.telemetry === undefined ? {} : { telemetry: ctx.outbound.telemetry }),
  };
}

/** A stream that fails later fails the way a call does: with its safe message and code. */
export async function* exposeStreamErrors(stream: AsyncIterable<unknown>): AsyncGenerator<unknown> {
  try {
    yield* stream;
  } catch (error) {
    throw exposeError(error);
  }
}

/** Scalars the subgraph declares that sources/common implements, by name. */
function declaredScalars(source: Source): Record<string, GraphQLScalarType> {
  const result: Record<string, GraphQLScalarType> = {};
  for (const definition of source.typeDefs.definitions) {
    if (definition.kind !== Kind.SCALAR_TYPE_DEFINITION) continue;
    const scalar = scalars.get(definition.name.value);
    if (scalar !== undefined) result[definition.name.value] = scalar;
  }
  return result;
}

/** The resolver map of one source, keyed as its own typeDefs name things. */
export function createSubgraphResolvers(source: Source): Record<string, object> {
  const resolvers: Record<string, object> = { ...declaredScalars(source) };
  for (const operation of source.operations.values()) {
    const typeName = ROOT_TYPES[operation.kind];
    const fields = (resolvers[typeName] ??= {}) as Record<string, unknown>;
    fields[operation.name] =
      operation.kind === 'subscription'
        ? {
            subscribe: subscribeResolver(source, operation),
            resolve: (payload: unknown) => payload,
          }
        : callResolver(source, operation);
  }
  return resolvers;
}

/**
 * Builds the executable subgraph of `source`. Union and interface members are
 * told apart by `__typename` on values (graphql's default), as the Source
 * contract requires. Throws when an operation has no field in `typeDefs`.
 */
export function createSubgraphSchema(source: Source): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: source.typeDefs,
    resolvers: createSubgraphResolvers(source),
    resolverValidationOptions: {
      requireResolversForResolveType: 'ignore',
      requireResolversToMatchSchema: 'error',
    },
  });
}
