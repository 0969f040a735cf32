/**
 * Turns the `pipeline` section into one SourcePolicy per source: the
 * section's values, then the source's overrides, then each operation's. A
 * source or operation name that does not exist is CONFIG_INVALID with the
 * closest one, so an override can never silently apply to nothing.
 */
import { closestNames, type Source } from '../../sources/common/index.js';
import { GatewayError } from '../errors.js';
import type { OperationPolicy, SourcePolicy } from '../pipeline/index.js';
import type { Resolved } from './spec.js';
import type { CONFIG_SPEC } from './options.js';

type PipelineSection = Resolved<typeof CONFIG_SPEC>['pipeline'];
type Overrides = Readonly<Record<string, unknown>>;

function unknownName(
  path: string,
  name: string,
  what: string,
  known: Iterable<string>,
): GatewayError {
  const near = closestNames(name, known);
  const hint =
    near.length > 0
      ? `did you mean ${near.map((candidate) => `"${candidate}"`).join(' or ')}?`
      : `known: ${[...known].slice(0, 20).join(', ') || 'none'}.`;
  return new GatewayError({
    code: 'CONFIG_INVALID',
    safeMessage: `Config option "${path}" names ${what} "${name}", which does not exist: ${hint}`,
    details: { path },
  });
}

/** `over` laid on `base`, one level of sections deep (retry, breaker, …). */
function merge<T extends object>(base: T, over: Overrides | undefined): T {
  if (over === undefined) return base;
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined || key === 'operations') continue;
    const current = result[key];
    result[key] =
      typeof value === 'object' && value !== null && typeof current === 'object' && current !== null
        ? { ...current, ...value }
        : value;
  }
  return result as T;
}

function operationPart(policy: SourcePolicy): OperationPolicy {
  return { timeoutMs: policy.timeoutMs, retry: policy.retry, cache: policy.cache };
}

/** One policy per configured source, by name. Throws CONFIG_INVALID for an override of an unknown source or operation. */
export function resolveSourcePolicies(
  pipeline: PipelineSection,
  sources: readonly Source[],
): ReadonlyMap<string, SourcePolicy> {
  const byName = new Map(sources.map((source) => [source.name, source]));
  for (const name of Object.keys(pipeline.sources)) {
    if (!byName.has(name))
      throw unknownName(`pipeline.sources.${name}`, name, 'source', byName.keys());
  }
  const { sources: _overrides, ...shared } = pipeline;
  const policies = new Map<string, SourcePolicy>();
  for (const source of sources) {
    const overrides = pipeline.sources[source.name] as Overrides | undefined;
    const base = merge(
      { ...shared, operations: new Map<string, OperationPolicy>() } as SourcePolicy,
      overrides,
    );
    const operations = new Map<string, OperationPolicy>();
    for (const [operation, own] of Object.entries(
      (overrides?.operations ?? {}) as Record<string, Overrides>,
    )) {
      if (!source.operations.has(operation))
        throw unknownName(
          `pipeline.sources.${source.name}.operations.${operation}`,
          operation,
          `an operation of ${source.name}`,
          source.operations.keys(),
        );
      operations.set(operation, merge(operationPart(base), own));
    }
    policies.set(source.name, Object.freeze({ ...base, operations }));
  }
  return policies;
}
