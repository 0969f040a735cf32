/** Awaits the configured sources and checks that each is a Source with a unique name. */
import { isValidGraphQLName, type Source } from '../../sources/common/index.js';
import { GatewayError } from '../errors.js';
import { invalid } from './spec.js';

/** Waits for every source; when one fails, closes the others so no connection is left open. */
export async function awaitSources(sources: unknown): Promise<unknown[]> {
  if (!Array.isArray(sources)) {
    throw new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage: `Config option "sources" should be an array of sources, instead got ${sources === null ? 'null' : typeof sources}.`,
      details: { path: 'sources' },
    });
  }
  const settled = await Promise.allSettled(sources.map((source) => Promise.resolve(source)));
  const failed = settled.find(
    (result): result is PromiseRejectedResult => result.status === 'rejected',
  );
  if (failed === undefined)
    return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value);
  await Promise.allSettled(
    settled.map(async (result) => {
      const value: unknown = result.status === 'fulfilled' ? result.value : undefined;
      const close = (value as { close?: unknown } | undefined)?.close;
      if (typeof close === 'function') await (close as () => Promise<void>).call(value);
    }),
  );
  throw failed.reason;
}

function checkSource(value: unknown, index: number): Source {
  const path = `sources[${index}]`;
  if (typeof value !== 'object' || value === null)
    throw invalid(path, 'a source (e.g. createRestSource(...))', value);
  const source = value as Partial<Record<keyof Source, unknown>>;
  if (typeof source.name !== 'string' || !isValidGraphQLName(source.name))
    throw invalid(`${path}.name`, 'a valid GraphQL name such as "storefront"', source.name);
  if (
    typeof source.typeDefs !== 'object' ||
    source.typeDefs === null ||
    (source.typeDefs as { kind?: unknown }).kind !== 'Document'
  ) {
    throw invalid(`${path}.typeDefs`, 'a GraphQL DocumentNode', source.typeDefs);
  }
  if (!(source.operations instanceof Map))
    throw invalid(`${path}.operations`, 'a Map of operations', source.operations);
  for (const member of ['health', 'close'] as const) {
    if (typeof source[member] !== 'function')
      throw invalid(`${path}.${member}`, 'a function', source[member]);
  }
  return value as Source;
}

/** Every source checked, names unique. */
export function checkSources(values: readonly unknown[]): Source[] {
  if (values.length === 0) throw invalid('sources', 'at least one source', values);
  const sources = values.map(checkSource);
  const seen = new Set<string>();
  sources.forEach((source, index) => {
    if (seen.has(source.name))
      throw invalid(`sources[${index}].name`, 'a name no other source has', source.name);
    seen.add(source.name);
  });
  return sources;
}
