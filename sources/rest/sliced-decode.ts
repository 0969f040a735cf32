/**
 * Maps a big answer in slices: the same result as codec.ts `decode`, but the
 * items of a long list (at the top, or under a few object levels such as
 * `{ items: […] }`) are mapped a slice at a time with the event loop free
 * between slices, so other requests keep flowing while 90,000 objects are
 * built. Small answers take the synchronous path and never wait.
 */
import { decode, ValueCount, type WrongValue } from './codec.js';
import { isObject } from './refs.js';
import type { TypeRef } from './shapes.js';

/** An answer of this many bytes or fewer is mapped in one go: it cannot hold enough to stall anything. */
export const SLICED_FROM_BYTES = 64 * 1024;
/** Values mapped between two yields: a few ms of work on a loaded machine. */
const SLICE_VALUES = 4_000;
/** A list this long or shorter is mapped in one go. */
const LONG_LIST = 256;
/**
 * How deep long lists are looked for (`[…]`, `{ items: […] }`,
 * `{ data: { items: […] } }`); below it everything is mapped synchronously.
 */
const SLICED_DEPTH = 4;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Wire JSON → subgraph shape, yielding to the event loop every SLICE_VALUES values.
 * @throws ValueLimitError when the answer maps more values than `count` allows
 */
export async function decodeInSlices(
  ref: TypeRef,
  value: unknown,
  wrong: WrongValue | undefined,
  count: ValueCount,
): Promise<unknown> {
  let sinceYield = count.seen;
  const walk = async (at: TypeRef, item: unknown, field: string, depth: number) => {
    const shape = at.shape;
    if (depth < SLICED_DEPTH && shape.kind === 'list' && Array.isArray(item)) {
      if (item.length <= LONG_LIST) return decode(at, item, wrong, field, count);
      count.add();
      const out: unknown[] = new Array(item.length);
      for (let i = 0; i < item.length; i += 1) {
        // An item is mapped whole and synchronously (no await per item): a slice ends after the item that fills it.
        out[i] = decode(shape.of, item[i], wrong, field, count);
        if (count.seen - sinceYield >= SLICE_VALUES) {
          await nextTurn();
          sinceYield = count.seen;
        }
      }
      return out;
    }
    if (depth < SLICED_DEPTH && shape.kind === 'object' && isObject(item)) {
      count.add();
      const out: Record<string, unknown> = {};
      for (const f of shape.fields)
        out[f.name] =
          f.wireName === '' ? null : await walk(f.type, item[f.wireName], f.name, depth + 1);
      return out;
    }
    // Scalars, enums, unions, nulls, wrong kinds and anything deep: exactly as decode does it.
    return decode(at, item, wrong, field, count);
  };
  return walk(ref, value, 'result', 0);
}
