/**
 * Shared by the pipeline's integration tests: hand-built policies with short
 * delays, a logger that keeps its lines, and calls built by hand, so each
 * step is driven through createSourcePipeline against real servers.
 */
import { expect } from 'vitest';
import type { Logger, LogFields } from '../../../gateway/logger.js';
import {
  createSourcePipeline,
  PIPELINE_DEFAULTS,
  type BatchCall,
  type BreakerPolicy,
  type BulkheadPolicy,
  type PipelineContext,
  type RateLimitPolicy,
  type RetryPolicy,
  type SingleCall,
  type SourcePipeline,
  type SourcePolicy,
} from '../../../gateway/pipeline/index.js';
import { SourceError, type Args, type Source } from '../../../sources/common/index.js';
import { track } from '../../harness/index.js';

export interface PolicyOverrides {
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerPolicy>;
  bulkhead?: Partial<BulkheadPolicy>;
  rateLimit?: Partial<RateLimitPolicy>;
  honoursIdempotencyKeys?: boolean;
}

/**
 * Defaults for tests: retries with 1–5 ms waits and a budget that never
 * binds, a breaker that never opens, no rate limit; each test sets what it checks.
 */
export function testPolicy(overrides: PolicyOverrides = {}): SourcePolicy {
  return {
    ...PIPELINE_DEFAULTS,
    timeoutMs: overrides.timeoutMs ?? 5_000,
    retry: {
      ...PIPELINE_DEFAULTS.retry,
      maxAttempts: 3,
      baseDelayMs: 1,
      maxDelayMs: 5,
      budgetRatio: 1,
      budgetMinRetries: 1_000,
      budgetWindowMs: 60_000,
      ...overrides.retry,
    },
    breaker: {
      ...PIPELINE_DEFAULTS.breaker,
      minimumCalls: 1_000_000,
      windowMs: 60_000,
      ...overrides.breaker,
    },
    bulkhead: { ...PIPELINE_DEFAULTS.bulkhead, ...overrides.bulkhead },
    rateLimit: { ...PIPELINE_DEFAULTS.rateLimit, ...overrides.rateLimit },
    honoursIdempotencyKeys: overrides.honoursIdempotencyKeys ?? false,
    operations: new Map(),
  };
}

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
}

/** A logger that keeps every line, and may run a hook on each (e.g. abort a call at its first retry). */
export function recordingLogger(
  onLine?: (line: LogLine) => void,
): Logger & { readonly lines: LogLine[]; messages(text: string): LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, fields: LogFields = {}) => {
      const line = { level, message, fields };
      lines.push(line);
      onLine?.(line);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    lines,
    messages: (text) => lines.filter((line) => line.message.includes(text)),
  };
}

/** Builds `source`'s pipeline with `policy` and closes it (and the source) after the file. */
export function pipelineFor(
  source: Source,
  policy: SourcePolicy,
  logger: Logger = recordingLogger(),
): SourcePipeline {
  const pipeline = createSourcePipeline({ source, policy, logger });
  track({ close: () => pipeline.close() }, `pipeline of ${source.name}`);
  return pipeline;
}

export function operationOf(source: Source, name: string) {
  const operation = source.operations.get(name);
  if (operation === undefined)
    throw new Error(
      `${source.name} has no operation ${name}; it has ${[...source.operations.keys()].join(', ')}`,
    );
  return operation;
}

export function single(
  source: Source,
  operation: string,
  args: Args,
  ctx: PipelineContext = {},
): SingleCall {
  return {
    kind: 'single',
    source: source.name,
    operation: operationOf(source, operation),
    args,
    ctx,
  };
}

export function batch(
  source: Source,
  operation: string,
  keys: readonly unknown[],
  ctx: PipelineContext = {},
): BatchCall {
  return {
    kind: 'batch',
    source: source.name,
    operation: operationOf(source, operation),
    keys,
    args: {},
    keyIsList: false,
    ctx,
  };
}

/** The SourceError `promise` rejects with (fails the test when it resolves or rejects with anything else). */
export async function failure(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

/** A deadline `ms` from now, as the gateway sets one per request. */
export const deadlineIn = (ms: number): number => Date.now() + ms;
