/**
 * The read cache step, first in the pipeline: a hit costs no backend call and
 * counts against nothing below it (breaker, bulkhead, rate limit, retry
 * budget). Only query operations are cached; writes pass straight through
 * and the schema's @invalidates drops what they touched (docs/cache.md).
 *
 * A batch is looked up key by key: the next step is called with the keys
 * that are missing only (fewer keys, or no call at all), each answered key is
 * stored on its own, and the answer is merged back in key order (the
 * DataLoader contract). Identical reads in flight at once from different
 * requests go out once (single-flight, per key).
 *
 * Past its freshness an entry is still served for `staleWhileRevalidateMs`
 * (one refresh runs in the background) and, when the backend fails or its
 * circuit is open, for `staleIfErrorMs`, with a CACHE_STALE notice.
 */
import { SourceError, isSourceError } from '../../sources/common/index.js';
import type { CacheEntry } from '../cache/index.js';
import type { BatchCall, Call, Invoke } from './call.js';
import { leadRead, type ReadParts, type ReadSlot } from './cache-fetch.js';
import { cacheKey, entityTags } from './cache-keys.js';
import { operationPolicy, type CachePolicy } from './options.js';
import { createFlights, type FlightOutcome, type Flights } from './single-flight.js';
import type { StepFactory } from './step.js';

/** Failures a stale entry may stand in for: the backend is down, slow, or its circuit is open. */
const STALE_IF = new Set(['SOURCE_UNAVAILABLE', 'SOURCE_TIMEOUT']);

/** The call whose keys are those at `indices` (a single call is its own only key). */
function subset(call: Call, indices: readonly number[]): Call {
  return call.kind === 'single'
    ? call
    : { ...call, keys: indices.map((index) => call.keys[index]) };
}

/** Each key's place: what the call's arguments are for that key alone. */
function slotKeys(source: string, call: Call): Array<{ key: string; tags: string[] }> {
  const { entity } = call;
  if (call.kind === 'single') {
    return [
      {
        key: cacheKey(source, call.operation.name, call.args, call.ctx.caller),
        tags: entity === undefined ? [] : entityTags(entity.type, call.args[entity.argument]),
      },
    ];
  }
  const argument = (call.operation.batch as NonNullable<BatchCall['operation']['batch']>).key;
  return call.keys.map((value) => ({
    // Keyed as the single operation called with that key, so a single call finds what a batch stored.
    key: cacheKey(
      source,
      call.operation.name,
      { ...call.args, [argument]: value },
      call.ctx.caller,
    ),
    tags: entity === undefined ? [] : entityTags(entity.type, value),
  }));
}

