/**
 * The storefront demo system: a node:http server that answers the
 * operations of openapi.yaml from an in-memory store. Each request goes:
 * count → misbehave → rate limit → route → authenticate → read body →
 * (idempotency) → handler → respond. A write with an Idempotency-Key its
 * caller already used skips the misbehaviour (but not its latency): faults
 * are for new work.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dropMidAnswer, hang } from '../common/after-apply.js';
import {
  createCallCounter,
  createMisbehaviourControl,
  isAfterApply,
  isDown,
  retryAfterSeconds,
  type AfterApply,
  type DemoSystem,
  type MisbehaviourControl,
} from '../common/system.js';
import { recordTraceContext } from '../common/trace-context.js';
import { createAuthGuard, type AuthGuard } from './auth.js';
import { parseJsonBody, readBody } from './body.js';
import { customerRoutes } from './handlers/customers.js';
import { orderRoutes } from './handlers/orders.js';
import { productRoutes } from './handlers/products.js';
import { handleTokenRequest } from './handlers/token.js';
import {
  createIdempotencyStore,
  fingerprintOf,
  type IdempotencyStore,
  type Outcome,
} from './idempotency.js';
import {
  resolveStorefrontOptions,
  type ResolvedStorefrontConfig,
  type StorefrontOptions,
} from './options.js';
import { HttpProblem, badRequest } from './problem.js';
import { createRateLimit, type RateLimit } from './rate-limit.js';
import { sendJson, sendPlainJson, sendProblem, type JsonReply } from './respond.js';
import { createRouter, type Route, type RouteMatch, type Router } from './router.js';
import { createStore, type StorefrontStore } from './store.js';

/** Absolute path of the contract this server implements. */
export const STOREFRONT_CONTRACT = fileURLToPath(new URL('./openapi.yaml', import.meta.url));

/** Counter keys for requests that match no operation of the contract. */
export const UNMATCHED = 'unmatched';
export const TOKEN_ENDPOINT = 'oauthToken';
const TOKEN_PATH = '/oauth/token';
const ROUTES: readonly Route[] = [...productRoutes, ...customerRoutes, ...orderRoutes];

/** Every operation the server answers, as openapi.yaml names it; tests compare the two. */
export const STOREFRONT_OPERATIONS: ReadonlyArray<Pick<Route, 'method' | 'path' | 'operationId'>> =
  ROUTES.map(({ method, path, operationId }) => ({ method, path, operationId }));
const HEALTH_PATH = '/health';

interface Parts {
  config: ResolvedStorefrontConfig;
  router: Router;
  store: StorefrontStore;
  auth: AuthGuard;
  rateLimit: RateLimit;
  idempotency: IdempotencyStore;
  misbehaviour: MisbehaviourControl;
  counter: DemoSystem['counter'];
}

function verdictProblem(
  verdict: 'error' | 'rate-limited' | 'unavailable',
  retryAfterMs: number,
): HttpProblem {
  const retryAfter = retryAfterSeconds(retryAfterMs);
  switch (verdict) {
    case 'error':
      return new HttpProblem(500, 'internal-error', 'The storefront failed to answer; try again.');
    case 'rate-limited':
      return new HttpProblem(
        429,
        'rate-limited',
        `Too many requests; retry after ${retryAfter} s.`,
        { headers: { 'retry-after': retryAfter } },
      );
    case 'unavailable':
      return new HttpProblem(
        503,
        'unavailable',
        'The storefront is unavailable; try again later.',
        { headers: { 'retry-after': retryAfter } },
      );
  }
}

function cacheControlOf(route: Route, config: ResolvedStorefrontConfig): string | undefined {
  if (route.method !== 'GET') return undefined;
  const publicly = route.cache === 'public' || config.shareCustomerReads;
  const seconds = Math.floor((publicly ? config.publicMaxAgeMs : config.privateMaxAgeMs) / 1000);
  return `${publicly ? 'public' : 'private'}, max-age=${seconds}`;
}

