/**
 * createGateway(): the composition root. Builds every endpoint once at
 * start-up, then routes each request: health checks, the body-size guard,
 * and one Yoga server per GraphQL endpoint (one per source plus the
 * namespaced view). The router is hand-written because it is four prefixes;
 * everything GraphQL is Yoga's.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServerAdapter, sendNodeResponse } from '@whatwg-node/server';
import { GraphQLSchema, parse, type DocumentNode } from 'graphql';
import type { Source } from '../sources/common/index.js';
import {
  composeSchema,
  formatCompositionIssue,
  readConstraints,
  type CompositionIssue,
  type InputConstraints,
} from './composition/index.js';
import { resolveConfig, type ResolvedConfig, type SwitchboardConfig } from './config/index.js';
import {
  authorizationOfHeaders,
  authorizationOfRaw,
  createAuthenticator,
  JWKS_PATH,
  type Authenticator,
  type Caller,
} from './auth/index.js';
import { createAccessControl, type AccessControl } from './auth/access.js';
import { GatewayError } from './errors.js';
import { limitBody } from './http/body-limit.js';
import { createDrain } from './http/drain.js';
import { headersOf, laneAccepts, readBody } from './http/json-lane.js';
import { startDeadline, type RequestDeadline } from './http/deadline.js';
import { healthResponse, readinessResponse } from './http/health.js';
import { refuseBodyType, refuseHeaderCount } from './http/request-guard.js';
import { createPageDelivery } from './http/page-delivery.js';
import { requestIdFrom, requestIdOf } from './http/request-id.js';
import { graphqlErrorResponse, json } from './http/responses.js';
import type { Outbound } from './loaders.js';
import { createLogger, type Logger } from './logger.js';
import { createNamespacedSchema } from './namespace.js';
import { exampleQuery } from './playground.js';
import { createReadCache, type ReadCache, type ReadCacheOptions } from './cache/index.js';
import {
  createCacheControl,
  createSourcePipeline,
  serializeTickets,
  defaultSourcePolicy,
  type CacheControl,
  type SourcePipeline,
} from './pipeline/index.js';
import { createCallerLimits, type CallerLimits } from './plugins/rate-limit.js';
import {
  createMemoryLimiterStore,
  createRedisLimiterStore,
  type LimiterStore,
} from './limits/index.js';
import { createStreamCaps } from './stream-caps.js';
import type { RequestFacts } from './plugins/request-log.js';
import { createSubgraphSchema } from './subgraph.js';
import { ADMIN_GRAPHQL_PATH, createAdminApi } from './admin/endpoint.js';
import { openWriteJournal, type WriteJournal, type WriteRunner } from './writes/index.js';
import { createAdminGuard } from './http/admin-guard.js';
import {
  createRequestTelemetry,
  createTelemetry,
  metricsResponse,
  type Telemetry,
  type TelemetryInit,
} from './telemetry/index.js';
import {
  buildFederationSchema,
  declaredEntities,
  sourceEntities,
  unifiedEntities,
} from './federation/index.js';
import {
  loadPersistedOperations,
  type PersistedOperations,
} from './plugins/persisted-operations.js';
import type { WriteDefinition } from './writes/definition.js';
import { createWriteService, type WriteService } from './writes/service.js';
import { createOperator, createOperatorPage } from './operator/index.js';
import { createEndpoint, type CallerFacts, type Endpoint, type ServerContext } from './endpoint.js';

export interface Gateway {
  /**
   * The read cache's invalidation: what the write path and operators call
   * when something changed behind the gateway's back.
   * @example await gateway.cache.invalidate({ entity: 'Product', keys: ['SKU-00042'] });
   */
  readonly cache: CacheControl;
  /**
   * The write journal and the runner that replays dead letters (what the
   * admin API and `switchboard writes` use). Present when the unified schema
   * declares write mutations (@step), or the admin API is on (admin.token set).
   */
  readonly writes?: { readonly journal: WriteJournal; readonly runner?: WriteRunner };
  /**
   * Metrics and tracing (docs/operations.md), and their hooks for the write
   * executor and per-token limits: `telemetry.metrics?.observeWrite(state)`,
   * `readDeadLetters(fn)`, `observeTokenRateLimited(plan)`, `telemetry.journalStep(...)`.
   */
  readonly telemetry: Telemetry;
  /** Handles one request (WHATWG Request/Response), for tests and embedding. */
  fetch(request: Request): Promise<Response>;
  /** Listens on node:http; resolves to the base URL, e.g. "http://127.0.0.1:54321". Port 0 picks a free one. */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /**
   * Stops gracefully: refuses new connections at once, gives the requests
   * and writes in flight `shutdown.graceMs` to finish, closes the
   * connections left (a write still unfinished stays in the journal for
   * recovery), then every store and source (Source.close()). Safe twice.
   */
  close(): Promise<void>;
}

