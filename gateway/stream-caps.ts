/**
 * Caps on open subscription streams: per client (by network address, until
 * callers have identities) and per source. A stream outlives any request
 * deadline, so without a cap one client can hold a backend's streams open
 * without end. Counted where the gateway opens a stream, around the
 * source's pipeline, and released when the stream ends for any reason
 * (the backend ends it, it fails, or the caller leaves and Yoga returns it).
 */
import { GatewayError } from './errors.js';
import type { Outbound } from './loaders.js';
import type { StreamCall } from './pipeline/index.js';

export interface StreamCapOptions {
  /** Open subscription streams one client (network address) may hold. @default 10 */
  readonly maxStreamsPerClient: number;
  /** Open subscription streams to one source across all clients. @default 100 */
  readonly maxStreamsPerSource: number;
}

export interface StreamCaps {
  /** `outbound` with its `subscribe` counted against `client`'s and the source's caps. */
  wrap(outbound: Outbound, source: string, client: string): Outbound;
  /** Streams open now, for tests and metrics. */
  open(): { perClient: ReadonlyMap<string, number>; perSource: ReadonlyMap<string, number> };
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}

/** The stream of `inner`, calling `release` once when it ends, fails or is returned. */
function releasing(inner: AsyncIterable<unknown>, release: () => void): AsyncIterable<unknown> {
  let released = false;
  const once = (): void => {
    if (released) return;
    released = true;
    release();
  };
  return {
    [Symbol.asyncIterator]() {
      const iterator = inner[Symbol.asyncIterator]();
      return {
        async next() {
          try {
            const step = await iterator.next();
            if (step.done === true) once();
            return step;
          } catch (error) {
            once();
            throw error;
          }
        },
        async return(value?: unknown) {
          once();
          return (await iterator.return?.(value)) ?? { done: true, value: undefined };
        },
        async throw(error?: unknown) {
          once();
          if (iterator.throw === undefined) throw error;
          return iterator.throw(error);
        },
      };
    },
  };
}

export function createStreamCaps(options: StreamCapOptions): StreamCaps {
  const perClient = new Map<string, number>();
  const perSource = new Map<string, number>();
  const refuse = (message: string, details: Record<string, string | number>): never => {
    throw new GatewayError({ code: 'SUBSCRIPTION_LIMIT_EXCEEDED', safeMessage: message, details });
  };
  return {
    wrap(outbound, source, client) {
      return {
        invoke: outbound.invoke,
        subscribe(call: StreamCall) {
          if ((perClient.get(client) ?? 0) >= options.maxStreamsPerClient) {
            refuse(
              `This client already has ${options.maxStreamsPerClient} subscriptions open; close one first.`,
              { limit: options.maxStreamsPerClient, scope: 'client' },
            );
          }
          if ((perSource.get(source) ?? 0) >= options.maxStreamsPerSource) {
            refuse(
              `${source} already serves ${options.maxStreamsPerSource} subscriptions through this gateway; try again later.`,
              { limit: options.maxStreamsPerSource, scope: 'source', source },
            );
          }
          increment(perClient, client, 1);
          increment(perSource, source, 1);
          const release = (): void => {
            increment(perClient, client, -1);
            increment(perSource, source, -1);
          };
          try {
            return releasing(outbound.subscribe(call), release);
          } catch (error) {
            release();
            throw error;
          }
        },
      };
    },
    open: () => ({ perClient, perSource }),
  };
}