export const createCacheStep: StepFactory = ({ source, policy, logger, cache, telemetry }) => {
  const metrics = telemetry?.metrics;
  if (cache === undefined) return { name: 'cache' };
  const flights: Flights = createFlights();
  // Operations seen to report no HTTP exchange: with ttlMs 0 they skip the cache entirely.
  const silent = new Set<string>();
  const parts: ReadParts = {
    source: source.name,
    cache,
    logger,
    noteExchange: (operation, reported) =>
      void (reported ? silent.delete(operation) : silent.add(operation)),
  };

  /** Leads the read of the keys at `indices`, registering each in flight; returns each key's outcome. */
  const lead = (
    call: Call,
    next: Invoke,
    rules: CachePolicy,
    slots: readonly ReadSlot[],
    indices: readonly number[],
    ctx = call.ctx,
  ): Array<Promise<FlightOutcome>> => {
    const mine = indices.map((index) => slots[index] as ReadSlot);
    const settle = flights.lead(mine.map((slot) => slot.key));
    const waits = mine.map((slot) => flights.get(slot.key) as Promise<FlightOutcome>);
    void leadRead(parts, {
      call: { ...subset(call, indices), ctx },
      next,
      rules,
      slots: mine,
      settle,
    });
    return waits;
  };

  /** stale-while-revalidate: one background refresh per key, bound to no request's signal or deadline. */
  const refresh = (
    call: Call,
    next: Invoke,
    rules: CachePolicy,
    slots: readonly ReadSlot[],
    indices: readonly number[],
  ): void => {
    const idle = indices.filter(
      (index) => flights.get((slots[index] as ReadSlot).key) === undefined,
    );
    if (idle.length === 0) return;
    const { requestId, caller } = call.ctx;
    lead(call, next, rules, slots, idle, {
      ...(requestId === undefined ? {} : { requestId }),
      ...(caller === undefined ? {} : { caller }),
    });
  };

  /** What a "not found" is for this call: an error for a single call or a batch of one (as the backend says it), null in a batch. */
  const notFound = (call: Call): unknown =>
    call.kind === 'batch' && call.keys.length > 1
      ? null
      : new SourceError({
          code: 'SOURCE_NOT_FOUND',
          source: source.name,
          operation: call.operation.name,
          safeMessage: `${source.name} does not know what ${call.operation.name} asked for.`,
        });

  const served = (entry: CacheEntry, call: Call): unknown =>
    entry.notFound === true ? notFound(call) : entry.value;

  const read = async (call: Call, next: Invoke, rules: CachePolicy): Promise<unknown> => {
    const keys = slotKeys(source.name, call);
    const entries = await cache.getMany(keys.map(({ key }) => key));
    const now = Date.now();
    const slots: ReadSlot[] = keys.map((slot, index) =>
      entries[index] === undefined ? slot : { ...slot, stale: entries[index] },
    );
    const results: unknown[] = new Array<unknown>(slots.length);
    const missing: number[] = [];
    const revalidate: number[] = [];
    slots.forEach(({ stale }, index) => {
      if (stale !== undefined && stale.freshUntil > now) results[index] = served(stale, call);
      else if (
        stale !== undefined &&
        stale.notFound !== true &&
        now < stale.freshUntil + rules.staleWhileRevalidateMs
      ) {
        results[index] = served(stale, call);
        revalidate.push(index);
      } else missing.push(index);
    });
    metrics?.observeCacheReads(source.name, call.operation.name, {
      hits: slots.length - missing.length - revalidate.length,
      misses: missing.length,
      revalidations: revalidate.length,
    });
    if (revalidate.length > 0) refresh(call, next, rules, slots, revalidate);
    let staleServed: { count: number; ageMs: number } | undefined;
    // Round two fetches for itself what a cancelled leader of another request left.
    for (let round = 0, pending = missing; pending.length > 0 && round < 2; round += 1) {
      const joined =
        round === 0
          ? pending.filter((index) => flights.get((slots[index] as ReadSlot).key) !== undefined)
          : [];
      const led = pending.filter((index) => !joined.includes(index));
      const waits = new Map<number, Promise<FlightOutcome>>(
        joined.map((index) => [
          index,
          flights.get((slots[index] as ReadSlot).key) as Promise<FlightOutcome>,
        ]),
      );
      if (led.length > 0)
        lead(call, next, rules, slots, led).forEach((wait, position) =>
          waits.set(led[position] as number, wait),
        );
      const again: number[] = [];
      for (const index of pending) {
        const outcome = await (waits.get(index) as Promise<FlightOutcome>);
        if (outcome.ok) {
          results[index] = outcome.notFound === true ? notFound(call) : outcome.value;
          continue;
        }
        if (
          outcome.cancelled &&
          round === 0 &&
          joined.includes(index) &&
          call.ctx.signal?.aborted !== true
        ) {
          again.push(index);
          continue;
        }
        const { stale } = slots[index] as ReadSlot;
        const error = outcome.error;
        if (
          isSourceError(error) &&
          error.code === 'SOURCE_NOT_FOUND' &&
          call.kind === 'batch' &&
          call.keys.length > 1
        ) {
          // Sent alone (the others were cached), the key went to the single operation; in this batch its place is what the batch says.
          results[index] = notFound(call);
          continue;
        }
        if (
          stale !== undefined &&
          stale.notFound !== true &&
          Date.now() < stale.freshUntil + rules.staleIfErrorMs &&
          isSourceError(error) &&
          STALE_IF.has(error.code)
        ) {
          results[index] = stale.value;
          const ageMs = Date.now() - stale.storedAt;
          staleServed = {
            count: (staleServed?.count ?? 0) + 1,
            ageMs: Math.max(staleServed?.ageMs ?? 0, ageMs),
          };
          continue;
        }
        results[index] = error instanceof Error ? error : new Error(String(error));
      }
      pending = again;
    }
    if (staleServed !== undefined) {
      metrics?.observeStaleServed(source.name, call.operation.name, staleServed.count);
      const seconds = Math.round(staleServed.ageMs / 1000);
      call.ctx.notify?.({
        code: 'CACHE_STALE',
        source: source.name,
        operation: call.operation.name,
        message: `${source.name} could not answer ${call.operation.name}; ${staleServed.count === 1 ? 'a cached answer' : `${staleServed.count} cached answers`} up to ${seconds} s old ${staleServed.count === 1 ? 'was' : 'were'} served instead.`,
        details: { ageMs: staleServed.ageMs, keys: staleServed.count },
      });
    }
    // A batch that failed as a whole, with nothing cached to show, fails as a whole (as it would without the cache).
    if (
      results.length > 0 &&
      results[0] instanceof Error &&
      results.every((result) => result === results[0])
    )
      throw results[0];
    if (call.kind === 'batch') return results;
    return results[0];
  };

  return {
    name: 'cache',
    invoke: (next) => (call) => {
      if (call.operation.kind !== 'query' || call.ctx.fresh === true) return next(call);
      const rules = operationPolicy(policy, call.operation.name).cache;
      if (
        !rules.enabled ||
        (rules.ttlMs <= 0 && rules.notFoundTtlMs <= 0 && silent.has(call.operation.name))
      )
        return next(call);
      return read(call, next, rules);
    },
    state: () => ({ readsInFlight: flights.size }),
  };
};
