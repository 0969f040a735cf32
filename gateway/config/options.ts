/**
 * Every option of the gateway, declared once: its default, its rule and its
 * doc comment (which editors show on `defineConfig`). DEFAULTS, the input
 * and resolved types and the checks all come from here; docs/configuration.md
 * is kept equal to the defaults by test/unit/gateway/configuration-docs.test.ts.
 * A new section is one entry in CONFIG_SPEC.
 */
import type { LogLevel } from '../logger.js';
import { LOG_LEVELS } from '../logger.js';
import { PIPELINE_DEFAULTS } from '../pipeline/index.js';
import { boolean, integer, invalid, oneOf, option, ratio, record, section, text } from './spec.js';

/** One tab the playground opens with. */
export interface PlaygroundTab {
  query: string;
  /** JSON text of the tab's variables. */
  variables?: string;
}

const schemaFiles = option<readonly string[], string | readonly string[]>({
  default: Object.freeze([]) as readonly string[],
  expected: 'a file path or an array of file paths',
  parse(value, path) {
    const files = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(files)) throw invalid(path, 'a file path or an array of file paths', value);
    return Object.freeze(
      files.map((file: unknown, index) => {
        if (typeof file !== 'string' || file === '')
          throw invalid(
            typeof value === 'string' ? path : `${path}[${index}]`,
            'a non-empty file path',
            file,
          );
        return file;
      }),
    );
  },
});

const playgroundTabs = option<readonly PlaygroundTab[]>({
  default: Object.freeze([]) as readonly PlaygroundTab[],
  expected: 'an array of { query, variables? }',
  parse(value, path) {
    if (!Array.isArray(value)) throw invalid(path, 'an array of { query, variables? }', value);
    return value.map((tab: unknown, index) => {
      const { query, variables } = (tab ?? {}) as { query?: unknown; variables?: unknown };
      if (typeof query !== 'string') throw invalid(`${path}[${index}].query`, 'a string', query);
      if (variables !== undefined && typeof variables !== 'string')
        throw invalid(`${path}[${index}].variables`, 'a string of JSON', variables);
      return variables === undefined ? { query } : { query, variables };
    });
  },
});

/** How the per-source endpoints /graphql/<source> are served. */
export type SourceEndpointMode = 'off' | 'read-only' | 'read-write';

/** Origins as a browser sends them: scheme://host[:port], no path; "*" is refused (it would allow every site). */
const origins = option<readonly string[]>({
  default: Object.freeze([]) as readonly string[],
  expected: 'an array of origins such as "https://shop.example"',
  parse(value, path) {
    if (!Array.isArray(value))
      throw invalid(path, 'an array of origins such as "https://shop.example"', value);
    return Object.freeze(
      value.map((origin: unknown, index) => {
        if (typeof origin !== 'string' || !/^https?:\/\/[^/\s*]+$/.test(origin))
          throw invalid(
            `${path}[${index}]`,
            'an origin such as "https://shop.example" (scheme and host, no path, no "*")',
            origin,
          );
        return origin;
      }),
    );
  },
});

/** A list of scope names such as "catalog:read": letters, digits and `:._-`, as `token issue --scopes` accepts them. */
const scopeList = option<readonly string[]>({
  default: Object.freeze([]) as readonly string[],
  expected: 'an array of scope names such as "catalog:read"',
  parse(value, path) {
    if (!Array.isArray(value))
      throw invalid(path, 'an array of scope names such as "catalog:read"', value);
    return Object.freeze(
      value.map((scope: unknown, index) => {
        if (typeof scope !== 'string' || !SCOPE_PATTERN.test(scope))
          throw invalid(
            `${path}[${index}]`,
            'a scope name such as "catalog:read" (letters, digits and :._-)',
            scope,
          );
        return scope;
      }),
    );
  },
});

