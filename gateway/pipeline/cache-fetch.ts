/**
 * One read the cache step lets out to the backend: take the ticket, call the
 * next step with the keys nobody has (and, for a single stale entry with a
 * validator, If-None-Match), store each answered key on its own, and settle
 * every request waiting on those keys (single-flight).
 */
import {
  isSourceError,
  NOT_MODIFIED,
  SourceError,
  type CallExchange,
  type ExchangeResponse,
} from '../../sources/common/index.js';
import type { CacheEntry, CacheWrite, ReadCache } from '../cache/index.js';
import type { Logger } from '../logger.js';
import type { Call, Invoke } from './call.js';
import {
  httpTiming,
  notFoundTiming,
  revalidatedTiming,
  ttlTiming,
  validatorsOf,
  type Timing,
} from './cache-timing.js';
import type { CachePolicy } from './options.js';
import type { FlightOutcome } from './single-flight.js';

/** What a led read needs from its step. */
export interface ReadParts {
  readonly source: string;
  readonly cache: ReadCache;
  readonly logger: Logger;
  /** Remembers whether an operation's source reports HTTP exchanges (REST does, SOAP and gRPC do not). */
  noteExchange(operation: string, reported: boolean): void;
}

/** One key of a led read: its cache key, its tags, and the stale entry it replaces, if any. */
export interface ReadSlot {
  readonly key: string;
  readonly tags: readonly string[];
  readonly stale?: CacheEntry;
}

function isNotFound(error: unknown): boolean {
  return isSourceError(error) && error.code === 'SOURCE_NOT_FOUND';
}

function entryOf(
  value: unknown,
  timing: Timing,
  tags: readonly string[],
  now: number,
  notFound: boolean,
): CacheEntry {
  return {
    value,
    ...(notFound ? { notFound: true } : {}),
    storedAt: now,
    freshUntil: timing.freshUntil,
    staleUntil: timing.staleUntil,
    tags,
    ...(timing.http === undefined ? {} : { http: timing.http }),
  };
}

/**
 * Leads the read of `slots` (the keys of `call`, in order; one for a single
 * call) and settles `settle[i]` with each key's outcome. Never rejects.
 */
export async function leadRead(
  parts: ReadParts,
  init: {
    call: Call;
    next: Invoke;
    rules: CachePolicy;
    slots: readonly ReadSlot[];
    settle: ReadonlyArray<(outcome: FlightOutcome) => void>;
  },
): Promise<void> {
  const { call, next, rules, slots, settle } = init;
  const { operation } = call;
  // Validators only for a read of one key: its stored policy is its own request's.
  const stale = slots.length === 1 ? slots[0]?.stale : undefined;
  const validators = stale?.http === undefined ? undefined : validatorsOf(stale.http);
  let reported: ExchangeResponse | undefined;
  const exchange: CallExchange = {
    ...(validators === undefined ? {} : { validators }),
    onResponse: (response) => void (reported = response),
  };
  const outcomes: FlightOutcome[] = [];
  const writes: CacheWrite[] = [];
  try {
    const ticket = await parts.cache.ticket([...new Set(slots.flatMap((slot) => slot.tags))]);
    try {
      const answer = await next({ ...call, ctx: { ...call.ctx, exchange } });
      parts.noteExchange(operation.name, reported !== undefined);
      const items = call.kind === 'single' ? [answer] : answer;
      if (!Array.isArray(items) || items.length !== slots.length) {
        throw new SourceError({
          code: 'SOURCE_BATCH_CONTRACT',
          source: parts.source,
          operation: operation.name,
          safeMessage: `${parts.source}.${operation.name} should answer ${slots.length} keys in order, instead got ${Array.isArray(items) ? items.length : typeof items}.`,
        });
      }
      const now = Date.now();
      const timingOf = (): Timing | undefined =>
        reported === undefined
          ? ttlTiming(rules, now)
          : httpTiming(reported, rules, now, {
              ownCall: slots.length === 1,
              ...(call.ctx.caller === undefined ? {} : { caller: call.ctx.caller }),
            });
      let timing: Timing | undefined | null = null; // worked out once, on the first value
      items.forEach((item: unknown, index) => {
        const slot = slots[index] as ReadSlot;
        if (item === NOT_MODIFIED) {
          if (slot.stale === undefined || reported === undefined) {
            outcomes.push({
              ok: false,
              error: new SourceError({
                code: 'SOURCE_BAD_RESPONSE',
                source: parts.source,
                operation: operation.name,
                safeMessage: `${parts.source} answered ${operation.name} "not modified" to a request that asked nothing.`,
              }),
              cancelled: false,
            });
            return;
          }
          const revalidated = revalidatedTiming(slot.stale.http, reported, rules, now);
          if (revalidated !== undefined)
            writes.push({
              key: slot.key,
              entry: entryOf(slot.stale.value, revalidated, slot.tags, now, false),
              ticket,
            });
          outcomes.push({ ok: true, value: slot.stale.value });
          return;
        }
        if (item instanceof Error) {
          const kept = isNotFound(item) ? notFoundTiming(rules, now) : undefined;
          if (kept !== undefined)
            writes.push({
              key: slot.key,
              entry: entryOf(null, kept, slot.tags, now, true),
              ticket,
            });
          outcomes.push({ ok: false, error: item, cancelled: false });
          return;
        }
        if (item === null && call.kind === 'batch') {
          const kept = notFoundTiming(rules, now);
          if (kept !== undefined)
            writes.push({
              key: slot.key,
              entry: entryOf(null, kept, slot.tags, now, true),
              ticket,
            });
          outcomes.push({ ok: true, value: null, notFound: true });
          return;
        }
        if (timing === null) timing = timingOf();
        if (timing !== undefined)
          writes.push({
            key: slot.key,
            entry: entryOf(item, timing, slot.tags, now, false),
            ticket,
          });
        outcomes.push({ ok: true, value: item });
      });
    } catch (error) {
      const kept =
        call.kind === 'single' && isNotFound(error) ? notFoundTiming(rules, Date.now()) : undefined;
      const slot = slots[0];
      if (kept !== undefined && slot !== undefined)
        writes.push({
          key: slot.key,
          entry: entryOf(null, kept, slot.tags, Date.now(), true),
          ticket,
        });
      const failed: FlightOutcome = {
        ok: false,
        error,
        cancelled: call.ctx.signal?.aborted === true,
      };
      outcomes.length = 0;
      for (let index = 0; index < slots.length; index += 1) outcomes.push(failed);
    }
    if (writes.length > 0) await parts.cache.setMany(writes);
  } catch (error) {
    // The cache contract says it never rejects; if it did, the waiters must still hear.
    parts.logger.warn('The read cache failed while storing an answer', {
      source: parts.source,
      operation: operation.name,
      error,
    });
    while (outcomes.length < slots.length) outcomes.push({ ok: false, error, cancelled: false });
  } finally {
    settle.forEach((done, index) =>
      done(
        outcomes[index] ?? { ok: false, error: new Error('read not settled'), cancelled: false },
      ),
    );
  }
}
