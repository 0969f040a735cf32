/**
 * A GraphQL endpoint of the gateway (/graphql, /graphql/<source>,
 * /federation…): the Yoga server, the plugins of the edge in their order,
 * the per-request context (loaders, notices, the outbound call context) and
 * the JSON lane past Yoga's HTTP layer (http/json-lane.ts). server.ts builds
 * one per path and routes requests to it.
 */

import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { InputConstraints } from './composition/index.js';
import type { ResolvedConfig } from './config/index.js';
import type { AccessControl } from './auth/access.js';
import type { GatewayContext } from './context.js';
import { createJsonLane, type JsonLane } from './http/json-lane.js';
import { createLoaders, type Outbound } from './loaders.js';
import type { Logger } from './logger.js';
import { playgroundOptions, playgroundRenderer } from './playground.js';
import { useCacheControl } from './plugins/cache-control.js';
import { corsFor, useCrossSite } from './plugins/cross-site.js';
import { useErrorCodes } from './plugins/error-codes.js';
import { useInputConstraints } from './plugins/input-constraints.js';
import { useArgumentNames } from './plugins/argument-names.js';
import type { CallNotice } from './pipeline/index.js';
import { useLimits } from './plugins/limits.js';
import { outerLimits, useRateLimit, type CallerLimits } from './plugins/rate-limit.js';
import { useNestingLimit } from './plugins/nesting.js';
import { useRequestParams } from './plugins/request-params.js';
import { useScopes } from './plugins/scopes.js';
import { useSchemaDisclosure, type SchemaDisclosureOptions } from './plugins/schema-disclosure.js';
import type { StreamCaps } from './stream-caps.js';
import { useNotices } from './plugins/notices.js';
import { useRequestLog, type RequestFacts } from './plugins/request-log.js';
import { createMaskedErrors, useRequestErrorMasking } from './plugins/masked-errors.js';
import type { RequestTelemetry } from './telemetry/index.js';
import { useWriteReports } from './plugins/write-report.js';
import {
  usePersistedOperations,
  type PersistedOperations,
} from './plugins/persisted-operations.js';
import { IDEMPOTENCY_KEY_HEADER } from './writes/resolver.js';

/** What the router hands Yoga with each request; resolvers see it on their context. */
export type ServerContext = Omit<GatewayContext, PerRequest>;
/** Built by Yoga's context factory for each request. */
export type PerRequest = 'loaders' | 'outbound' | 'notices' | 'idempotencyKey' | 'writeReports';
/** Who is calling, for the per-client subscription cap: the peer's address, or "local" for gateway.fetch. */
export interface CallerFacts {
  readonly clientAddress: string;
  /** Filled in by useRequestLog for the request's log line. */
  readonly requestFacts?: RequestFacts;
}

export interface Endpoint {
  path: string;
  yoga: YogaServerInstance<ServerContext & CallerFacts, Pick<GatewayContext, PerRequest>>;
  /** The JSON lane past Yoga's HTTP layer (http/json-lane.ts); undefined if this Yoga cannot be driven so. */
  lane?: JsonLane;
}

function yogaLogger(
  logger: Logger,
): Record<'debug' | 'info' | 'warn' | 'error', (...args: unknown[]) => void> {
  const adapt =
    (log: Logger['info']) =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      log(typeof first === 'string' ? first : 'graphql-yoga', {
        from: 'graphql-yoga',
        ...(rest.length > 0 || typeof first !== 'string'
          ? { details: typeof first === 'string' ? rest : args }
          : {}),
      });
    };
  return {
    debug: adapt(logger.debug),
    info: adapt(logger.info),
    warn: adapt(logger.warn),
    error: adapt(logger.error),
  };
}

/**
 * One GraphQL endpoint: its Yoga server with the edge's plugins in their
 * order (the order is the design: each comment says why), and its JSON lane.
 */