/** Partner names as a token carries them (its `sub`), or "*" for every partner. */
const partnerList = option<readonly string[]>({
  default: Object.freeze([]) as readonly string[],
  expected: 'an array of partner names such as "acme", or "*"',
  parse(value, path) {
    if (!Array.isArray(value))
      throw invalid(path, 'an array of partner names such as "acme", or "*"', value);
    return Object.freeze(
      value.map((partner: unknown, index) => {
        if (typeof partner !== 'string' || partner === '' || partner.length > 256)
          throw invalid(`${path}[${index}]`, 'a partner name such as "acme", or "*"', partner);
        return partner;
      }),
    );
  },
});

/** Algorithms a trusted issuer may sign with: asymmetric only, never `none` or HS* (RFC 8725 §3.1, §3.2). */
export const EXTERNAL_ALGORITHMS = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const);

/** An identity provider whose tokens the gateway accepts. */
export interface TrustedIssuer {
  /** The `iss` its tokens carry, exactly. */
  readonly issuer: string;
  /** Where its public keys are (https, or http on a loopback address). */
  readonly jwksUrl: string;
  /** The `aud` its tokens must carry for this gateway. */
  readonly audience: string;
  /** The claim holding the scopes: a space-separated string or an array of strings. */
  readonly scopesClaim: string;
  /** Accepted `alg` values, from EXTERNAL_ALGORITHMS. */
  readonly algorithms: readonly (typeof EXTERNAL_ALGORITHMS)[number][];
  /** The `typ` header its tokens must carry (e.g. "at+jwt"), or null when the provider sets none. */
  readonly typ: string | null;
  /** Least time between two fetches of its keys, in ms: an unknown `kid` refetches at most this often. */
  readonly jwksCooldownMs: number;
}

const issuerList = option<readonly TrustedIssuer[]>({
  default: Object.freeze([]) as readonly TrustedIssuer[],
  expected: 'an array of { issuer, jwksUrl, audience, scopesClaim?, algorithms?, typ? }',
  parse(value, path) {
    if (!Array.isArray(value))
      throw invalid(
        path,
        'an array of { issuer, jwksUrl, audience, scopesClaim?, algorithms?, typ? }',
        value,
      );
    return Object.freeze(
      value.map((entry: unknown, index) => parseTrustedIssuer(entry, `${path}[${index}]`)),
    );
  },
});

function parseTrustedIssuer(entry: unknown, path: string): TrustedIssuer {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw invalid(
      path,
      'an object { issuer, jwksUrl, audience, scopesClaim?, algorithms?, typ? }',
      entry,
    );
  const known = [
    'issuer',
    'jwksUrl',
    'audience',
    'scopesClaim',
    'algorithms',
    'typ',
    'jwksCooldownMs',
  ];
  const {
    issuer,
    jwksUrl,
    audience,
    scopesClaim = 'scope',
    algorithms = ['RS256', 'ES256'],
    typ = null,
    jwksCooldownMs = 30_000,
  } = entry as Record<string, unknown>;
  for (const key of Object.keys(entry))
    if (!known.includes(key))
      throw invalid(`${path}.${key}`, `one of the known options (${known.join(', ')})`, key);
  if (typeof issuer !== 'string' || issuer === '')
    throw invalid(`${path}.issuer`, "the issuer's `iss`, a non-empty string", issuer);
  if (typeof jwksUrl !== 'string' || !isJwksUrl(jwksUrl))
    throw invalid(
      `${path}.jwksUrl`,
      'an https:// URL (http:// only on 127.0.0.1, ::1 or localhost)',
      jwksUrl,
    );
  if (typeof audience !== 'string' || audience === '')
    throw invalid(`${path}.audience`, 'a non-empty string', audience);
  if (typeof scopesClaim !== 'string' || scopesClaim === '')
    throw invalid(`${path}.scopesClaim`, 'a claim name', scopesClaim);
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    !algorithms.every((alg) => (EXTERNAL_ALGORITHMS as readonly unknown[]).includes(alg))
  ) {
    throw invalid(
      `${path}.algorithms`,
      `a non-empty array of ${EXTERNAL_ALGORITHMS.join(', ')} (never "none" or HS*)`,
      algorithms,
    );
  }
  if (typ !== null && (typeof typ !== 'string' || typ === ''))
    throw invalid(`${path}.typ`, 'a string such as "at+jwt", or null', typ);
  if (typeof jwksCooldownMs !== 'number' || !Number.isInteger(jwksCooldownMs) || jwksCooldownMs < 0)
    throw invalid(`${path}.jwksCooldownMs`, 'an integer from 0', jwksCooldownMs);
  return Object.freeze({
    issuer,
    jwksUrl,
    audience,
    scopesClaim,
    algorithms: Object.freeze([...algorithms]) as TrustedIssuer['algorithms'],
    typ,
    jwksCooldownMs,
  });
}

