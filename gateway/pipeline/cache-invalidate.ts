/**
 * Dropping cached answers: by entity (everything cached about Product
 * "SKU-00042": its product, stock, price and item) or by one operation's
 * arguments. What `gateway.cache`, the schema's @invalidates and the write
 * path call; with Redis it reaches every instance (gateway/cache).
 */
import type { Args } from '../../sources/common/index.js';
import type { ReadCache } from '../cache/index.js';
import { cacheKey, entityTags } from './cache-keys.js';

/** Tags or keys sent to the store at once; a bigger invalidation (a bulk price update) goes in several. */
export const INVALIDATION_CHUNK = 1_000;

function chunks(items: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let start = 0; start < items.length; start += INVALIDATION_CHUNK)
    out.push(items.slice(start, start + INVALIDATION_CHUNK));
  return out;
}

/** What to drop. */
export type CacheTarget =
  /** Every answer tagged with one of these keys of an `@entity` type, e.g. `{ entity: 'Product', keys: ['SKU-00042'] }`. */
  | { readonly entity: string; readonly keys: readonly unknown[] }
  /** The answer of one operation to these arguments (as the subgraph names them); `caller` for a per-caller entry. */
  | {
      readonly source: string;
      readonly operation: string;
      readonly args: Args;
      readonly caller?: string;
    };

export interface CacheControl {
  /** Drops the targets' entries here and on every instance sharing the store. Resolves when done; never rejects. */
  invalidate(targets: CacheTarget | readonly CacheTarget[]): Promise<void>;
}

function isEntityTarget(target: CacheTarget): target is Extract<CacheTarget, { entity: string }> {
  return 'entity' in target;
}

/** @throws TypeError for a target that names nothing (a bug in the caller). */
export function createCacheControl(cache: ReadCache | undefined): CacheControl {
  return {
    async invalidate(targets) {
      const list: readonly CacheTarget[] = Array.isArray(targets)
        ? targets
        : [targets as CacheTarget];
      const tags: string[] = [];
      const keys: string[] = [];
      for (const target of list) {
        if (isEntityTarget(target)) {
          if (
            typeof target.entity !== 'string' ||
            target.entity === '' ||
            !Array.isArray(target.keys)
          )
            throw new TypeError(
              'cache.invalidate({ entity, keys }) needs an entity type name and an array of its keys.',
            );
          tags.push(...target.keys.flatMap((key) => entityTags(target.entity, key)));
        } else {
          if (
            typeof target.source !== 'string' ||
            typeof target.operation !== 'string' ||
            typeof target.args !== 'object' ||
            target.args === null
          ) {
            throw new TypeError(
              'cache.invalidate({ source, operation, args }) needs a source name, an operation name and its arguments.',
            );
          }
          keys.push(cacheKey(target.source, target.operation, target.args, target.caller));
        }
      }
      if (cache === undefined) return;
      for (const chunk of chunks([...new Set(tags)])) await cache.invalidateTags(chunk);
      for (const chunk of chunks([...new Set(keys)])) await cache.deleteKeys(chunk);
    },
  };
}