function answer(
  req: IncomingMessage,
  res: ServerResponse,
  outcome: Outcome,
  path: string,
  cacheControl: string | undefined,
  extra: Record<string, string>,
): void {
  if ('problem' in outcome) {
    const { problem } = outcome;
    return sendProblem(
      res,
      new HttpProblem(problem.status, problem.kind, problem.detail, {
        ...(problem.errors ? { errors: problem.errors } : {}),
        headers: { ...problem.headers, ...extra },
      }),
      path,
    );
  }
  sendJson(
    req,
    res,
    { ...outcome.reply, headers: { ...outcome.reply.headers, ...extra } },
    cacheControl,
  );
}

/**
 * The request target as a URL. Prefixing the origin (rather than passing it as
 * a base) keeps "//other/products" a path here instead of a host.
 */
function parseTarget(target: string | undefined): URL | undefined {
  if (target === undefined || !target.startsWith('/')) return undefined;
  try {
    return new URL(`http://storefront${target}`);
  } catch {
    return undefined;
  }
}

function idempotencyKeyOf(req: IncomingMessage): string | undefined {
  const raw = req.headers['idempotency-key'];
  return Array.isArray(raw) ? raw[0] : raw;
}

/**
 * True for a write whose Idempotency-Key its caller already used, which the
 * idempotency store answers without writing. Asked before the misbehaviour,
 * so it only reads: a caller who fails authentication goes the usual way and
 * is refused there, after any fault, as before.
 */
function isKnownWrite(parts: Parts, req: IncomingMessage, match: RouteMatch): boolean {
  if (match.kind !== 'route' || match.route.method === 'GET') return false;
  const key = idempotencyKeyOf(req);
  if (key === undefined) return false;
  try {
    return parts.idempotency.knows(parts.auth.authenticate(req), key);
  } catch {
    return false;
  }
}

async function handle(
  parts: Parts,
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
): Promise<void> {
  const method = req.method ?? 'GET';
  const path = target.pathname;
  const query = target.searchParams;
  const match = parts.router.match(method, path);
  const isToken = path === TOKEN_PATH && parts.auth.issuesTokens;
  const operation =
    match.kind === 'route' ? match.route.operationId : isToken ? TOKEN_ENDPOINT : UNMATCHED;
  parts.counter.hit(operation);
  recordTraceContext(parts.counter, operation, req.headers.traceparent, req.headers.tracestate);

  // Faults are for new work: a write whose key this caller already used is answered from its first outcome.
  const verdict = isKnownWrite(parts, req, match)
    ? await parts.misbehaviour.knownKey(operation)
    : await parts.misbehaviour.decide(operation);
  if (verdict === 'rejected')
    throw new HttpProblem(
      422,
      'rejected',
      'The storefront refused this request (misbehaviour: rejectNext); sending it again will not help.',
    );
  if (verdict === 'error' || verdict === 'rate-limited' || verdict === 'unavailable')
    throw verdictProblem(verdict, parts.misbehaviour.current().retryAfterMs);
  const after = isAfterApply(verdict) ? verdict : undefined;
  await parts.rateLimit.consume(req.socket.remoteAddress ?? 'unknown');

  if (isToken) {
    if (method !== 'POST')
      throw new HttpProblem(405, 'method-not-allowed', 'Use POST for the token endpoint.', {
        headers: { allow: 'POST' },
      });
    return handleTokenRequest(req, res, await readBody(req, parts.config.maxBodyBytes), parts.auth);
  }
  if (match.kind === 'none')
    throw new HttpProblem(
      404,
      'not-found',
      'No such resource; see openapi.yaml for the paths this API serves.',
    );
  if (match.kind === 'method-not-allowed') {
    throw new HttpProblem(
      405,
      'method-not-allowed',
      `Use ${match.allowed.join(' or ')} on this path.`,
      { headers: { allow: match.allowed.join(', ') } },
    );
  }

  const principal = parts.auth.authenticate(req);
  const { route, params } = match;
  const body =
    method === 'GET'
      ? undefined
      : parseJsonBody(req, await readBody(req, parts.config.maxBodyBytes));
  const key = idempotencyKeyOf(req);
  const write = () =>
    route.handle({ params, query, body, store: parts.store, now: new Date(), idempotencyKey: key });
  const cacheControl = cacheControlOf(route, parts.config);

  if (method === 'GET' || key === undefined) {
    const reply = write();
    if (after) return misbehaveAfterApply(parts, res, after, reply, path);
    // A 304 is also counted as "<operationId>.notModified", so tests can see a revalidation cost no body.
    if (sendJson(req, res, reply, cacheControl))
      parts.counter.hit(`${route.operationId}.notModified`);
    return;
  }
  const outcome = parts.idempotency.run(principal, key, fingerprintOf(method, path, body), write);
  // A refusal was not applied, so it is answered as it is; a replay is an answer like any other.
  if (after && 'reply' in outcome)
    return misbehaveAfterApply(parts, res, after, outcome.reply, path);
  answer(
    req,
    res,
    outcome,
    path,
    cacheControl,
    outcome.replayed ? { 'idempotent-replayed': 'true' } : {},
  );
}

