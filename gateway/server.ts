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
import { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Source } from '../sources/common/index.js';
import { composeSchema, formatCompositionIssue, readConstraints, type CompositionIssue, type InputConstraints } from './composition/index.js';
import { resolveConfig, type ResolvedConfig, type SwitchboardConfig } from './config/index.js';
import { anonymousCaller } from './auth/index.js';
import type { GatewayContext } from './context.js';
import { GatewayError } from './errors.js';
import { limitBody } from './http/body-limit.js';
import { startDeadline, type RequestDeadline } from './http/deadline.js';
import { healthResponse, readinessResponse } from './http/health.js';
import { refuseBodyType, refuseHeaderCount } from './http/request-guard.js';
import { createPageDelivery } from './http/page-delivery.js';
import { requestIdFrom, requestIdOf } from './http/request-id.js';
import { graphqlErrorResponse, json } from './http/responses.js';
import { createLoaders, type Outbound } from './loaders.js';
import { createLogger, type Logger } from './logger.js';
import { createNamespacedSchema } from './namespace.js';
import { exampleQuery, playgroundOptions, playgroundRenderer } from './playground.js';
import { useCacheControl } from './plugins/cache-control.js';
import { corsFor, useCrossSite } from './plugins/cross-site.js';
import { useErrorCodes } from './plugins/error-codes.js';
import { useInputConstraints } from './plugins/input-constraints.js';
import { createReadCache, type ReadCache, type ReadCacheOptions } from './cache/index.js';
import { createCacheControl, createSourcePipeline, serializeTickets, defaultSourcePolicy, type CacheControl, type CallNotice, type SourcePipeline } from './pipeline/index.js';
import { useLimits } from './plugins/limits.js';
import { useNestingLimit } from './plugins/nesting.js';
import { useRequestParams } from './plugins/request-params.js';
import { useSchemaDisclosure, type SchemaDisclosureOptions } from './plugins/schema-disclosure.js';
import { createStreamCaps, type StreamCaps } from './stream-caps.js';
import { useNotices } from './plugins/notices.js';
import { createMaskedErrors, useRequestErrorMasking } from './plugins/masked-errors.js';
import { createSubgraphSchema } from './subgraph.js';
import { useWriteReports } from './plugins/write-report.js';
import { openWriteJournal, type WriteJournal, type WriteRunner } from './writes/index.js';
import type { WriteDefinition } from './writes/definition.js';
import { IDEMPOTENCY_KEY_HEADER } from './writes/resolver.js';
import { createWriteService, type WriteService } from './writes/service.js';

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
   * declares write mutations (@step): the journal is opened only then.
   */
  readonly writes?: { readonly journal: WriteJournal; readonly runner?: WriteRunner };
  /** Handles one request (WHATWG Request/Response), for tests and embedding. */
  fetch(request: Request): Promise<Response>;
  /** Listens on node:http; resolves to the base URL, e.g. "http://127.0.0.1:54321". Port 0 picks a free one. */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** Stops listening, drops keep-alive connections, closes every source (Source.close()). Safe twice. */
  close(): Promise<void>;
}

/** What the router hands Yoga with each request; resolvers see it on their context. */
type ServerContext = Omit<GatewayContext, PerRequest>;
/** Built by Yoga's context factory for each request. */
type PerRequest = 'loaders' | 'outbound' | 'notices' | 'idempotencyKey' | 'writeReports';
/** Who is calling, for the per-client subscription cap: the peer's address, or "local" for gateway.fetch. */
interface CallerFacts {
  readonly clientAddress: string;
}

interface Endpoint {
  path: string;
  yoga: YogaServerInstance<ServerContext & CallerFacts, Pick<GatewayContext, PerRequest>>;
}

/** The path of a source's own subgraph. */
export function subgraphPath(sourceName: string): string {
  return `/graphql/${sourceName}`;
}

export const NAMESPACED_PATH = '/graphql';

/** The `@constraint`s a source put in its subgraph; one a source got wrong is logged and left out, never fatal. */
function contractConstraints(schema: GraphQLSchema, where: string, logger: Logger): InputConstraints {
  const issues: CompositionIssue[] = [];
  const constraints = readConstraints(schema, issues);
  for (const issue of issues) logger.warn(`A contract limit of ${where} is not enforced: ${issue.message}`);
  return constraints;
}

/** A per-source schema without its Mutation type, for read-only per-source endpoints. */
function withoutMutations(schema: GraphQLSchema): GraphQLSchema {
  return new GraphQLSchema({ ...schema.toConfig(), mutation: null });
}

