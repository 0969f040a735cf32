/**
 * Builds a source for the CLI from the kind's factory. The factories are
 * loaded on demand, so `print-subgraph --rest` works without the gRPC
 * toolchain loading, and a kind whose module is missing answers clearly.
 */
import type { Source } from '../../sources/common/index.js';

export type SourceKindFlag = 'rest' | 'soap' | 'grpc';

const FACTORIES: Readonly<Record<SourceKindFlag, { module: string; factory: string }>> = {
  rest: { module: '../../sources/rest/index.js', factory: 'createRestSource' },
  soap: { module: '../../sources/soap/index.js', factory: 'createSoapSource' },
  grpc: { module: '../../sources/grpc/index.js', factory: 'createGrpcSource' },
};

export class CliUnavailableError extends Error {}

/** Calls the kind's factory with `options`; throws CliUnavailableError when the kind is not built yet. */
export async function loadSource(kind: SourceKindFlag, options: Record<string, unknown>): Promise<Source> {
  const { module, factory } = FACTORIES[kind];
  let loaded: unknown;
  try {
    loaded = await import(module);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND') throw new CliUnavailableError(`--${kind} is not available yet: this build has no ${kind} source.`);
    throw error;
  }
  const create = (loaded as Record<string, unknown>)[factory];
  if (typeof create !== 'function') throw new CliUnavailableError(`--${kind} is not available yet: ${factory} is missing.`);
  return (await (create as (options: Record<string, unknown>) => Promise<Source> | Source)(options)) as Source;
}