/** Keys travel over https; plain http only to this machine (tests, a sidecar). */
function isJwksUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
}

/** What a scope name may hold. */
export const SCOPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$/;

const P = PIPELINE_DEFAULTS;

/** How one call is retried: an operation may override these. */
const retryAttempts = {
  /** Most attempts of one call, the first included; 1 turns retries off. Only reads, and writes carrying an idempotency key the source honours, are retried. @default 3 */
  maxAttempts: integer(P.retry.maxAttempts, { min: 1, max: 10 }),
  /** Cap of the first backoff, in ms; it doubles per attempt, with full jitter. @default 500 */
  baseDelayMs: integer(P.retry.baseDelayMs, { min: 0 }),
  /** Longest backoff, in ms. @default 30000 */
  maxDelayMs: integer(P.retry.maxDelayMs, { min: 0 }),
};

/** The retry budget is the source's, shared by all its operations. */
const retryBudget = {
  /** Retries allowed as a share of the source's calls over the budget window (0.2: one retry per five calls). @default 0.2 */
  budgetRatio: ratio(P.retry.budgetRatio),
  /** The window the retry budget counts over, in ms. @default 10000 */
  budgetWindowMs: integer(P.retry.budgetWindowMs, { min: 1 }),
  /** Retries always allowed per budget window, so a quiet source can still retry. @default 10 */
  budgetMinRetries: integer(P.retry.budgetMinRetries, { min: 0 }),
};

/** The per-operation part of the pipeline: what each operation may override. */
const operationPipeline = {
  /** Deadline of one attempt of a call, in ms, bounded by what is left of the request's deadline; the source's own `timeoutMs` still caps it. @default 10000 */
  timeoutMs: integer(P.timeoutMs, { min: 1 }),
  retry: section(retryAttempts),
  cache: section({
    /** Use the read cache for this source's (or operation's) query answers. @default true */
    enabled: boolean(P.cache.enabled),
    /** How long an answer stays fresh, in ms, for answers without HTTP caching headers (SOAP, gRPC); 0: not cached. @default 0 */
    ttlMs: integer(P.cache.ttlMs, { min: 0 }),
    /** How long a "not found" answer is kept, in ms; 0: never. @default 0 */
    notFoundTtlMs: integer(P.cache.notFoundTtlMs, { min: 0 }),
    /** After freshness ends, the stale answer is served while one refresh runs, for this long, in ms. @default 0 */
    staleWhileRevalidateMs: integer(P.cache.staleWhileRevalidateMs, { min: 0 }),
    /** After freshness ends, the stale answer is served when the backend fails or its circuit is open, for this long, in ms. @default 0 */
    staleIfErrorMs: integer(P.cache.staleIfErrorMs, { min: 0 }),
  }),
};

