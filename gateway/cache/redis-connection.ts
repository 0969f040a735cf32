/**
 * The two Redis connections of a read cache: one for commands, one
 * dedicated to the invalidation channel (a subscribed connection can run no
 * other command). Both use node-redis through `@keyv/redis`'s re-export.
 *
 * Failure behaviour, chosen so that a Redis outage costs misses, never
 * hangs or crashes:
 * - Start-up waits at most `connectTimeoutMs` for Redis, then goes on
 *   without it (one warning); the clients keep reconnecting in the
 *   background with capped backoff, forever.
 * - The command connection has no offline queue: while Redis is away a
 *   command fails at once (a miss) instead of waiting for the reconnection.
 * - Every command also has a timeout (`operationTimeoutMs`).
 * - 'error' events are logged through a FailureLog (one line, then a summary
 *   per minute), never left unhandled (an unhandled 'error' would crash).
 */
import { createClient } from '@keyv/redis';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { createFailureLog } from './failure-log.js';

/** One node-redis client as this module builds it (RESP2, no modules). */
function newClient(
  url: string,
  connectTimeoutMs: number,
  commands?: { operationTimeoutMs: number },
) {
  return createClient({
    url,
    socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: reconnectDelay },
    ...(commands === undefined
      ? {}
      : { disableOfflineQueue: true, commandOptions: { timeout: commands.operationTimeoutMs } }),
  });
}

export type RedisClient = ReturnType<typeof newClient>;

export interface RedisConnectionOptions {
  readonly url: string;
  readonly connectTimeoutMs: number;
  readonly operationTimeoutMs: number;
  readonly logger: Logger;
}

export interface RedisConnection {
  /** Commands (no offline queue, timeouts). */
  readonly client: RedisClient;
  /** The invalidation channel only; queues its SUBSCRIBE until connected. */
  readonly subscriber: RedisClient;
  /** Closes both connections. Safe twice. */
  close(): Promise<void>;
}

/** "host:port" of a Redis URL: what logs may show (never the credentials). */
export function redisTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return '(invalid url)';
  }
}

/** Reconnect after 100 ms, doubling up to 2 s, with jitter so instances do not reconnect in step. */
function reconnectDelay(retries: number): number {
  return Math.min(100 * 2 ** retries, 2_000) + Math.floor(Math.random() * 100);
}

/** Starts connecting; resolves true when ready within `ms`, false otherwise (the client keeps trying). */
async function connectWithin(client: RedisClient, ms: number): Promise<boolean> {
  const timer = new AbortController();
  const connected = client.connect().then(
    () => true,
    () => false,
  );
  const outcome = await Promise.race([
    connected,
    sleep(ms, false, { signal: timer.signal }).catch(() => false),
  ]);
  timer.abort();
  return outcome;
}

/** How long a graceful close may wait for replies still owed before the socket is destroyed. 1 s. */
const CLOSE_GRACE_MS = 1_000;

/**
 * Closes gracefully when connected (owed replies arrive first), at once
 * otherwise: node-redis's close() waits for its queue to drain, which never
 * happens for commands queued while Redis is away, nor when Redis hangs.
 */
async function closeClient(client: RedisClient): Promise<void> {
  if (!client.isOpen) return;
  if (!client.isReady) {
    client.destroy();
    return;
  }
  const timer = new AbortController();
  const closed = await Promise.race([
    client.close().then(
      () => true,
      () => false,
    ),
    sleep(CLOSE_GRACE_MS, false, { signal: timer.signal }).catch(() => false),
  ]);
  timer.abort();
  if (!closed && client.isOpen) client.destroy();
}

export async function connectRedis(options: RedisConnectionOptions): Promise<RedisConnection> {
  const target = redisTarget(options.url);
  const client = newClient(options.url, options.connectTimeoutMs, {
    operationTimeoutMs: options.operationTimeoutMs,
  });
  const subscriber = newClient(options.url, options.connectTimeoutMs);
  const connectionErrors = createFailureLog(options.logger, `redis ${target}`);
  client.on('error', (error: unknown) => connectionErrors.failed('connection', error));
  subscriber.on('error', (error: unknown) =>
    connectionErrors.failed('subscriber connection', error),
  );
  client.on('ready', () => connectionErrors.succeeded());

  const [ready] = await Promise.all([
    connectWithin(client, options.connectTimeoutMs),
    connectWithin(subscriber, options.connectTimeoutMs),
  ]);
  if (ready) {
    options.logger.info('read cache connected to redis', { redis: target });
  } else {
    options.logger.warn(
      'read cache: redis did not answer at start-up; serving misses until it does',
      { redis: target, connectTimeoutMs: options.connectTimeoutMs },
    );
  }
  let closing: Promise<void> | undefined;
  return {
    client,
    subscriber,
    close() {
      closing ??= Promise.all([closeClient(client), closeClient(subscriber)]).then(() => undefined);
      return closing;
    },
  };
}
