/**
 * Per-request DataLoaders: one per batchable operation (and per set of the
 * other arguments), so all the keys one tick asks for go out as a single
 * `invokeMany`, deduplicated. Queries without a batch are deduplicated by
 * their arguments and run at most `maxConcurrentCalls` at a time per source.
 * Built per request so nothing leaks between callers.
 */
import DataLoader from 'dataloader';
import { DEFAULTS } from './config/index.js';
import type { Args, Operation } from '../sources/common/index.js';
import { dispatch, dispatchStream, keyedFailure } from './pipeline/dispatch.js';
import type { CallEntity, Invoke, PipelineContext, Subscribe } from './pipeline/index.js';

export interface LoaderCallOptions {
  /**
   * The batch key argument is list-typed in the operation (erp's
   * getStockLevels(itemCode: [String!]!)): a batch of one then sends `[key]`.
   * @default false
   */
  keyIsList?: boolean;
  /** The `@entity` whose key the call's key argument holds, so the cache can tag the answer. */
  entity?: CallEntity;
}

/** The way out to one source: its pipeline (gateway/pipeline). */
export interface Outbound {
  readonly invoke: Invoke;
  readonly subscribe: Subscribe;
}

/** Straight to the source, for sources without a pipeline (unit tests of the loaders alone). */
const DIRECT: Outbound = {
  invoke: (call) => keyedFailure(call, dispatch(call)),
  subscribe: dispatchStream,
};

export interface Loaders {
  /**
   * Calls `operation` for `args` through its batch when it has one and the
   * key argument is a single value; otherwise invokes it directly (queries
   * deduplicated and concurrency-capped, mutations and subscriptions as they come).
   */
  call(
    source: string,
    operation: Operation,
    args: Args,
    ctx: PipelineContext,
    options?: LoaderCallOptions,
  ): Promise<unknown>;
  /** Opens a subscription's stream through the source's pipeline. */
  subscribe(
    source: string,
    operation: Operation,
    args: Args,
    ctx: PipelineContext,
  ): AsyncIterable<unknown>;
}

/** Keys are matched by string form, as sources/common/batch.ts does: "42" and 42 are one key. */
function keyOf(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** Runs at most `limit` tasks at once, in arrival order. */
function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    running -= 1;
    waiting.shift()?.();
  };
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}

export function createLoaders(
  options: {
    maxConcurrentCalls?: number;
    outbound?: (source: string) => Outbound | undefined;
  } = {},
): Loaders {
  const maxConcurrentCalls =
    options.maxConcurrentCalls ?? DEFAULTS.limits.maxConcurrentCallsPerSource;
  const outboundOf = (source: string): Outbound => options.outbound?.(source) ?? DIRECT;
  const loaders = new Map<string, DataLoader<unknown, unknown, string>>();
  const inFlight = new Map<string, Promise<unknown>>();
  const limiters = new Map<string, <T>(task: () => Promise<T>) => Promise<T>>();
  const direct = (
    source: string,
    operation: Operation,
    args: Args,
    ctx: PipelineContext,
    entity: CallEntity | undefined,
  ): Promise<unknown> => {
    const { invoke } = outboundOf(source);
    const single = {
      kind: 'single' as const,
      source,
      operation,
      args,
      ctx,
      ...(entity === undefined ? {} : { entity }),
    };
    // Writes are never merged: two identical placeOrder calls are two orders.
    if (operation.kind !== 'query') return invoke(single);
    const id = `${source}\u0000${operation.name}\u0000${JSON.stringify(args)}`;
    let call = inFlight.get(id);
    if (call === undefined) {
      let limit = limiters.get(source);
      if (limit === undefined) {
        limit = createLimiter(maxConcurrentCalls);
        limiters.set(source, limit);
      }
      call = limit(() => invoke(single));
      inFlight.set(id, call);
    }
    return call;
  };
  return {
    call(source, operation, args, ctx, callOptions = {}) {
      const batch = operation.batch;
      const key = batch === undefined ? undefined : args[batch.key];
      if (batch === undefined || key === undefined || key === null || Array.isArray(key))
        return direct(source, operation, args, ctx, callOptions.entity);
      const { [batch.key]: _key, ...rest } = args;
      // Keys share one batch only when every other argument is the same.
      const loaderId = `${source}\u0000${operation.name}\u0000${JSON.stringify(rest)}\u0000${callOptions.keyIsList === true}`;
      let loader = loaders.get(loaderId);
      if (loader === undefined) {
        // One pipeline call per batch; a batch of one goes to the single operation (pipeline/dispatch.ts).
        const { invoke } = outboundOf(source);
        const keyIsList = callOptions.keyIsList === true;
        const { entity } = callOptions;
        const load = async (keys: readonly unknown[]): Promise<unknown[]> =>
          (await invoke({
            kind: 'batch',
            source,
            operation,
            keys,
            args: rest,
            keyIsList,
            ctx,
            ...(entity === undefined ? {} : { entity }),
          })) as unknown[];
        loader = new DataLoader<unknown, unknown, string>(load, {
          cacheKeyFn: keyOf,
          ...(batch.maxKeys === undefined ? {} : { maxBatchSize: batch.maxKeys }),
        });
        loaders.set(loaderId, loader);
      }
      return loader.load(key);
    },
    subscribe(source, operation, args, ctx) {
      return outboundOf(source).subscribe({ kind: 'stream', source, operation, args, ctx });
    },
  };
}
