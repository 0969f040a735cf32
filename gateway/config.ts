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
  readonly server: { readonly host: string; readonly port: number };
  readonly limits: {
    readonly maxDepth: number;
    readonly maxAliases: number;
    readonly maxCost: number;
    readonly maxTokens: number;
    readonly maxBodyBytes: number;
    readonly requestTimeoutMs: number;
    readonly maxConcurrentCallsPerSource: number;
  };
  readonly playground: { readonly enabled: boolean; readonly title: string; readonly defaultTabs: readonly PlaygroundTab[] };
  readonly logging: { readonly level: LogLevel };
  /** Marks a config that went through `resolveConfig`. */
  readonly resolved: true;
}

/** Every default, with units in the names. docs/configuration.md is checked against it. */
export const DEFAULTS = Object.freeze({
  schema: Object.freeze([]) as readonly string[],
  server: Object.freeze({ host: '127.0.0.1', port: 4000 }),
  limits: Object.freeze({
    maxDepth: 12,
    maxAliases: 15,
    maxCost: 5000,
    maxTokens: 2000,
    maxBodyBytes: 1_048_576, // 1 MiB
    requestTimeoutMs: 30_000, // 30 s
    maxConcurrentCallsPerSource: 8,
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
