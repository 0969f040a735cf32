/**
 * Tells the other instances' memory tiers which keys to drop, over Redis
 * pub/sub on the channel `<keyPrefix>invalidations`, with a connection of
 * its own (a subscribed connection can run no other command).
 *
 * Pub/sub is at-most-once: a message sent while an instance is
 * disconnected never reaches it. So the bus says whether it is `listening`;
 * when the subscription drops it reports a gap (the memory tier is cleared
 * and bypassed until the subscription is back), and the memory tier's own
 * TTL (memoryTierTtlMs) bounds what a message lost without a disconnect
 * could cost. Messages are JSON `{ from, keys }`; an instance ignores its
 * own and anything malformed.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { RedisClient } from './redis-connection.js';

/** Keys per published message, so one huge invalidation does not make one huge message. */
const KEYS_PER_MESSAGE = 500;
/** A message longer than this (UTF-16 code units) is not ours; ignored. 1 MiB. */
const MAX_MESSAGE_LENGTH = 1024 * 1024;

export interface InvalidationBus {
  /** True while subscribed: another instance's invalidation reaches this one. */
  readonly listening: boolean;
  /** Tells every other instance to drop `keys` (store keys) from its memory tier. */
  publish(keys: readonly string[]): Promise<void>;
  /** Unsubscribes. Safe twice. */
  close(): Promise<void>;
}

export interface InvalidationBusOptions {
  /** Runs PUBLISH (the command connection). */
  readonly publisher: RedisClient;
  /** Dedicated to SUBSCRIBE. */
  readonly subscriber: RedisClient;
  readonly channel: string;
  readonly logger: Logger;
  /** Another instance deleted `keys`. */
  onKeys(keys: readonly string[]): void;
  /** Messages may have been lost (the subscription dropped): forget everything held locally. */
  onGap(): void;
}

function parseMessage(message: string): { from: string; keys: string[] } | undefined {
  if (message.length > MAX_MESSAGE_LENGTH) return undefined;
  try {
    const parsed: unknown = JSON.parse(message);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { from, keys } = parsed as { from?: unknown; keys?: unknown };
    if (
      typeof from !== 'string' ||
      !Array.isArray(keys) ||
      !keys.every((key) => typeof key === 'string')
    )
      return undefined;
    return { from, keys };
  } catch {
    return undefined;
  }
}

/** Subscribes (in the background when Redis is not there yet) and returns the bus. */
export function startInvalidationBus(options: InvalidationBusOptions): InvalidationBus {
  const instance = randomUUID();
  const { subscriber, channel } = options;
  let listening = false;
  let subscribed = false;
  let closed = false;

  const lost = (): void => {
    if (!listening) return;
    listening = false;
    options.onGap();
  };
  subscriber.on('error', () => {
    if (!subscriber.isReady) lost();
  });
  subscriber.on('end', lost);
  // node-redis subscribes again before 'ready' on a reconnection.
  subscriber.on('ready', () => {
    if (subscribed && !closed) listening = true;
  });

  const onMessage = (message: string): void => {
    const parsed = parseMessage(message);
    if (parsed === undefined) {
      options.logger.debug('read cache: ignored a malformed invalidation message', { channel });
      return;
    }
    if (parsed.from !== instance && parsed.keys.length > 0) options.onKeys(parsed.keys);
  };
  subscriber.subscribe(channel, onMessage).then(
    () => {
      subscribed = true;
      if (!closed && subscriber.isReady) listening = true;
    },
    (error: unknown) =>
      options.logger.warn(
        'read cache: could not subscribe to the invalidation channel; the memory tier stays off',
        { channel, error },
      ),
  );

  return {
    get listening() {
      return listening;
    },
    async publish(keys) {
      for (let start = 0; start < keys.length; start += KEYS_PER_MESSAGE) {
        await options.publisher.publish(
          channel,
          JSON.stringify({ from: instance, keys: keys.slice(start, start + KEYS_PER_MESSAGE) }),
        );
      }
    },
    async close() {
      closed = true;
      listening = false;
    },
  };
}