export function createEndpoint(init: {
  path: string;
  schema: GraphQLSchema;
  title: string;
  tabs: ReadonlyArray<{ query: string; variables?: string }>;
  config: ResolvedConfig;
  logger: Logger;
  outbound: (source: string) => Outbound | undefined;
  disclosure: SchemaDisclosureOptions;
  callerLimits: CallerLimits;
  /** Told the plan of each request refused for its rate (metrics). */
  onRateLimited?: (plan: string) => void;
  streamCaps: StreamCaps;
  /** The schema's `@constraint`s (unified schema only). */
  constraints?: InputConstraints;
  /** The schema's `@requiresScopes` / `@authenticated` rules (unified schema only). */
  access?: AccessControl;
  /** Request spans and metrics; undefined when metrics and tracing are off. */
  requestTelemetry?: RequestTelemetry;
  /** The persisted operations' registry and who must use it (docs/partners.md). */
  persisted: PersistedOperations;
}): Endpoint {
  const { config, logger, outbound, streamCaps } = init;
  const maxConcurrentCalls = config.limits.maxConcurrentCallsPerSource;
  const plugins = [
    // First, so a request's time and span start before anything else runs on it.
    ...(init.requestTelemetry === undefined ? [] : [init.requestTelemetry.plugin]),
    // First: a POST that is not JSON is refused before Yoga chooses a parser (CSRF).
    useCrossSite(),
    useRequestParams(),
    // Right after the parameters, before anything reads the document: a hash becomes its registered text.
    usePersistedOperations(init.persisted),
    useRequestLog(),
    // Before parsing: graphql-js parses by recursion, so nesting is measured first.
    useNestingLimit(config.limits),
    useLimits({ ...config.limits, ...outerLimits(config) }),
    useSchemaDisclosure(init.disclosure),
    // A literal that does not fit its type: the validation error names its argument.
    useArgumentNames(),
    // After validation, before any resolver: out-of-bounds arguments never reach a backend.
    useInputConstraints(init.constraints ?? new Map()),
    // After the input constraints (an out-of-bounds size names its argument) and before scopes: cost with list
    // sizes from variables, the plan's limits, then requests and cost per window (429).
    useRateLimit(init.callerLimits, init.onRateLimited),
    // After validation, before any resolver: a root field the caller may not call fails the operation (403).
    ...(init.access === undefined ? [] : [useScopes(init.access)]),
    useNotices(),
    useWriteReports(),
    // Before Yoga's own masking (which Yoga appends after user plugins), so masked errors carry the request id.
    useRequestErrorMasking(logger),
    useErrorCodes(),
    useCacheControl(),
  ];
  const yoga = createYoga<ServerContext & CallerFacts, Pick<GatewayContext, PerRequest>>({
    schema: init.schema,
    graphqlEndpoint: init.path,
    landingPage: false,
    // The router's limitBody already refused oversized bodies by Content-Length
    // or by counting the stream; Yoga's own check would pipe every body
    // through a TransformStream again (~10% of a request's CPU).
    maxRequestBodySize: false,
    graphiql: config.playground.enabled
      ? playgroundOptions({ title: init.title, tabs: init.tabs })
      : false,
    // Inlined GraphiQL: the page needs nothing from a CDN (see playground.ts).
    renderGraphiQL: playgroundRenderer(init.path),
    maskedErrors: createMaskedErrors(logger),
    logging: yogaLogger(logger),
    cors: corsFor(config.cors),
    // Loaders live for one request: batching and deduplication never cross callers.
    context: ({ requestId, signal, deadlineAt, clientAddress, request }) => {
      const telemetry = init.requestTelemetry?.callTelemetry(request);
      const notices: CallNotice[] = [];
      const idempotencyKey = request.headers.get(IDEMPOTENCY_KEY_HEADER) ?? undefined;
      // Every stream this request opens counts against its client's and its source's caps.
      const capped = (source: string): Outbound | undefined => {
        const way = outbound(source);
        return way === undefined ? undefined : streamCaps.wrap(way, source, clientAddress);
      };
      return {
        loaders: createLoaders({ maxConcurrentCalls, outbound: capped }),
        notices,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        writeReports: [],
        // No spread: with telemetry off (the default) the context is built as before it existed.
        outbound:
          telemetry === undefined
            ? {
                signal,
                requestId,
                deadlineAt,
                notify: (notice: CallNotice) => notices.push(notice),
              }
            : {
                signal,
                requestId,
                deadlineAt,
                notify: (notice: CallNotice) => notices.push(notice),
                telemetry,
              },
      };
    },
    plugins,
  });
  // The lane runs the plugins' onRequest and onResponse hooks itself (http/json-lane.ts).
  const lane = createJsonLane(yoga as unknown as YogaServerInstance<object, object>, plugins);
  if (lane === undefined)
    logger.warn(
      'the JSON lane is off (this Yoga does not expose its result-process hooks, or a plugin instruments it): every request takes Yoga’s own route, slower, same answers',
      { path: init.path },
    );
  return { path: init.path, yoga, ...(lane === undefined ? {} : { lane }) };
}