function buildSubgraphs(sources: readonly Source[]): Array<{ source: Source; schema: GraphQLSchema }> {
  return sources.map((source, index) => {
    try {
      return { source, schema: createSubgraphSchema(source) };
    } catch (cause) {
      const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
      throw new GatewayError({ code: 'CONFIG_INVALID', safeMessage: `The subgraph of source "${source.name}" is not a valid schema: ${why}`, details: { path: `sources[${index}]` }, cause });
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
async function composeUnified(config: ResolvedConfig, logger: Logger): Promise<{ schema: GraphQLSchema; constraints: InputConstraints; writes: ReadonlyMap<string, WriteDefinition> }> {
  const documents = await Promise.all(
    config.schema.map(async (file, index) => {
      try {
        return { file, sdl: await readFile(file, 'utf8') };
      } catch (cause) {
        throw new GatewayError({ code: 'CONFIG_INVALID', safeMessage: `Config option "schema" names "${file}", which cannot be read.`, details: { path: config.schema.length === 1 ? 'schema' : `schema[${index}]` }, cause });
      }
    }),
  );
  const composition = composeSchema({ documents, sources: config.sources });
  for (const warning of composition.warnings) logger.warn(formatCompositionIssue(warning));
  if (composition.ok) return { schema: composition.schema, constraints: composition.constraints, writes: composition.writes };
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
  return { store, ...(redisUrl === null ? {} : { redisUrl }), maxEntries, maxBytes, keyPrefix, logger };
}

function yogaLogger(logger: Logger): Record<'debug' | 'info' | 'warn' | 'error', (...args: unknown[]) => void> {
  const adapt = (log: Logger['info']) => (...args: unknown[]) => {
    const [first, ...rest] = args;
    log(typeof first === 'string' ? first : 'graphql-yoga', { from: 'graphql-yoga', ...(rest.length > 0 || typeof first !== 'string' ? { details: typeof first === 'string' ? rest : args } : {}) });
  };
  return { debug: adapt(logger.debug), info: adapt(logger.info), warn: adapt(logger.warn), error: adapt(logger.error) };
}

function createEndpoint(init: {
  path: string;
  schema: GraphQLSchema;
  title: string;
  tabs: ReadonlyArray<{ query: string; variables?: string }>;
  config: ResolvedConfig;
  logger: Logger;
  outbound: (source: string) => Outbound | undefined;
  disclosure: SchemaDisclosureOptions;
  streamCaps: StreamCaps;
  /** The schema's `@constraint`s (unified schema only). */
  constraints?: InputConstraints;
}): Endpoint {
  const { config, logger, outbound, streamCaps } = init;
  const maxConcurrentCalls = config.limits.maxConcurrentCallsPerSource;
  const yoga = createYoga<ServerContext & CallerFacts, Pick<GatewayContext, PerRequest>>({
    schema: init.schema,
    graphqlEndpoint: init.path,
    landingPage: false,
    // The router's limitBody already refused oversized bodies by Content-Length
    // or by counting the stream; Yoga's own check would pipe every body
    // through a TransformStream again (~10% of a request's CPU).
    maxRequestBodySize: false,
    graphiql: config.playground.enabled ? playgroundOptions({ title: init.title, tabs: init.tabs }) : false,
    // Inlined GraphiQL: the page needs nothing from a CDN (see playground.ts).
    renderGraphiQL: playgroundRenderer(init.path),
    maskedErrors: createMaskedErrors(logger),
    logging: yogaLogger(logger),
    cors: corsFor(config.cors),
    // Loaders live for one request: batching and deduplication never cross callers.
    context: ({ requestId, signal, deadlineAt, clientAddress, request }) => {
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
        outbound: { signal, requestId, deadlineAt, notify: (notice: CallNotice) => notices.push(notice) },
      };
    },
    plugins: [
      // First: a POST that is not JSON is refused before Yoga chooses a parser (CSRF).
      useCrossSite(),
      useRequestParams(),
      // Before parsing: graphql-js parses by recursion, so nesting is measured first.
      useNestingLimit(config.limits),
      useLimits(config.limits),
      useSchemaDisclosure(init.disclosure),
      // After validation, before any resolver: out-of-bounds arguments never reach a backend.
      useInputConstraints(init.constraints ?? new Map()),
      useNotices(),
      useWriteReports(),
      // Before Yoga's own masking (which Yoga appends after user plugins), so masked errors carry the request id.
      useRequestErrorMasking(logger),
      useErrorCodes(),
      useCacheControl(),
    ],
  });
  return { path: init.path, yoga };
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
export async function createGateway(config: SwitchboardConfig | ResolvedConfig): Promise<Gateway> {
  const resolved = await resolveConfig(config);
  const logger = createLogger({ level: resolved.logging.level });
  const endpoints = new Map<string, Endpoint>();
  let readCache: ReadCache;
  try {
    // One read cache per gateway, shared by every source's pipeline (and, with Redis, by every instance).
    // Tickets per tag one at a time: the first read of a new tag creates its version (pipeline/cache-tickets.ts).
    readCache = serializeTickets(await createReadCache(readCacheOptions(resolved, logger)));
  } catch (error) {
    await Promise.allSettled(resolved.sources.map((source) => source.close()));
    throw error;
  }
  const cacheControl = createCacheControl(readCache);
  // One pipeline per source, shared by every request and endpoint: its breaker, bulkhead and limits are the source's.
  const pipelines = new Map<string, SourcePipeline>(
    resolved.sources.map((source) => [source.name, createSourcePipeline({ source, policy: resolved.policies.get(source.name) ?? defaultSourcePolicy(), logger, cache: readCache })]),
  );
  const outbound = (source: string): Outbound | undefined => pipelines.get(source);
  const breakerStateOf = (source: string): string | undefined => {
    const state = pipelines.get(source)?.state().breaker?.state;
    return typeof state === 'string' ? state : undefined;
  };
  const streamCaps = createStreamCaps(resolved.limits);
  const { endpoints: exposure } = resolved;
  const main = { config: resolved, logger, outbound, streamCaps, disclosure: { introspection: exposure.introspection, suggestions: exposure.suggestions } };
  let writeService: WriteService | undefined;
  try {
    const subgraphs = buildSubgraphs(resolved.sources);
    // Each source's own endpoint exposes every backend operation: served only when configured so.
    for (const { source, schema: full } of exposure.sources === 'off' ? [] : subgraphs) {
      const path = subgraphPath(source.name);
      const schema = exposure.sources === 'read-only' ? withoutMutations(full) : full;
      const example = exampleQuery(schema);
      const disclosure = { introspection: exposure.sourceIntrospection, suggestions: exposure.sourceSuggestions };
      // The contract's own limits (@constraint in the source's typeDefs), enforced as on /graphql.
      const constraints = contractConstraints(schema, source.name, logger);
      endpoints.set(path, createEndpoint({ ...main, path, schema, constraints, title: `${resolved.playground.title}: ${source.name}`, tabs: example ? [{ query: example }] : [], disclosure }));
    }
    if (resolved.schema.length > 0) {
      // The unified schema replaces the namespaced view; each source stays at /graphql/<name>.
      const { schema: unified, constraints, writes: definitions } = await composeUnified(resolved, logger);
      // The journal is opened only when the schema declares writes: a read-only gateway needs no disk or database.
      if (definitions.size > 0) {
        const { leaseMs, recoveryIntervalMs } = resolved.writes;
        writeService = createWriteService({ journal: await openWriteJournal(resolved.writes), definitions, pipelineOf: (name) => pipelines.get(name), cache: cacheControl, logger, leaseMs, recoveryIntervalMs });
        // Writes a crashed instance left unfinished are completed or undone from the start.
        writeService.recover().catch((error: unknown) => logger.error('write recovery at start failed', { error }));
      }
      endpoints.set(NAMESPACED_PATH, createEndpoint({ ...main, path: NAMESPACED_PATH, schema: unified, constraints, title: resolved.playground.title, tabs: resolved.playground.defaultTabs }));
    } else {
      const namespaced = createNamespacedSchema(subgraphs);
      const examples = subgraphs.flatMap(({ source }) => exampleQuery(namespaced, source.name) ?? []).map((query) => ({ query }));
      const tabs = resolved.playground.defaultTabs.length > 0 ? resolved.playground.defaultTabs : examples;
      endpoints.set(NAMESPACED_PATH, createEndpoint({ ...main, path: NAMESPACED_PATH, schema: namespaced, constraints: contractConstraints(namespaced, 'the namespaced view', logger), title: resolved.playground.title, tabs }));
    }
  } catch (error) {
    await writeService?.close();
    await writeService?.journal.close();
    await Promise.allSettled([...pipelines.values()].map((pipeline) => pipeline.close()));
    await readCache.close();
    await Promise.allSettled(resolved.sources.map((source) => source.close()));
    throw error;
  }

  const timeoutMs = resolved.limits.requestTimeoutMs;
  const contextOf = (requestId: string, deadline: RequestDeadline, clientAddress: string): ServerContext & CallerFacts => ({
    requestId,
    clientAddress,
    caller: anonymousCaller(clientAddress),
    signal: deadline.signal,
    requestSignal: deadline.callerSignal,
    requestTimeoutMs: timeoutMs,
    deadlineAt: deadline.deadlineAt,
    cache: cacheControl,
    ...(writeService === undefined ? {} : { writes: writeService }),
  });

  const deliverPage = createPageDelivery();
  const route = async (request: Request, requestId: string, pathname: string, clientAddress: string): Promise<Response> => {
    if (pathname === '/healthz') return healthResponse();
    if (pathname === '/readyz') return readinessResponse(resolved.sources, Math.min(timeoutMs, 5_000), breakerStateOf);
    if (pathname === '/') return new Response(null, { status: 302, headers: { location: NAMESPACED_PATH } });
    const endpoint = endpoints.get(pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname);
    if (endpoint === undefined) {
      return json(404, { errors: [{ message: `Nothing at ${pathname.slice(0, 100)}. GraphQL is served at ${[...endpoints.keys()].join(', ')}.`, extensions: { code: 'NOT_FOUND' } }] });
    }
    // Before the body is read or inflated: a refused type or encoding costs nothing.
    const refused = refuseBodyType(request.method, (name) => request.headers.get(name));
    if (refused !== undefined) return refused;
    const limited = await limitBody(request, resolved.limits.maxBodyBytes);
    if (limited instanceof Response) return limited;
    // The deadline covers queries and mutations; subscriptions end when the caller leaves.
    const deadline = startDeadline(timeoutMs, limited.signal);
    try {
      return await deliverPage(limited, await endpoint.yoga.fetch(limited, contextOf(requestId, deadline, clientAddress)));
    } finally {
      // A JSON answer is complete here; a stream (SSE) does not use the deadline.
      deadline.release();
    }
  };

  const handle = async (request: Request, serverContext?: object): Promise<Response> => {
    const requestId = requestIdOf(request);
    const { pathname } = new URL(request.url);
    let response: Response;
    try {
      // The node adapter passes the node request as `req`; gateway.fetch has none.
      const node = (serverContext as { req?: IncomingMessage } | undefined)?.req;
      let headerCount = 0;
      request.headers.forEach(() => (headerCount += 1));
      response =
        refuseHeaderCount(node === undefined ? headerCount : node.rawHeaders.length / 2, resolved.server.maxHeaderCount) ??
        (await route(request, requestId, pathname, node?.socket.remoteAddress ?? 'local'));
    } catch (error) {
      logger.error('Unexpected error while routing a request', { requestId, error });
      response = graphqlErrorResponse(500, 'Unexpected error.', { code: 'INTERNAL_SERVER_ERROR', requestId });
    }
    response.headers.set('x-request-id', requestId);
    if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'no-store');
    logger.debug('request', { requestId, method: request.method, path: pathname, status: response.status });
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
    if (req.method === 'GET') return (req.headers.accept ?? '').includes('text/html') ? undefined : endpoint;
    if (req.method !== 'POST') return undefined;
    // A compressed body is inflated, within the body limit, by limitBody on the general route.
    if (req.headers['content-encoding'] !== undefined) return undefined;
    const declared = req.headers['content-length'];
    // node:http guarantees a body exactly as long as declared; a chunked one is counted by limitBody.
    return declared !== undefined && /^\d+$/.test(declared) && Number(declared) <= resolved.limits.maxBodyBytes ? endpoint : undefined;
  };

  const adapter = createServerAdapter(handle);

  /**
   * node:http entry. A GraphQL request goes straight to its endpoint's Yoga,
   * which builds the one WHATWG Request it needs from the node request: going
   * through our own adapter first built the Request there, parsed its URL,
   * wrapped the context and linked abort signals once more before Yoga's
   * fetch: ~80 of ~800 µs of CPU per pass-through request (issue 6).
   */
  const serveNode = (req: IncomingMessage, res: ServerResponse): void => {
    const endpoint = directEndpoint(req);
    if (endpoint === undefined) {
      void adapter(req, res);
      return;
    }
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
        response = await endpoint.yoga.handleNodeRequestAndResponse(req, res, contextOf(requestId, deadline, req.socket.remoteAddress ?? 'unknown'));
      } catch (error) {
        logger.error('Unexpected error while routing a request', { requestId, error });
        response = graphqlErrorResponse(500, 'Unexpected error.', { code: 'INTERNAL_SERVER_ERROR', requestId });
      } finally {
        // A JSON answer is complete here; a stream (SSE) does not use the deadline.
        deadline.release();
      }
      logger.debug('request', { requestId, method: req.method, path: endpoint.path, status: response.status });
      await sendNodeResponse(response, res, req, true);
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
    ...(writeService === undefined ? {} : { writes: { journal: writeService.journal, runner: writeService } }),
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
          connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.bodyTimeoutMs) / 4))),
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
        await Promise.all(
          [...servers].map(
            (server) =>
              new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
              }),
          ),
        );
        await Promise.allSettled([...endpoints.values()].map(({ yoga }) => yoga.dispose()));
        // Writes in flight finish (their steps are already sent) before the pipelines and the journal close.
        await writeService?.close();
        await writeService?.journal.close();
        await Promise.allSettled([...pipelines.values()].map((pipeline) => pipeline.close()));
        await readCache.close();
        const closed = await Promise.allSettled(resolved.sources.map((source) => source.close()));
        for (const result of closed) if (result.status === 'rejected') logger.warn('A source failed to close', { error: result.reason });
      })();
      return closing;
    },
  };
}