/** What is not config because it is code: for tests and embedding. */
export interface GatewayOptions {
  /**
   * Where the gateway logs, instead of pino on stderr at `logging.level`.
   * @example createGateway(config, { logger: createLogger({ level: 'info', write: (line) => lines.push(line) }) })
   */
  readonly logger?: Logger;
  /** Replaces the OTLP exporter (tests). */
  readonly telemetry?: Pick<TelemetryInit, 'spanProcessors'>;
}

/** Whether `work` settles within `ms` (at least 0); it goes on either way. */
async function finishesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then(() => true), timeUp]);
  } finally {
    clearTimeout(timer);
  }
}

/** The path of a source's own subgraph. */
export function subgraphPath(sourceName: string): string {
  return `/graphql/${sourceName}`;
}

export const NAMESPACED_PATH = '/graphql';

/** Where the unified schema is served as a federation subgraph (federation.enabled). */
export const FEDERATION_PATH = '/federation';

/** Where a source's federation subgraph is served. */
export function federationPath(sourceName: string): string {
  return `${FEDERATION_PATH}/${sourceName}`;
}

/** The `@constraint`s a source put in its subgraph; one a source got wrong is logged and left out, never fatal. */
function contractConstraints(
  schema: GraphQLSchema,
  where: string,
  logger: Logger,
): InputConstraints {
  const issues: CompositionIssue[] = [];
  const constraints = readConstraints(schema, issues);
  for (const issue of issues)
    logger.warn(`A contract limit of ${where} is not enforced: ${issue.message}`);
  return constraints;
}

/** A per-source schema without its Mutation type, for read-only per-source endpoints. */
function withoutMutations(schema: GraphQLSchema): GraphQLSchema {
  return new GraphQLSchema({ ...schema.toConfig(), mutation: null });
}

function buildSubgraphs(
  sources: readonly Source[],
): Array<{ source: Source; schema: GraphQLSchema }> {
  return sources.map((source, index) => {
    try {
      return { source, schema: createSubgraphSchema(source) };
    } catch (cause) {
      const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
      throw new GatewayError({
        code: 'CONFIG_INVALID',
        safeMessage: `The subgraph of source "${source.name}" is not a valid schema: ${why}`,
        details: { path: `sources[${index}]` },
        cause,
      });
    }
  });
}

/** Most issues listed in a COMPOSITION_FAILED message; `switchboard check` lists them all. */
const MAX_LISTED_ISSUES = 50;

/**
 * Reads the unified schema's files and composes them with the sources.
 * Rejects with CONFIG_INVALID for an unreadable file and COMPOSITION_FAILED
 * (every issue, formatted, in the message) for a broken binding.
 */