/** The per-source part: one breaker, one bulkhead, one limit per source. */
const sourcePipeline = {
  ...operationPipeline,
  retry: section({ ...retryAttempts, ...retryBudget }),
  breaker: section({
    /** Open the circuit when the backend keeps failing. @default true */
    enabled: boolean(P.breaker.enabled),
    /**
     * The circuit opens when more than this share of the calls in the window
     * failed; strictly between 0 and 1 (cockatiel's SamplingBreaker refuses both ends).
     * @default 0.5 */
    failureRatio: option({
      default: P.breaker.failureRatio,
      expected: 'a number greater than 0 and less than 1',
      parse(value, path) {
        if (typeof value !== 'number' || !(value > 0 && value < 1))
          throw invalid(path, 'a number greater than 0 and less than 1', value);
        return value;
      },
    }),
    /** The rolling window failures are counted over, in ms. @default 10000 */
    windowMs: integer(P.breaker.windowMs, { min: 1 }),
    /** Fewest calls in the window before the ratio is judged. @default 20 */
    minimumCalls: integer(P.breaker.minimumCalls, { min: 1 }),
    /** How long the circuit stays open before one probe call is let through, in ms. @default 5000 */
    halfOpenAfterMs: integer(P.breaker.halfOpenAfterMs, { min: 1 }),
  }),
  bulkhead: section({
    /** Most calls in flight at once to the source, shared by every request. @default 64 */
    maxConcurrent: integer(P.bulkhead.maxConcurrent, { min: 1 }),
    /** Most calls waiting for a free slot; past it, calls fail fast. @default 256 */
    maxQueued: integer(P.bulkhead.maxQueued, { min: 0 }),
  }),
  rateLimit: section({
    /** Calls the backend allows per window; 0: no limit. @default 0 */
    calls: integer(P.rateLimit.calls, { min: 0 }),
    /** The rate limit's window, in ms. @default 1000 */
    windowMs: integer(P.rateLimit.windowMs, { min: 1 }),
    /** Longest pause of the whole source after a rate-limit answer (429 + Retry-After, RESOURCE_EXHAUSTED with pushback), in ms, whatever the backend asked. @default 60000 */
    maxPauseMs: integer(P.rateLimit.maxPauseMs, { min: 0 }),
  }),
  /** The backend applies a write once per idempotency key, so a write carrying one may be retried. @default false */
  honoursIdempotencyKeys: boolean(P.honoursIdempotencyKeys),
};