/** Instead of the answer to an applied write: a 503, silence, or half an answer and a cut connection. */
function misbehaveAfterApply(
  parts: Parts,
  res: ServerResponse,
  after: AfterApply,
  reply: JsonReply,
  path: string,
): void {
  switch (after) {
    case 'fail-after-apply':
      return sendProblem(
        res,
        verdictProblem('unavailable', parts.misbehaviour.current().retryAfterMs),
        path,
      );
    case 'hang-after-apply':
      return hang(res);
    case 'drop-after-apply':
      return dropMidAnswer(
        res,
        reply.status,
        { ...reply.headers, 'content-type': 'application/json; charset=utf-8' },
        JSON.stringify(reply.body),
      );
  }
}

/**
 * Starts the storefront on 127.0.0.1 (port 0 by default: a free port).
 * `counter` counts each request under the operationId it matched (a 304
 * also under "<operationId>.notModified"), "oauthToken" for the token
 * endpoint and "unmatched" for anything else;
 * GET /health is not counted. Throws TypeError on out-of-range options.
 *
 * @example
 * const storefront = await startStorefront({ rateLimit: { points: 5 } });
 * await fetch(`${storefront.url}/products/prod_00001`);
 * storefront.counter.snapshot(); // { getProduct: 1 }
 * await storefront.close();
 */
export async function startStorefront(options: StorefrontOptions = {}): Promise<DemoSystem> {
  const config = resolveStorefrontOptions(options);
  const parts: Parts = {
    config,
    router: createRouter(ROUTES),
    store: createStore(),
    auth: createAuthGuard(config.auth),
    rateLimit: createRateLimit(config.rateLimit),
    idempotency: createIdempotencyStore({
      ttlMs: config.idempotencyTtlMs,
      maxKeys: config.idempotencyMaxKeys,
    }),
    misbehaviour: createMisbehaviourControl(),
    counter: createCallCounter(),
  };

  const server = createServer((req, res) => {
    const target = parseTarget(req.url);
    if (target === undefined)
      return sendProblem(
        res,
        badRequest('The request target must be a path, e.g. /products.'),
        '/',
      );
    const path = target.pathname;
    // Health reads the misbehaviour without calling decide(), so probes neither count nor shift errorRate's sequence.
    if (path === HEALTH_PATH && req.method === 'GET') {
      const down = isDown(parts.misbehaviour.current());
      return sendPlainJson(
        res,
        down ? 503 : 200,
        { status: down ? 'unavailable' : 'ok', system: 'storefront' },
        { 'cache-control': 'no-store' },
      );
    }
    handle(parts, req, res, target).catch((error: unknown) => {
      // Unexpected errors become a bare 500: the message or stack never reaches the client.
      const problem =
        error instanceof HttpProblem
          ? error
          : new HttpProblem(500, 'internal-error', 'The storefront failed to answer; try again.');
      sendProblem(res, problem, path);
    });
  });
  server.requestTimeout = 30_000; // 30 s: a client that never finishes its body cannot hold a socket forever

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  let closed: Promise<void> | undefined;
  return {
    name: 'storefront',
    url: `http://${config.host}:${port}`,
    port,
    contract: STOREFRONT_CONTRACT,
    counter: parts.counter,
    misbehaviour: parts.misbehaviour,
    records: () => parts.store.records(),
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
