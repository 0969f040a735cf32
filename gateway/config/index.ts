/**
 * The gateway's configuration: `defineConfig` for editors, `DEFAULTS` made
 * from the one declaration of every option (options.ts), and
 * `resolveConfig`, the only place defaults are applied. Everything else takes
 * a `ResolvedConfig`, with no optional field left.
 */
import type { Source } from '../../sources/common/index.js';
import type { SourcePolicy } from '../pipeline/index.js';
import { CONFIG_SPEC } from './options.js';
import { resolveSourcePolicies } from './pipeline.js';
import { awaitSources, checkSources } from './sources.js';
import {
  checkKnownKeys,
  defaultsOf,
  invalid,
  parseSpec,
  type Input,
  type Resolved,
} from './spec.js';

export type { PlaygroundTab, SourceEndpointMode } from './options.js';

export type SwitchboardConfig = {
  /** The systems of record. A source factory's promise may be passed as is. */
  sources: ReadonlyArray<Source | Promise<Source>>;
} & Input<typeof CONFIG_SPEC>;

export type ResolvedConfig = Resolved<typeof CONFIG_SPEC> & {
  readonly sources: readonly Source[];
  /** The pipeline's policy of each source, by source name: `pipeline` with its overrides applied. */
  readonly policies: ReadonlyMap<string, SourcePolicy>;
  /** Marks a config that went through `resolveConfig`. */
  readonly resolved: true;
};

/** Every default, with units in the names. docs/configuration.md is checked against it. */
export const DEFAULTS = defaultsOf(CONFIG_SPEC);

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

export function isResolvedConfig(
  config: SwitchboardConfig | ResolvedConfig,
): config is ResolvedConfig {
  return (config as { resolved?: unknown }).resolved === true;
}

/**
 * Awaits the sources, applies `DEFAULTS` and validates everything.
 * Rejects with `CONFIG_INVALID` naming the option's path, what was expected
 * and what arrived (with the closest known key for an unknown one); a source
 * that fails to build rejects with its own error (e.g. `CONTRACT_UNREADABLE`).
 */
export async function resolveConfig(
  config: SwitchboardConfig | ResolvedConfig,
): Promise<ResolvedConfig> {
  if (typeof config !== 'object' || config === null) throw invalid('', 'an object', config);
  if (isResolvedConfig(config)) return config;
  checkKnownKeys(config, ['sources', ...Object.keys(CONFIG_SPEC.fields)], '');
  const { sources: given, ...rest } = config as { sources?: unknown };
  const awaited = await awaitSources(given);
  try {
    const sources = checkSources(awaited);
    const options = parseSpec(CONFIG_SPEC, rest, '');
    return {
      ...options,
      sources,
      policies: resolveSourcePolicies(options.pipeline, sources),
      resolved: true,
    };
  } catch (error) {
    await Promise.allSettled(
      awaited.map(async (source) => (source as Partial<Source> | null)?.close?.()),
    );
    throw error;
  }
}