/** Everything except `sources`, which resolveConfig awaits and checks on its own. */
export const CONFIG_SPEC = section({
  /**
   * The unified schema's SDL files (paths relative to the working directory),
   * bound to the sources with the directives of docs/directives.md. When set,
   * `/graphql` serves the unified schema and the gateway refuses to start on a
   * broken binding (COMPOSITION_FAILED); when empty, `/graphql` serves the
   * namespaced view of every source. @default [] */
  schema: schemaFiles,
  server: section({
    /** Interface to listen on. @default "127.0.0.1" */
    host: text('127.0.0.1', { nonEmpty: true, what: 'a host name or IP address' }),
    /** TCP port; 0 picks a free one. @default 4000 */
    port: integer(4000, { min: 0, max: 65535 }),
    /** Time a client has to send a request's headers, in ms; then node answers 408 and closes the connection. @default 10000 */
    headersTimeoutMs: integer(10_000, { min: 1 }), // 10 s
    /** Time a client has to send a whole request (headers and body), in ms; then 408 and the connection is closed. @default 30000 */
    bodyTimeoutMs: integer(30_000, { min: 1 }), // 30 s
    /** How long an idle keep-alive connection stays open, in ms. @default 5000 */
    keepAliveTimeoutMs: integer(5_000, { min: 1 }), // 5 s
    /** Largest request head (request line and headers), in bytes; larger gets 431. @default 16384 */
    maxHeaderBytes: integer(16_384, { min: 1024 }), // 16 KiB
    /** Most header lines in one request; more gets 431. @default 100 */
    maxHeaderCount: integer(100, { min: 1 }),
  }),
  /** Which browser origins may call the gateway (CORS). Closed by default: no CORS headers at all. */
  cors: section({
    /** Origins allowed to call from a browser, exactly as the browser sends them, e.g. "https://shop.example". @default [] */
    allowedOrigins: origins,
    /** Let those origins send cookies and HTTP authentication. @default false */
    allowCredentials: boolean(false),
    /** How long a browser may reuse a preflight answer, in ms (sent in whole seconds). @default 600000 */
    preflightMaxAgeMs: integer(600_000, { min: 0 }), // 10 min
  }),
  /** What each GraphQL endpoint serves and reveals. */
  endpoints: section({
    /** Answer introspection at /graphql (GraphiQL and codegen need it). @default true */
    introspection: boolean(true),
    /** "Did you mean …?" in validation errors at /graphql; they name fields the caller did not send. @default false */
    suggestions: boolean(false),
    /**
     * The per-source endpoints /graphql/<source>, an integrator's tool that exposes every backend operation:
     * "off" (not served), "read-only" (queries and subscriptions, no mutations) or "read-write". @default "off" */
    sources: oneOf<SourceEndpointMode>(['off', 'read-only', 'read-write'], 'off'),
    /** Answer introspection at /graphql/<source> when served. @default true */
    sourceIntrospection: boolean(true),
    /** "Did you mean …?" at /graphql/<source> when served. @default true */
    sourceSuggestions: boolean(true),
  }),
  /** Protective limits, on by default. */
  limits: section({
    /** Deepest selection nesting accepted in one operation. @default 12 */
    maxDepth: integer(12, { min: 1 }),
    /** Most aliases accepted in one operation. @default 15 */
    maxAliases: integer(15, { min: 0 }),
    /** Highest computed cost accepted for one operation (a leaf 1, an object 2 plus its selection, a page times its size: docs/partners.md, "Limits"). @default 5000 */
    maxCost: integer(5000, { min: 1 }),
    /** Most lexical tokens accepted in one document. @default 2000 */
    maxTokens: integer(2000, { min: 1 }),
    /** Largest request body accepted, in bytes; larger ones get 413 before parsing. @default 1048576 */
    maxBodyBytes: integer(1_048_576, { min: 1 }), // 1 MiB
    /** Deadline of one request, in ms; then every backend call it made is aborted. @default 30000 */
    requestTimeoutMs: integer(30_000, { min: 1 }), // 30 s
    /** Calls in flight at once to one source for one request, for operations without a batch. @default 8 */
    maxConcurrentCallsPerSource: integer(8, { min: 1 }),
    /** Deepest nesting of brackets in a document, and of arrays and objects in variables; deeper is 400 before parsing. @default 64 */
    maxNestingDepth: integer(64, { min: 2, max: 1000 }),
    /** Subscription streams one client (network address) may hold open. @default 10 */
    maxStreamsPerClient: integer(10, { min: 0 }),
    /** Subscription streams open to one source, across all clients. @default 100 */
    maxStreamsPerSource: integer(100, { min: 0 }),
  }),
  playground: section({
    /** Serve GraphiQL on GET from a browser. @default true */
    enabled: boolean(true),
    /** Title of the playground; per-source pages add the source's name. @default "Switchboard" */
    title: text('Switchboard'),
    /** Tabs the playground at /graphql opens with. @default [] */
    defaultTabs: playgroundTabs,
  }),
  /** Apollo Federation v2 subgraphs, for a federation router (docs/federation.md). */
  federation: section({
    /** Serve /federation (the unified schema, when `schema` is set) and /federation/<source> as federation subgraphs. @default false */
    enabled: boolean(false),
    /** What /federation/<source> serves when enabled: "off", "read-only" (no mutations) or "read-write". @default "read-only" */
    sources: oneOf<SourceEndpointMode>(['off', 'read-only', 'read-write'], 'read-only'),
    /** Most entity representations one `_entities` call may ask for; more is refused before any backend call. @default 1000 */
    maxRepresentations: integer(1000, { min: 1, max: 100_000 }),
  }),
  logging: section({
    /** Least severe level written to stderr. @default "info" */
    level: oneOf<LogLevel>(LOG_LEVELS, 'info'),
  }),
  /**
   * What happens to every call to a backend: timeouts, retries, the circuit
   * breaker, the bulkhead, the outbound rate limit and the read cache
   * (docs/pipeline.md). These values apply to every source; `sources` overrides them.
   */
  pipeline: section({
    ...sourcePipeline,
    /**
     * Overrides by source name (a configured source), and within a source by
     * operation name (`operations`), e.g. `{ erp: { timeoutMs: 2000, operations: { getStockLevels: { cache: { ttlMs: 5000 } } } } }`.
     */
    sources: record(
      section({
        ...sourcePipeline,
        operations: record(section(operationPipeline), 'operation name'),
      }),
      'source name',
    ),
  }),
  /** The write journal: where every mutation's plan, steps, dead letters and audit trail are kept (docs/writes.md). */
  writes: section({
    /** "sqlite": a file on this machine (one instance); "postgres": shared by every instance on `postgresUrl`. @default "sqlite" */
    journal: oneOf(['sqlite', 'postgres'] as const, 'sqlite'),
    /** The SQLite file when `journal` is "sqlite", relative to the working directory; created on first start. @default ".switchboard/journal.db" */
    sqlitePath: text('.switchboard/journal.db', { nonEmpty: true, what: 'a file path' }),
    /** The PostgreSQL server when `journal` is "postgres", e.g. "postgres://user@127.0.0.1:5432/switchboard". Read it from the environment. @default null */
    postgresUrl: text<string | null>(null, {
      nonEmpty: true,
      secret: true,
      what: 'a postgres:// URL',
    }),
    /** How long a caller's idempotency key is remembered after its write began, in ms; never while the write is in flight. @default 86400000 */
    idempotencyKeyTtlMs: integer(86_400_000, { min: 60_000 }), // 24 h
    /** How long an instance's claim on a write in flight lasts, in ms, renewed while it works; after a crash another instance (or the restarted one) takes the write over once it lapses. @default 30000 */
    leaseMs: integer(30_000, { min: 1_000 }),
    /** How often the gateway looks for unfinished writes whose claim lapsed (a crashed instance's) and completes or undoes them, in ms; it also looks once at start. 0 looks only at start. @default 10000 */
    recoveryIntervalMs: integer(10_000, { min: 0 }),
  }),
  /**
   * Limits per caller (docs/partners.md, "Limits"): requests and query cost per window, per token, or per client
   * address for callers without a token, by plan. No plan for a caller: only `limits.*` apply to it.
   */
  rateLimits: section({
    /** "memory": counters in this process; "redis": shared by every instance on `redisUrl`. @default "memory" */
    store: oneOf(['memory', 'redis'] as const, 'memory'),
    /** The Redis server when `store` is "redis", e.g. "redis://127.0.0.1:6379". Read it from the environment. @default null */
    redisUrl: text<string | null>(null, { nonEmpty: true, what: 'a redis:// URL' }),
    /** Prefix of every counter key in Redis, so two deployments can share one. @default "switchboard:rl:" */
    keyPrefix: text('switchboard:rl:'),
    /** The window requests and cost are counted over, in whole seconds. @default 60 */
    windowSeconds: integer(60, { min: 1, max: 86_400 }),
    /** The plan of a token whose `plan` claim is absent or names no configured plan; null: such tokens are not rate limited. @default null */
    defaultPlan: text<string | null>(null, { nonEmpty: true, what: 'a plan name' }),
    /** The plan of callers without a token, counted per client address; null: not rate limited. @default null */
    anonymousPlan: text<string | null>(null, { nonEmpty: true, what: 'a plan name' }),
    /**
     * Plans by name, e.g. `{ gold: { requests: 1000, cost: 200000, maxCost: 20000 } }`. Each member is optional:
     * `requests` and `cost` per window (absent or 0: not counted); `maxDepth`, `maxAliases` and `maxCost` replace
     * `limits.*` for the plan's callers (higher or lower).
     */
    plans: record(
      section({
        /** Requests per window per caller; 0: not counted. */
        requests: integer(0, { min: 0 }),
        /** Query cost per window per caller (the cost formula of docs/partners.md); 0: not counted. */
        cost: integer(0, { min: 0 }),
        /** Replaces `limits.maxDepth` for the plan. */
        maxDepth: integer(12, { min: 1 }),
        /** Replaces `limits.maxAliases` for the plan. */
        maxAliases: integer(15, { min: 0 }),
        /** Replaces `limits.maxCost` for the plan. */
        maxCost: integer(5000, { min: 1 }),
      }),
      'plan name',
    ),
  }),
  /** The operator's side: metrics, the write journal's admin API, the operator page (docs/security.md). */
  admin: section({
    /**
     * The admin credential, sent as `Authorization: Bearer <token>` to admin paths; at least 32 characters.
     * Read it from the environment (SWITCHBOARD_ADMIN_TOKEN). Unset: every admin path answers 404. @default null */
    token: text<string | null>(null, {
      minLength: 32,
      secret: true,
      what: 'a secret of at least 32 characters',
    }),
  }),
  /** Tokens: the gateway as an issuer, the identity providers it trusts, and what callers without a token may do (docs/partners.md). */
  auth: section({
    /** The `iss` of the tokens this gateway issues (a name or a URL). @default "switchboard" */
    issuer: text('switchboard', { nonEmpty: true, what: 'a non-empty string' }),
    /** The `aud` the gateway issues and requires in its own tokens. @default "switchboard" */
    audience: text('switchboard', { nonEmpty: true, what: 'a non-empty string' }),
    /** Where the signing keys are: "file" (`keyFile`, created on first `token issue`) or "env" (`signingKeys`). @default "file" */
    keySource: oneOf(['file', 'env'] as const, 'file'),
    /** The key file when `keySource` is "file" (mode 0600; `npx switchboard keys rotate` adds keys). @default ".switchboard/keys.json" */
    keyFile: text('.switchboard/keys.json', { nonEmpty: true, what: 'a file path' }),
    /** The signing keys when `keySource` is "env": a private ES256 JWK, or `{"keys":[...]}` (the first signs, all verify), as JSON. Read it from the environment (SWITCHBOARD_SIGNING_KEYS). @default null */
    signingKeys: text<string | null>(null, {
      nonEmpty: true,
      secret: true,
      what: 'a private JWK as JSON',
    }),
    /** Longest lifetime `token issue --ttl` accepts, in ms; `keys rotate` keeps the old key this long. @default 7776000000 */
    maxTokenTtlMs: integer(90 * 86_400_000, { min: 60_000 }), // 90 days
    /** Where issued tokens are recorded: "sqlite" (`sqlitePath`) or "postgres" (`postgresUrl`, shared by every instance). @default "sqlite" */
    tokenStore: oneOf(['sqlite', 'postgres'] as const, 'sqlite'),
    /** The SQLite file of issued tokens when `tokenStore` is "sqlite"; created by the first `token issue`. @default ".switchboard/tokens.db" */
    sqlitePath: text('.switchboard/tokens.db', { nonEmpty: true, what: 'a file path' }),
    /** The PostgreSQL server when `tokenStore` is "postgres". Read it from the environment. @default null */
    postgresUrl: text<string | null>(null, {
      nonEmpty: true,
      secret: true,
      what: 'a postgres:// URL',
    }),
    /** How often each instance reloads the revoked tokens (and the key file), in ms: the bound on how late a revocation takes effect. @default 5000 */
    revocationRefreshMs: integer(5_000, { min: 100, max: 60_000 }),
    /** Clock leeway for `exp` and `nbf`, in seconds (RFC 8725 advises little). @default 30 */
    clockToleranceSeconds: integer(30, { min: 0, max: 60 }),
    /** Let requests without a token in, with `anonymousScopes`; false: they get 401 AUTH_TOKEN_MISSING. @default true */
    allowAnonymous: boolean(true),
    /** Scopes of a caller without a token. A gateway for partners gives them nothing unless told. @default [] */
    anonymousScopes: scopeList,
    /** Identity providers whose tokens are accepted: `{ issuer, jwksUrl, audience, scopesClaim = "scope", algorithms = ["RS256", "ES256"], typ = null, jwksCooldownMs = 30000 }`. @default [] */
    trustedIssuers: issuerList,
  }),
  /** What the gateway tells its operators about itself: metrics at /metrics and OpenTelemetry traces (docs/operations.md). */
  telemetry: section({
    metrics: section({
      /** Count requests, backend calls, cache reads and more, served at /metrics to the admin credential; nothing is counted while `admin.token` is unset. @default true */
      enabled: boolean(true),
      /** Most distinct GraphQL operation names counted under their own name; later names count as "other", so callers cannot grow the series without end. @default 200 */
      maxOperationNames: integer(200, { min: 1, max: 10_000 }),
    }),
    tracing: section({
      /** Record spans for requests, source calls and their retries, and send W3C trace context to backends. Off: no span is made. @default false */
      enabled: boolean(false),
      /** The OTLP/HTTP traces endpoint, e.g. "http://127.0.0.1:4318/v1/traces"; null: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or the exporter's default (localhost:4318). @default null */
      endpoint: text<string | null>(null, { nonEmpty: true, what: 'an http(s):// URL' }),
      /** The `service.name` of every span. @default "switchboard" */
      serviceName: text('switchboard', { nonEmpty: true }),
      /** Share of new traces recorded, from 0 to 1; a caller's traceparent decides for the traces it started. @default 1 */
      sampleRatio: ratio(1),
      /** Continue the caller's trace from its `traceparent` header; false: every request starts a new trace. @default true */
      trustIncoming: boolean(true),
    }),
  }),
  /** Where the read cache keeps answers (docs/cache.md). */
  cache: section({
    /** "memory": this process only; "redis": shared by every instance on `redisUrl`, with a memory tier in front. @default "memory" */
    store: oneOf(['memory', 'redis'] as const, 'memory'),
    /** The Redis server when `store` is "redis", e.g. "redis://127.0.0.1:6379". Read it from the environment. @default null */
    redisUrl: text<string | null>(null, { nonEmpty: true, what: 'a redis:// URL' }),
    /** Most entries in the memory tier (least recently used go first). @default 10000 */
    maxEntries: integer(10_000, { min: 1 }),
    /** Most bytes in the memory tier, counted as JSON length. @default 67108864 */
    maxBytes: integer(64 * 1024 * 1024, { min: 1 }), // 64 MiB
    /** Prefix of every key in a shared store, so two deployments can share one Redis. @default "switchboard:" */
    keyPrefix: text('switchboard:'),
  }),
  /** Stopping (SIGTERM, SIGINT or `close()`): how long what is in flight may take to finish (docs/operations.md, "Stopping"). */
  shutdown: section({
    /** Once asked to stop, the gateway accepts no new connection and gives the requests and the writes in flight this long, in ms, to finish; then it closes the connections left, and a write still unfinished stays in the journal for recovery. 0: close at once. @default 10000 */
    graceMs: integer(10_000, { min: 0, max: 600_000 }),
  }),
  /** Trusted (persisted) operations, sent by their SHA-256 (docs/partners.md, "Persisted operations"). */
  persistedOperations: section({
    /** A JSON file `{ "<sha256 hex of the document>": "<document>" }`, read once at start; null: no registry (a hash is then NOT_FOUND). @default null */
    file: text<string | null>(null, { nonEmpty: true, what: 'a file path' }),
    /** Partners (a token's partner) that may send only operations of `file`; "*": every caller with a partner. @default [] */
    requiredFor: partnerList,
  }),
});