async function composeUnified(
  config: ResolvedConfig,
  logger: Logger,
): Promise<{
  schema: GraphQLSchema;
  constraints: InputConstraints;
  access: AccessControl;
  documents: DocumentNode[];
  writes: ReadonlyMap<string, WriteDefinition>;
}> {
  const documents = await Promise.all(
    config.schema.map(async (file, index) => {
      try {
        return { file, sdl: await readFile(file, 'utf8') };
      } catch (cause) {
        throw new GatewayError({
          code: 'CONFIG_INVALID',
          safeMessage: `Config option "schema" names "${file}", which cannot be read.`,
          details: { path: config.schema.length === 1 ? 'schema' : `schema[${index}]` },
          cause,
        });
      }
    }),
  );
  const composition = composeSchema({ documents, sources: config.sources });
  for (const warning of composition.warnings) logger.warn(formatCompositionIssue(warning));
  // The access rules guard the schema's resolvers in place, once, before any endpoint serves it.
  if (composition.ok) {
    return {
      schema: composition.schema,
      constraints: composition.constraints,
      access: createAccessControl(composition.schema, composition.access),
      documents: documents.map(({ sdl }) => parse(sdl)),
      writes: composition.writes,
    };
  }
  const listed = composition.errors.slice(0, MAX_LISTED_ISSUES).map(formatCompositionIssue);
  const more = composition.errors.length - listed.length;
  throw new GatewayError({
    code: 'COMPOSITION_FAILED',
    safeMessage: `The unified schema does not compose (${composition.errors.length} problem${composition.errors.length === 1 ? '' : 's'}):\n${listed.join('\n')}${more > 0 ? `\n...and ${more} more (run \`npx switchboard check\`).` : ''}`,
    details: { issues: composition.errors.length },
  });
}

/** The read cache's options, from the config's `cache` section. */
function readCacheOptions(config: ResolvedConfig, logger: Logger): ReadCacheOptions {
  const { store, redisUrl, maxEntries, maxBytes, keyPrefix } = config.cache;
  return {
    store,
    ...(redisUrl === null ? {} : { redisUrl }),
    maxEntries,
    maxBytes,
    keyPrefix,
    logger,
  };
}

/**
 * Builds the gateway: resolves the config, turns each source into its
 * subgraph, and serves them. Rejects with CONFIG_INVALID (or the source's
 * own ContractError) before anything listens.
 * @example
 * const gateway = await createGateway(config);
 * const url = await gateway.listen({ port: 0 });
 * // POST `${url}/graphql` … then
 * await gateway.close();
 */
export async function createGateway(
  config: SwitchboardConfig | ResolvedConfig,
  options: GatewayOptions = {},
): Promise<Gateway> {
  const resolved = await resolveConfig(config);
  const logger = options.logger ?? createLogger({ level: resolved.logging.level });
  const adminGuard = createAdminGuard(resolved.admin.token);
  const telemetry = createTelemetry(resolved.telemetry, {
    adminEnabled: resolved.admin.token !== null,
    ...options.telemetry,
  });
  const requestTelemetry =
    telemetry.metrics === undefined && telemetry.tracing === undefined
      ? undefined
      : createRequestTelemetry(telemetry);
  const endpoints = new Map<string, Endpoint>();
  let persisted: PersistedOperations;
  try {
    persisted = await loadPersistedOperations(resolved.persistedOperations);
  } catch (error) {
    await Promise.allSettled(resolved.sources.map((source) => source.close()));
    await telemetry.close();
    throw error;
  }
  let readCache: ReadCache;
  try {
    // One read cache per gateway, shared by every source's pipeline (and, with Redis, by every instance).
    // Tickets per tag one at a time: the first read of a new tag creates its version (pipeline/cache-tickets.ts).
    readCache = serializeTickets(await createReadCache(readCacheOptions(resolved, logger)));
  } catch (error) {
    await Promise.allSettled(resolved.sources.map((source) => source.close()));
    await telemetry.close();
    throw error;
  }
  let authenticator: Authenticator;
  try {
    // Keys, verifiers and the revocation list, once per gateway (gateway/auth, docs/partners.md).
    authenticator = await createAuthenticator(resolved.auth, logger);
  } catch (error) {
    await readCache.close();
    await Promise.allSettled(resolved.sources.map((source) => source.close()));
    throw error;
  }
  let limiterStore: LimiterStore;
  let callerLimits: CallerLimits;
  try {
    // One limiter store per gateway; with Redis, its counters are every instance's.
    const { rateLimits } = resolved;
    if (rateLimits.store === 'redis' && rateLimits.redisUrl === null) {
      throw new GatewayError({
        code: 'CONFIG_INVALID',
        safeMessage:
          'Config option "rateLimits.redisUrl" is needed when rateLimits.store is "redis".',
        details: { path: 'rateLimits.redisUrl' },
      });
    }
    limiterStore =
      rateLimits.store === 'redis' && rateLimits.redisUrl !== null
        ? await createRedisLimiterStore({
            url: rateLimits.redisUrl,
            keyPrefix: rateLimits.keyPrefix,
            logger,
          })
        : createMemoryLimiterStore();
    try {
      callerLimits = createCallerLimits(resolved, limiterStore, logger);
    } catch (error) {
      await limiterStore.close();
      throw error;
    }
  } catch (error) {
    await authenticator.close();
    await readCache.close();
    await Promise.allSettled(resolved.sources.map((source) => source.close()));
    throw error;
  }
  const cacheControl = createCacheControl(readCache);
  // One pipeline per source, shared by every request and endpoint: its breaker, bulkhead and limits are the source's.
  const pipelines = new Map<string, SourcePipeline>(
    resolved.sources.map((source) => [
      source.name,
      createSourcePipeline({
        source,
        policy: resolved.policies.get(source.name) ?? defaultSourcePolicy(),
        logger,
        cache: readCache,
        telemetry,
      }),
    ]),
  );
  telemetry.metrics?.readPipelines(
    () => new Map([...pipelines].map(([name, pipeline]) => [name, pipeline.state()])),
  );
  const outbound = (source: string): Outbound | undefined => pipelines.get(source);
  const breakerStateOf = (source: string): string | undefined => {
    const state = pipelines.get(source)?.state().breaker?.state;
    return typeof state === 'string' ? state : undefined;
  };
  const streamCaps = createStreamCaps(resolved.limits);
  const { endpoints: exposure } = resolved;
  const rateMetrics = telemetry.metrics;
  const main = {
    config: resolved,
    logger,
    outbound,
    streamCaps,
    callerLimits,
    ...(rateMetrics === undefined
      ? {}
      : { onRateLimited: (plan: string) => rateMetrics.observeTokenRateLimited(plan) }),
    ...(requestTelemetry === undefined ? {} : { requestTelemetry }),
    disclosure: { introspection: exposure.introspection, suggestions: exposure.suggestions },
    persisted,
  };
  let writeService: WriteService | undefined;
  try {
    const subgraphs = buildSubgraphs(resolved.sources);
    // Each source's own endpoint exposes every backend operation: served only when configured so.
    for (const { source, schema: full } of exposure.sources === 'off' ? [] : subgraphs) {
      const path = subgraphPath(source.name);
      const schema = exposure.sources === 'read-only' ? withoutMutations(full) : full;
      const example = exampleQuery(schema);
      const disclosure = {
        introspection: exposure.sourceIntrospection,
        suggestions: exposure.sourceSuggestions,
      };
      // The contract's own limits (@constraint in the source's typeDefs), enforced as on /graphql.
      const constraints = contractConstraints(schema, source.name, logger);
      endpoints.set(
        path,
        createEndpoint({
          ...main,
          path,
          schema,
          constraints,
          title: `${resolved.playground.title}: ${source.name}`,
          tabs: example ? [{ query: example }] : [],
          disclosure,
        }),
      );
    }
    let composed: Awaited<ReturnType<typeof composeUnified>> | undefined;
    if (resolved.schema.length > 0) {
      // The unified schema replaces the namespaced view; each source stays at /graphql/<name>.
      composed = await composeUnified(resolved, logger);
      const { schema: unified, constraints, access, writes: definitions } = composed;
      // The journal is opened for the executor only when the schema declares writes: a read-only gateway needs no disk or database.
      if (definitions.size > 0) {
        const { leaseMs, recoveryIntervalMs } = resolved.writes;
        const { metrics } = telemetry;
        writeService = createWriteService({
          journal: await openWriteJournal(resolved.writes),
          definitions,
          pipelineOf: (name) => pipelines.get(name),
          cache: cacheControl,
          logger,
          leaseMs,
          recoveryIntervalMs,
          ...(metrics === undefined
            ? {}
            : { onSettled: (write: { state: string }) => metrics.observeWrite(write.state) }),
          ...(telemetry.tracing === undefined
            ? {}
            : { journalStep: (facts, run) => telemetry.journalStep(facts, run) }),
        });
        // Read at each scrape: the dead-letter queue is the journal's, shared by every instance.
        const { journal } = writeService;
        metrics?.readDeadLetters(
          async () => (await journal.list({ states: ['dead-lettered'], limit: 1000 })).length,
        );
        // Writes a crashed instance left unfinished are completed or undone from the start.
        writeService
          .recover()
          .catch((error: unknown) => logger.error('write recovery at start failed', { error }));
      }
      endpoints.set(
        NAMESPACED_PATH,
        createEndpoint({
          ...main,
          path: NAMESPACED_PATH,
          schema: unified,
          constraints,
          access,
          title: resolved.playground.title,
          tabs: resolved.playground.defaultTabs,
        }),
      );
    } else {
      const namespaced = createNamespacedSchema(subgraphs);
      const examples = subgraphs
        .flatMap(({ source }) => exampleQuery(namespaced, source.name) ?? [])
        .map((query) => ({ query }));
      const tabs =
        resolved.playground.defaultTabs.length > 0 ? resolved.playground.defaultTabs : examples;
      endpoints.set(
        NAMESPACED_PATH,
        createEndpoint({
          ...main,
          path: NAMESPACED_PATH,
          schema: namespaced,
          constraints: contractConstraints(namespaced, 'the namespaced view', logger),
          title: resolved.playground.title,
          tabs,
        }),
      );
    }
    // Federation subgraphs (docs/federation.md): the same edge, loaders and pipelines as /graphql, another schema.
    const { federation } = resolved;
    if (federation.enabled) {
      const options = {
        maxRepresentations: federation.maxRepresentations,
        mutations: federation.sources === 'read-write',
      };
      for (const { source, schema } of federation.sources === 'off' ? [] : subgraphs) {
        const path = federationPath(source.name);
        const disclosure = {
          introspection: exposure.sourceIntrospection,
          suggestions: exposure.sourceSuggestions,
        };
        const served = buildFederationSchema(schema, sourceEntities(source, schema), options);
        endpoints.set(
          path,
          createEndpoint({
            ...main,
            path,
            schema: served,
            constraints: contractConstraints(schema, source.name, logger),
            title: `${resolved.playground.title}: ${source.name} (federation)`,
            tabs: [],
            disclosure,
          }),
        );
      }
      if (composed !== undefined) {
        const { entities, unresolvable } = unifiedEntities(
          composed.schema,
          declaredEntities(composed.documents),
        );
        for (const type of unresolvable)
          logger.warn(
            `@entity ${type} has no root query field that looks it up by its key: it is served at ${FEDERATION_PATH} without @key.`,
          );
        const served = buildFederationSchema(composed.schema, entities, {
          ...options,
          mutations: true,
        });
        endpoints.set(
          FEDERATION_PATH,
          createEndpoint({
            ...main,
            path: FEDERATION_PATH,
            schema: served,
            constraints: composed.constraints,
            title: `${resolved.playground.title} (federation)`,
            tabs: [],
          }),
        );
      }
    }
  } catch (error) {
    await writeService?.close();
    await writeService?.journal.close();
    await Promise.allSettled([...pipelines.values()].map((pipeline) => pipeline.close()));
    await authenticator.close();
    await readCache.close();
    await limiterStore.close();
    await Promise.allSettled(resolved.sources.map((source) => source.close()));
    await telemetry.close();
    throw error;
  }

  // The admin API reads the executor's journal, or opens it alone on a gateway that declares no writes.
  let writes: { journal: WriteJournal; runner?: WriteRunner } | undefined =
    writeService === undefined
      ? undefined
      : { journal: writeService.journal, runner: writeService };
  if (writes === undefined && resolved.admin.token !== null) {
    try {
      writes = { journal: await openWriteJournal(resolved.writes) };
    } catch (error) {
      await Promise.allSettled([...endpoints.values()].map(({ yoga }) => yoga.dispose()));
      await Promise.allSettled([...pipelines.values()].map((pipeline) => pipeline.close()));
      await readCache.close();
      await Promise.allSettled(resolved.sources.map((source) => source.close()));
      throw error;
    }
  }
  const admin = createAdminApi({ config: resolved, logger, writes });

  const timeoutMs = resolved.limits.requestTimeoutMs;
  // The operator page (gateway/operator/): its data is the admin credential's, as /admin/graphql is.
  const operatorPage = createOperatorPage({
    guard: adminGuard,
    logger,
    operator: createOperator({
      sources: resolved.sources,
      breakerOf: breakerStateOf,
      metrics: telemetry.metrics,
      journal: writes?.journal,
      probeTimeoutMs: Math.min(timeoutMs, 5_000),
    }),
  });
  const contextOf = (
    requestId: string,
    deadline: RequestDeadline,
    clientAddress: string,
    caller: Caller,
    requestFacts?: RequestFacts,
  ): ServerContext & CallerFacts => ({
    requestId,
    clientAddress,
    ...(requestFacts === undefined ? {} : { requestFacts }),
    // Verified once, at the edge, before Yoga: nothing downstream reads the Authorization header.
    caller,
    signal: deadline.signal,
    // A getter: the caller's signal is made only for the requests that read it (subscriptions; http/deadline.ts).
    get requestSignal() {
      return deadline.callerSignal;
    },
    requestTimeoutMs: timeoutMs,
    deadlineAt: deadline.deadlineAt,
    cache: cacheControl,
    ...(writeService === undefined ? {} : { writes: writeService }),
  });

  const deliverPage = createPageDelivery();
  const route = async (
    request: Request,
    requestId: string,
    pathname: string,
    clientAddress: string,
    authorization: readonly string[],
    facts: RequestFacts,
  ): Promise<Response> => {
    if (pathname === '/healthz') return healthResponse();
    if (pathname === '/readyz')
      return readinessResponse(resolved.sources, Math.min(timeoutMs, 5_000), breakerStateOf);
    if (pathname === '/metrics') return metricsResponse(request, adminGuard, telemetry.metrics);
    if (pathname === '/')
      return new Response(null, { status: 302, headers: { location: NAMESPACED_PATH } });
    if (pathname === JWKS_PATH) return authenticator.jwks();
    // Before any endpoint: the admin credential is checked before the body is read.
    if (pathname.replace(/\/+$/, '') === ADMIN_GRAPHQL_PATH) return admin.fetch(request, requestId);
    const operatorAnswer = operatorPage.answer(request, pathname, requestId);
    if (operatorAnswer !== undefined) return operatorAnswer;
    const endpoint = endpoints.get(pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname);
    if (endpoint === undefined) {
      return json(404, {
        errors: [
          {
            message: `Nothing at ${pathname.slice(0, 100)}. GraphQL is served at ${[...endpoints.keys()].join(', ')}.`,
            extensions: { code: 'NOT_FOUND' },
          },
        ],
      });
    }
    // Before the body is read or inflated: a refused type or encoding costs nothing.
    const refused = refuseBodyType(request.method, (name) => request.headers.get(name));
    if (refused !== undefined) return refused;
    // Before the body too: a caller without a valid token costs one signature check.
    const caller = await authenticator.authenticate(authorization, clientAddress);
    if (caller instanceof Response) return caller;
    const limited = await limitBody(request, resolved.limits.maxBodyBytes);
    if (limited instanceof Response) return limited;
    // The deadline covers queries and mutations; subscriptions end when the caller leaves.
    const deadline = startDeadline(timeoutMs, limited.signal);
    try {
      return await deliverPage(
        limited,
        await endpoint.yoga.fetch(
          limited,
          contextOf(requestId, deadline, clientAddress, caller, facts),
        ),
      );
    } finally {
      // A JSON answer is complete here; a stream (SSE) does not use the deadline.
      deadline.release();
    }
  };

  /** The one line each request leaves in the log (docs/operations.md, Logs). */
  const logRequest = (
    requestId: string,
    method: string | undefined,
    path: string,
    status: number,
    startedAt: number,
    facts: RequestFacts,
  ): void =>
    logger.info('request', {
      requestId,
      method,
      path,
      status,
      durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
      ...(facts.operation === undefined ? {} : { operation: facts.operation }),
    });

  const handle = async (request: Request, serverContext?: object): Promise<Response> => {
    const startedAt = performance.now();
    const facts: RequestFacts = {};
    const requestId = requestIdOf(request);
    const { pathname } = new URL(request.url);
    let response: Response;
    try {
      // The node adapter passes the node request as `req`; gateway.fetch has none.
      const node = (serverContext as { req?: IncomingMessage } | undefined)?.req;
      let headerCount = 0;
      request.headers.forEach(() => (headerCount += 1));
      response =
        refuseHeaderCount(
          node === undefined ? headerCount : node.rawHeaders.length / 2,
          resolved.server.maxHeaderCount,
        ) ??
        // From the raw headers when there are some: node's req.headers (and so the Request built from it) keeps only the first of two Authorization headers.
        (await route(
          request,
          requestId,
          pathname,
          node?.socket.remoteAddress ?? 'local',
          node === undefined
            ? authorizationOfHeaders(request.headers)
            : authorizationOfRaw(node.rawHeaders),
          facts,
        ));
    } catch (error) {
      logger.error('Unexpected error while routing a request', { requestId, error });
      response = graphqlErrorResponse(500, 'Unexpected error.', {
        code: 'INTERNAL_SERVER_ERROR',
        requestId,
      });
    }
    response.headers.set('x-request-id', requestId);
    if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'no-store');
    logRequest(
      requestId,
      request.method,
      pathname.slice(0, 200),
      response.status,
      startedAt,
      facts,
    );
    return response;
  };

  /**
   * The endpoint a node:http request may go to straight, or undefined for
   * everything else (health, 404, a path that needs normalising, a body of
   * unknown or refused size), which takes the general route above.
   */
  const directEndpoint = (req: IncomingMessage): Endpoint | undefined => {
    const target = req.url ?? '';
    const query = target.indexOf('?');
    const endpoint = endpoints.get(query === -1 ? target : target.slice(0, query));
    if (endpoint === undefined) return undefined;
    // Counted on the general route, which answers 431.
    if (req.rawHeaders.length / 2 > resolved.server.maxHeaderCount) return undefined;
    // A browser's GET wants the playground page, which the general route compresses and revalidates.
    if (req.method === 'GET')
      return (req.headers.accept ?? '').includes('text/html') ? undefined : endpoint;
    if (req.method !== 'POST') return undefined;
    // A compressed body is inflated, within the body limit, by limitBody on the general route.
    if (req.headers['content-encoding'] !== undefined) return undefined;
    const declared = req.headers['content-length'];
    // node:http guarantees a body exactly as long as declared; a chunked one is counted by limitBody.
    return declared !== undefined &&
      /^\d+$/.test(declared) &&
      Number(declared) <= resolved.limits.maxBodyBytes
      ? endpoint
      : undefined;
  };

  const adapter = createServerAdapter(handle);

  /**
   * node:http entry. A GraphQL request goes straight to its endpoint's Yoga,
   * which builds the one WHATWG Request it needs from the node request: going
   * through our own adapter first built the Request there, parsed its URL,
   * wrapped the context and linked abort signals once more before Yoga's
   * fetch: ~80 of ~800 µs of CPU per pass-through request (issue 6).
   */
  const drain = createDrain();
  const serveNode = (req: IncomingMessage, res: ServerResponse): void => {
    // Every request, first: close() waits for it within shutdown.graceMs.
    drain.track(res);
    const endpoint = directEndpoint(req);
    if (endpoint === undefined) {
      void adapter(req, res);
      return;
    }
    const startedAt = performance.now();
    const facts: RequestFacts = {};
    const requestId = requestIdFrom(req.headers['x-request-id']);
    // Set on the node response, not on Yoga's: Yoga's headers then go out in one writeHead untouched.
    res.setHeader('x-request-id', requestId);
    const deadline = startDeadline(timeoutMs);
    res.once('close', () => {
      if (!res.writableFinished) deadline.callerGone();
    });
    const answer = async (): Promise<void> => {
      let response: Response;
      try {
        const address = req.socket.remoteAddress ?? 'unknown';
        // From the raw headers: node's req.headers keeps only the first of two Authorization headers.
        const caller = await authenticator.authenticate(
          authorizationOfRaw(req.rawHeaders),
          address,
        );
        if (caller instanceof Response) response = caller;
        else if (endpoint.lane !== undefined && req.method === 'POST' && laneAccepts(req.headers)) {
          const body = await readBody(req);
          if (body === undefined) {
            // The caller left before its body arrived: nothing ran, and there is no one to answer.
            // (Each return here passes through the `finally` below, which releases the deadline.)
            res.destroy();
            logRequest(requestId, req.method, endpoint.path, 400, startedAt, facts);
            return;
          }
          const serverContext = contextOf(requestId, deadline, address, caller, facts);
          const url = `http://localhost${req.url ?? endpoint.path}`;
          const status = await endpoint.lane.answer({ req, res, body, url, serverContext });
          if (status !== undefined) {
            logRequest(requestId, req.method, endpoint.path, status, startedAt, facts);
            return;
          }
          // Not the lane's (http/json-lane.ts): Yoga judges the same body, nothing having run yet.
          response = await endpoint.yoga.fetch(
            new endpoint.yoga.fetchAPI.Request(url, {
              method: 'POST',
              headers: headersOf(req),
              // A copy typed as the fetch API wants it; only requests the lane hands back pay it.
              body: new Uint8Array(body),
            }),
            serverContext,
          );
        } else
          response = await endpoint.yoga.handleNodeRequestAndResponse(
            req,
            res,
            contextOf(requestId, deadline, address, caller, facts),
          );
      } catch (error) {
        logger.error('Unexpected error while routing a request', { requestId, error });
        response = graphqlErrorResponse(500, 'Unexpected error.', {
          code: 'INTERNAL_SERVER_ERROR',
          requestId,
        });
      } finally {
        // A JSON answer is complete here; a stream (SSE) does not use the deadline.
        deadline.release();
      }
      await sendNodeResponse(response, res, req, true);
      logRequest(requestId, req.method, endpoint.path, response.status, startedAt, facts);
    };
    answer().catch((error: unknown) => {
      logger.error('Unexpected error while sending an answer', { requestId, error });
      res.destroy();
    });
  };

  const servers = new Set<Server>();
  let closing: Promise<void> | undefined;

  return {
    cache: cacheControl,
    ...(writes === undefined ? {} : { writes }),
    telemetry,
    fetch: handle,
    async listen(options = {}) {
      const { server: limits } = resolved;
      const server = createServer(
        {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.bodyTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          maxHeaderSize: limits.maxHeaderBytes,
          // node checks the two timeouts above on this interval (30 s by default), so it bounds how late they act.
          connectionsCheckingInterval: Math.max(
            100,
            Math.min(
              1_000,
              Math.floor(Math.min(limits.headersTimeoutMs, limits.bodyTimeoutMs) / 4),
            ),
          ),
        },
        serveNode,
      );
      const host = options.host ?? resolved.server.host;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? resolved.server.port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.add(server);
      const { port } = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      return `http://${shownHost}:${port}`;
    },
    close() {
      closing ??= (async () => {
        // One grace period for everything in flight (docs/operations.md, "Stopping"): new connections are
        // refused at once, the requests in flight are answered, then the writes this instance drives settle.
        const { graceMs } = resolved.shutdown;
        const deadline = Date.now() + graceMs;
        const cut = await drain.stop([...servers], graceMs);
        await Promise.allSettled([...endpoints.values()].map(({ yoga }) => yoga.dispose()));
        await admin.dispose();
        // Writes in flight finish (their steps are already sent) before the pipelines and the journal close;
        // one still running when the grace period ends stays in the journal as far as it got, for recovery.
        const settled = await finishesWithin(
          writeService?.close() ?? Promise.resolve(),
          deadline - Date.now(),
        );
        if (cut > 0 || !settled)
          logger.warn('stopped before everything in flight finished', {
            graceMs,
            requestsCut: cut,
            writesLeftToRecovery: !settled,
          });
        await writes?.journal.close();
        await Promise.allSettled([...pipelines.values()].map((pipeline) => pipeline.close()));
        await authenticator.close();
        await readCache.close();
        await limiterStore.close();
        const closed = await Promise.allSettled(resolved.sources.map((source) => source.close()));
        for (const result of closed)
          if (result.status === 'rejected')
            logger.warn('A source failed to close', { error: result.reason });
        await telemetry.close();
        logger.flush?.();
      })();
      return closing;
    },
  };
}
