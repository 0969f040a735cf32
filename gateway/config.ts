/**
 * The gateway's configuration: `defineConfig` for editors, `DEFAULTS` in one
 * frozen object, and `resolveConfig`, the only place defaults are applied.
 * Everything else takes a `ResolvedConfig`, with no optional field left.
 */
import type { Source } from '../sources/common/index.js';
import { GatewayError } from './errors.js';
import type { LogLevel } from './logger.js';
import { validateConfig } from './config-validation.js';

/** One tab the playground opens with. */
export interface PlaygroundTab {
  query: string;
  /** JSON text of the tab's variables. */
  variables?: string;
}

/** How the per-source endpoints /graphql/<source> are served. */
export type SourceEndpointMode = 'off' | 'read-only' | 'read-write';
export const SOURCE_ENDPOINT_MODES: readonly SourceEndpointMode[] = Object.freeze(['off', 'read-only', 'read-write']);

export interface SwitchboardConfig {
  /** The systems of record. A source factory's promise may be passed as is. */
  sources: ReadonlyArray<Source | Promise<Source>>;
  /**
   * The unified schema's SDL files (paths relative to the working directory),
   * bound to the sources with the directives of docs/directives.md. When set,
   * `/graphql` serves the unified schema and the gateway refuses to start on a
   * broken binding (COMPOSITION_FAILED); when empty, `/graphql` serves the
   * namespaced view of every source. @default [] */
  schema?: string | readonly string[];
  server?: {
    /** Interface to listen on. @default "127.0.0.1" */
    host?: string;
    /** TCP port; 0 picks a free one. @default 4000 */
    port?: number;
    /** Time a client has to send a request's headers, in ms; then node answers 408 and closes the connection. @default 10000 (10 s) */
    headersTimeoutMs?: number;
    /** Time a client has to send a whole request (headers and body), in ms; then 408 and the connection is closed. @default 30000 (30 s) */
    bodyTimeoutMs?: number;
    /** How long an idle keep-alive connection stays open, in ms. @default 5000 (5 s) */
    keepAliveTimeoutMs?: number;
    /** Largest request head (request line and headers), in bytes; larger gets 431. @default 16384 (16 KiB) */
    maxHeaderBytes?: number;
    /** Most header lines in one request; more gets 431. @default 100 */
    maxHeaderCount?: number;
  };
  /** Which browser origins may call the gateway (CORS). Closed by default: no CORS headers at all. */
  cors?: {
    /** Origins allowed to call from a browser, exactly as the browser sends them, e.g. "https://shop.example". @default [] */
    allowedOrigins?: readonly string[];
    /** Let those origins send cookies and HTTP authentication. @default false */
    allowCredentials?: boolean;
    /** How long a browser may reuse a preflight answer, in ms (sent in whole seconds). @default 600000 (10 min) */
    preflightMaxAgeMs?: number;
  };
  /** What each GraphQL endpoint serves and reveals. */
  endpoints?: {
    /** Answer introspection at /graphql (GraphiQL and codegen need it). @default true */
    introspection?: boolean;
    /** "Did you mean …?" in validation errors at /graphql; they name fields the caller did not send. @default false */
    suggestions?: boolean;
    /**
     * The per-source endpoints /graphql/<source>, an integrator's tool that exposes every backend operation:
     * "off" (not served), "read-only" (queries and subscriptions, no mutations) or "read-write". @default "off" */
    sources?: SourceEndpointMode;
    /** Answer introspection at /graphql/<source> when served. @default true */
    sourceIntrospection?: boolean;
    /** "Did you mean …?" at /graphql/<source> when served. @default true */
    sourceSuggestions?: boolean;
  };
  /** Protective limits, on by default. */
  limits?: {
    /** Deepest selection nesting accepted in one operation. @default 12 */
    maxDepth?: number;
    /** Most aliases accepted in one operation. @default 15 */
    maxAliases?: number;
    /** Highest computed cost accepted for one operation (objects 2, scalars 1, times 1.5 per level). @default 5000 */
    maxCost?: number;
    /** Most lexical tokens accepted in one document. @default 2000 */
    maxTokens?: number;
    /** Largest request body accepted, in bytes; larger ones get 413 before parsing. @default 1048576 (1 MiB) */
    maxBodyBytes?: number;
    /** Deadline of one request, in ms; then every backend call it made is aborted. @default 30000 */
    requestTimeoutMs?: number;
    /** Calls in flight at once to one source for one request, for operations without a batch. @default 8 */
    maxConcurrentCallsPerSource?: number;
    /** Deepest nesting of brackets in a document, and of arrays and objects in variables; deeper is 400 before parsing. @default 64 */
    maxNestingDepth?: number;
    /** Subscription streams one client (network address) may hold open. @default 10 */
    maxStreamsPerClient?: number;
    /** Subscription streams open to one source, across all clients. @default 100 */
    maxStreamsPerSource?: number;
  };
  playground?: {
    /** Serve GraphiQL on GET from a browser. @default true */
    enabled?: boolean;
    /** Title of the namespaced playground; per-source pages add the source's name. @default "Switchboard" */
    title?: string;
    /** Tabs the namespaced playground opens with. @default [] (one example query per source is shown) */
    defaultTabs?: ReadonlyArray<PlaygroundTab>;
  };
  logging?: {
    /** Least severe level written to stderr. @default "info" */
    level?: LogLevel;
  };
}

