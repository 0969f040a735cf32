/**
 * Per-request DataLoaders: one per batchable operation (and per set of the
 * other arguments), so all the keys one tick asks for go out as a single
 * `invokeMany`, deduplicated. Built per request so nothing leaks between callers.
 */
import DataLoader from 'dataloader';
import type { Args, CallContext, Operation } from '../sources/common/index.js';

export interface Loaders {
  /**
   * Calls `operation` for `args` through its batch when it has one and the
   * key argument is a single value; otherwise invokes it directly.
   */
  call(source: string, operation: Operation, args: Args, ctx: CallContext): Promise<unknown>;
}

/** Keys are matched by string form, as sources/common/batch.ts does: "42" and 42 are one key. */
function keyOf(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

export function createLoaders(): Loaders {
  const loaders = new Map<string, DataLoader<unknown, unknown, string>>();
  return {
    call(source, operation, args, ctx) {
      const batch = operation.batch;
      const key = batch === undefined ? undefined : args[batch.key];
      if (batch === undefined || key === undefined || key === null || Array.isArray(key)) return operation.invoke(args, ctx);
      const { [batch.key]: _key, ...rest } = args;
      // Keys share one batch only when every other argument is the same.
      const loaderId = `${source}\u0000${operation.name}\u0000${JSON.stringify(rest)}`;
      let loader = loaders.get(loaderId);
      if (loader === undefined) {
        // A batch of one goes to the single operation: the same one call, with
        // that operation's own answer (a 404 stays SOURCE_NOT_FOUND, not a null).
        const single = async (key: unknown): Promise<unknown[]> => [await operation.invoke({ ...rest, [batch.key]: key }, ctx).catch((error: unknown) => error)];
        loader = new DataLoader<unknown, unknown, string>((keys) => (keys.length === 1 ? single(keys[0]) : batch.invokeMany(keys, ctx, rest)), {
          cacheKeyFn: keyOf,
          ...(batch.maxKeys === undefined ? {} : { maxBatchSize: batch.maxKeys }),
        });
        loaders.set(loaderId, loader);
      }
      return loader.load(key);
    },
  };
}
