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
import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Source } from '../sources/common/index.js';
import { composeSchema, formatCompositionIssue } from './composition/index.js';
import { resolveConfig, type ResolvedConfig, type SwitchboardConfig } from './config/index.js';
import type { GatewayContext } from './context.js';
import { GatewayError } from './errors.js';
import { limitBody } from './http/body-limit.js';
import { startDeadline, type RequestDeadline } from './http/deadline.js';
import { healthResponse, readinessResponse } from './http/health.js';
import { requestIdFrom, requestIdOf } from './http/request-id.js';
import { graphqlErrorResponse, json } from './http/responses.js';
import { createLoaders, type Outbound } from './loaders.js';
import { createLogger, type Logger } from './logger.js';
import { createNamespacedSchema } from './namespace.js';
import { exampleQuery, playgroundOptions, renderGraphiQL } from './playground.js';
import { createSourcePipeline, defaultSourcePolicy, type CallNotice, type SourcePipeline } from './pipeline/index.js';
import { useLimits } from './plugins/limits.js';
import { useNotices } from './plugins/notices.js';
import { createMaskedErrors, useRequestErrorMasking } from './plugins/masked-errors.js';
import { createSubgraphSchema } from './subgraph.js';

export interface Gateway {
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
type PerRequest = 'loaders' | 'outbound' | 'notices';

interface Endpoint {
  path: string;
  yoga: YogaServerInstance<ServerContext, Pick<GatewayContext, PerRequest>>;
}

/** The path of a source's own subgraph. */
export function subgraphPath(sourceName: string): string {
  return `/graphql/${sourceName}`;
}

export const NAMESPACED_PATH = '/graphql';

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
async function composeUnified(config: ResolvedConfig, logger: Logger): Promise<GraphQLSchema> {
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
  if (composition.ok) return composition.schema;
  const listed = composition.errors.slice(0, MAX_LISTED_ISSUES).map(formatCompositionIssue);
  const more = composition.errors.length - listed.length;
  throw new GatewayError({
    code: 'COMPOSITION_FAILED',
    safeMessage: `The unified schema does not compose (${composition.errors.length} problem${composition.errors.length === 1 ? '' : 's'}):\n${listed.join('\n')}${more > 0 ? `\n...and ${more} more (run \`npx switchboard check\`).` : ''}`,
    details: { issues: composition.errors.length },
  });
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
}): Endpoint {
  const { config, logger, outbound } = init;
  const maxConcurrentCalls = config.limits.maxConcurrentCallsPerSource;
  const yoga = createYoga<ServerContext, Pick<GatewayContext, PerRequest>>({
    schema: init.schema,
    graphqlEndpoint: init.path,
    landingPage: false,
    // The router's limitBody already refused oversized bodies by Content-Length
    // or by counting the stream; Yoga's own check would pipe every body
    // through a TransformStream again (~10% of a request's CPU).
    maxRequestBodySize: false,
    graphiql: config.playground.enabled ? playgroundOptions({ title: init.title, tabs: init.tabs }) : false,
    // Inlined GraphiQL: the page needs nothing from a CDN (see playground.ts).
    renderGraphiQL,
    maskedErrors: createMaskedErrors(logger),
    logging: yogaLogger(logger),
    // Loaders live for one request: batching and deduplication never cross callers.
    context: ({ requestId, signal, deadlineAt }) => {
      const notices: CallNotice[] = [];
      return {
        loaders: createLoaders({ maxConcurrentCalls, outbound }),
        notices,
        outbound: { signal, requestId, deadlineAt, notify: (notice: CallNotice) => notices.push(notice) },
      };
    },
    plugins: [
      useLimits(config.limits),
      useNotices(),
      // Before Yoga's own masking (which Yoga appends after user plugins), so masked errors carry the request id.
      useRequestErrorMasking(logger),
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
  // One pipeline per source, shared by every request and endpoint: its breaker, bulkhead and limits are the source's.
  const pipelines = new Map<string, SourcePipeline>(resolved.sources.map((source) => [source.name, createSourcePipeline({ source, policy: resolved.policies.get(source.name) ?? defaultSourcePolicy(), logger })]));
  const outbound = (source: string): Outbound | undefined => pipelines.get(source);
  try {
    const subgraphs = buildSubgraphs(resolved.sources);
    for (const { source, schema } of subgraphs) {
      const path = subgraphPath(source.name);
      const example = exampleQuery(schema);
      endpoints.set(path, createEndpoint({ path, schema, title: `${resolved.playground.title}: ${source.name}`, tabs: example ? [{ query: example }] : [], config: resolved, logger, outbound }));
    }
    if (resolved.schema.length > 0) {
      // The unified schema replaces the namespaced view; each source stays at /graphql/<name>.
      const unified = await composeUnified(resolved, logger);
      endpoints.set(NAMESPACED_PATH, createEndpoint({ path: NAMESPACED_PATH, schema: unified, title: resolved.playground.title, tabs: resolved.playground.defaultTabs, config: resolved, logger, outbound }));
    } else {
      const namespaced = createNamespacedSchema(subgraphs);
      const examples = subgraphs.flatMap(({ source }) => exampleQuery(namespaced, source.name) ?? []).map((query) => ({ query }));
      const tabs = resolved.playground.defaultTabs.length > 0 ? resolved.playground.defaultTabs : examples;
      endpoints.set(NAMESPACED_PATH, createEndpoint({ path: NAMESPACED_PATH, schema: namespaced, title: resolved.playground.title, tabs, config: resolved, logger, outbound }));
    }
  } catch (error) {
    await Promise.allSettled([...pipelines.values()].map((pipeline) => pipeline.close()));
    await Promise.allSettled(resolved.sources.map((source) => source.close()));
    throw error;
  }

  const timeoutMs = resolved.limits.requestTimeoutMs;
  const contextOf = (requestId: string, deadline: RequestDeadline): ServerContext => ({
    requestId,
    signal: deadline.signal,
    requestSignal: deadline.callerSignal,
    requestTimeoutMs: timeoutMs,
    deadlineAt: deadline.deadlineAt,
  });

  const route = async (request: Request, requestId: string, pathname: string): Promise<Response> => {
    if (pathname === '/healthz') return healthResponse();
    if (pathname === '/readyz') return readinessResponse(resolved.sources, Math.min(timeoutMs, 5_000));
    if (pathname === '/') return new Response(null, { status: 302, headers: { location: NAMESPACED_PATH } });
    const endpoint = endpoints.get(pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname);
    if (endpoint === undefined) {
      return json(404, { errors: [{ message: `Nothing at ${pathname.slice(0, 100)}. GraphQL is served at ${[...endpoints.keys()].join(', ')}.`, extensions: { code: 'NOT_FOUND' } }] });
    }
    const limited = await limitBody(request, resolved.limits.maxBodyBytes);
    if (limited instanceof Response) return limited;
    // The deadline covers queries and mutations; subscriptions end when the caller leaves.
    const deadline = startDeadline(timeoutMs, limited.signal);
    try {
      return await endpoint.yoga.fetch(limited, contextOf(requestId, deadline));
    } finally {
      // A JSON answer is complete here; a stream (SSE) does not use the deadline.
      deadline.release();
    }
  };

  const handle = async (request: Request): Promise<Response> => {
    const requestId = requestIdOf(request);
    const { pathname } = new URL(request.url);
    let response: Response;
    try {
      response = await route(request, requestId, pathname);
    } catch (error) {
      logger.error('Unexpected error while routing a request', { requestId, error });
      response = graphqlErrorResponse(500, 'Unexpected error.', { code: 'INTERNAL_SERVER_ERROR', requestId });
    }
    response.headers.set('x-request-id', requestId);
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
    if (req.method === 'GET') return endpoint;
    if (req.method !== 'POST') return undefined;
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
        response = await endpoint.yoga.handleNodeRequestAndResponse(req, res, contextOf(requestId, deadline));
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
    fetch: handle,
    async listen(options = {}) {
      const server = createServer(serveNode);
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
        await Promise.allSettled([...pipelines.values()].map((pipeline) => pipeline.close()));
        const closed = await Promise.allSettled(resolved.sources.map((source) => source.close()));
        for (const result of closed) if (result.status === 'rejected') logger.warn('A source failed to close', { error: result.reason });
      })();
      return closing;
    },
  };
}