export interface ResolvedConfig {
  readonly sources: readonly Source[];
  /** Unified schema files; empty for the namespaced view. */
  readonly schema: readonly string[];
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly headersTimeoutMs: number;
    readonly bodyTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
    readonly maxHeaderBytes: number;
    readonly maxHeaderCount: number;
  };
  readonly cors: { readonly allowedOrigins: readonly string[]; readonly allowCredentials: boolean; readonly preflightMaxAgeMs: number };
  readonly endpoints: {
    readonly introspection: boolean;
    readonly suggestions: boolean;
    readonly sources: SourceEndpointMode;
    readonly sourceIntrospection: boolean;
    readonly sourceSuggestions: boolean;
  };
  readonly limits: {
    readonly maxDepth: number;
    readonly maxAliases: number;
    readonly maxCost: number;
    readonly maxTokens: number;
    readonly maxBodyBytes: number;
    readonly requestTimeoutMs: number;
    readonly maxConcurrentCallsPerSource: number;
    readonly maxNestingDepth: number;
    readonly maxStreamsPerClient: number;
    readonly maxStreamsPerSource: number;
  };
  readonly playground: { readonly enabled: boolean; readonly title: string; readonly defaultTabs: readonly PlaygroundTab[] };
  readonly logging: { readonly level: LogLevel };
  /** Marks a config that went through `resolveConfig`. */
  readonly resolved: true;
}

/** Every default, with units in the names. docs/configuration.md is checked against it. */
export const DEFAULTS = Object.freeze({
  schema: Object.freeze([]) as readonly string[],
  server: Object.freeze({
    host: '127.0.0.1',
    port: 4000,
    headersTimeoutMs: 10_000, // 10 s
    bodyTimeoutMs: 30_000, // 30 s
    keepAliveTimeoutMs: 5_000, // 5 s
    maxHeaderBytes: 16_384, // 16 KiB
    maxHeaderCount: 100,
  }),
  cors: Object.freeze({ allowedOrigins: Object.freeze([]) as readonly string[], allowCredentials: false, preflightMaxAgeMs: 600_000 /* 10 min */ }),
  endpoints: Object.freeze({ introspection: true, suggestions: false, sources: 'off' as SourceEndpointMode, sourceIntrospection: true, sourceSuggestions: true }),
  limits: Object.freeze({
    maxDepth: 12,
    maxAliases: 15,
    maxCost: 5000,
    maxTokens: 2000,
    maxBodyBytes: 1_048_576, // 1 MiB
    requestTimeoutMs: 30_000, // 30 s
    maxConcurrentCallsPerSource: 8,
    maxNestingDepth: 64,
    maxStreamsPerClient: 10,
    maxStreamsPerSource: 100,
  }),
  playground: Object.freeze({ enabled: true, title: 'Switchboard', defaultTabs: Object.freeze([]) as readonly PlaygroundTab[] }),
  logging: Object.freeze({ level: 'info' as LogLevel }),
});

/**
 * Gives editors the config's types; returns its argument unchanged.
 * @example
 * export default defineConfig({
 *   sources: [createRestSource({ name: 'storefront', contract: './demo/storefront/openapi.yaml', url: process.env.STOREFRONT_URL })],
 *   limits: { maxDepth: 10 },
 * });
 */
export function defineConfig(config: SwitchboardConfig): SwitchboardConfig {
  return config;
}

export function isResolvedConfig(config: SwitchboardConfig | ResolvedConfig): config is ResolvedConfig {
  return (config as { resolved?: unknown }).resolved === true;
}

/** Waits for every source; when one fails, closes the others so no connection is left open. */
async function awaitSources(sources: unknown): Promise<unknown[]> {
  if (!Array.isArray(sources)) {
    throw new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage: `Config option "sources" should be an array of sources, instead got ${sources === null ? 'null' : typeof sources}.`,
      details: { path: 'sources' },
    });
  }
  const settled = await Promise.allSettled(sources.map((source) => Promise.resolve(source)));
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed === undefined) return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value);
  await Promise.allSettled(
    settled.map(async (result) => {
      const value: unknown = result.status === 'fulfilled' ? result.value : undefined;
      const close = (value as { close?: unknown } | undefined)?.close;
      if (typeof close === 'function') await (close as () => Promise<void>).call(value);
    }),
  );
  throw failed.reason;
}

/**
 * Awaits the sources, applies `DEFAULTS` and validates everything.
 * Rejects with `CONFIG_INVALID` naming the option's path, what was expected
 * and what arrived; a source that fails to build rejects with its own error
 * (e.g. `CONTRACT_UNREADABLE`).
 */
export async function resolveConfig(config: SwitchboardConfig | ResolvedConfig): Promise<ResolvedConfig> {
  if (typeof config !== 'object' || config === null) {
    throw new GatewayError({ code: 'CONFIG_INVALID', safeMessage: `The config should be an object, instead got ${config === null ? 'null' : typeof config}.`, details: { path: '' } });
  }
  if (isResolvedConfig(config)) return config;
  const sources = await awaitSources((config as { sources?: unknown }).sources);
  try {
    return validateConfig({ ...config, sources }, DEFAULTS);
  } catch (error) {
    await Promise.allSettled(sources.map(async (source) => (source as Partial<Source> | null)?.close?.()));
    throw error;
  }
}
