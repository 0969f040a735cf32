/**
 * How the demo storefront is started. Every default lives in
 * STOREFRONT_DEFAULTS and is applied once, by resolveStorefrontOptions.
 */
import type { DemoSystemOptions } from '../common/system.js';

/** Credentials the storefront demands. Off unless a test asks for them. */
export type StorefrontAuthOptions =
  | {
      type: 'apiKey';
      /** Header that carries the key. @default "x-api-key" */
      header?: string;
      keys: readonly string[];
    }
  | { type: 'basic'; users: Readonly<Record<string, string>> }
  | {
      /** Bearer tokens issued by `POST /oauth/token` (client credentials grant). */
      type: 'oauth2';
      /** Client id → client secret. */
      clients: Readonly<Record<string, string>>;
      /** Lifetime of an issued token, in ms. @default 3600000 (1 hour) */
      tokenTtlMs?: number;
    };

export interface StorefrontRateLimitOptions {
  /** Requests one client address may make per window. @default 100000 */
  points: number;
  /** Length of the window, in ms (whole seconds). @default 1000 */
  durationMs: number;
}

export interface StorefrontOptions extends DemoSystemOptions {
  /** @default no auth */
  auth?: StorefrontAuthOptions;
  /** Per client address; generous by default so tests and benchmarks are not throttled. */
  rateLimit?: Partial<StorefrontRateLimitOptions>;
  /** Largest request body, in bytes; larger ones get 413. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
  /** `Cache-Control: public, max-age` of catalogue reads, in ms. @default 60000 */
  publicMaxAgeMs?: number;
  /** `Cache-Control: private, max-age` of customer and order reads, in ms. @default 5000 */
  privateMaxAgeMs?: number;
  /**
   * Send customer and order reads as `public` instead of `private`, as a
   * storefront behind one trusted gateway may; the gateway's cache tests use
   * it to see customer entries stored and dropped. @default false
   */
  shareCustomerReads?: boolean;
  /** How long an Idempotency-Key is remembered, in ms. @default 86400000 (24 hours) */
  idempotencyTtlMs?: number;
  /** Most Idempotency-Keys remembered at once; the oldest are forgotten first. @default 10000 */
  idempotencyMaxKeys?: number;
}

export interface ResolvedStorefrontConfig {
  port: number;
  host: string;
  auth: StorefrontAuthOptions | undefined;
  rateLimit: StorefrontRateLimitOptions;
  maxBodyBytes: number;
  publicMaxAgeMs: number;
  privateMaxAgeMs: number;
  shareCustomerReads: boolean;
  idempotencyTtlMs: number;
  idempotencyMaxKeys: number;
}

export const STOREFRONT_DEFAULTS = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  rateLimitPoints: 100_000,
  rateLimitDurationMs: 1_000, // 1 s
  maxBodyBytes: 1024 * 1024, // 1 MiB
  publicMaxAgeMs: 60_000, // 60 s
  privateMaxAgeMs: 5_000, // 5 s
  idempotencyTtlMs: 24 * 3_600_000, // 24 h
  idempotencyMaxKeys: 10_000,
  tokenTtlMs: 3_600_000, // 1 h
});

function positive(
  name: string,
  value: number | undefined,
  fallback: number,
  { integer = true, allowZero = false } = {},
): number {
  const chosen = value ?? fallback;
  const ok =
    Number.isFinite(chosen) &&
    (allowZero ? chosen >= 0 : chosen > 0) &&
    (!integer || Number.isInteger(chosen));
  if (!ok)
    throw new TypeError(
      `Storefront option ${name} should be a ${allowZero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}, instead got ${String(value)}.`,
    );
  return chosen;
}

/** Fills every default; throws a TypeError naming the option when one is out of range. */
export function resolveStorefrontOptions(
  options: StorefrontOptions = {},
): ResolvedStorefrontConfig {
  const durationMs = positive(
    'rateLimit.durationMs',
    options.rateLimit?.durationMs,
    STOREFRONT_DEFAULTS.rateLimitDurationMs,
  );
  // rate-limiter-flexible counts windows in seconds.
  if (durationMs % 1000 !== 0)
    throw new TypeError(
      `Storefront option rateLimit.durationMs should be whole seconds, instead got ${durationMs}.`,
    );
  const auth = options.auth;
  if (auth?.type === 'apiKey' && auth.keys.length === 0)
    throw new TypeError('Storefront option auth.keys should list at least one key.');
  if (auth?.type === 'oauth2')
    positive('auth.tokenTtlMs', auth.tokenTtlMs, STOREFRONT_DEFAULTS.tokenTtlMs);
  return {
    port: positive('port', options.port, STOREFRONT_DEFAULTS.port, { allowZero: true }),
    host: options.host ?? STOREFRONT_DEFAULTS.host,
    auth,
    rateLimit: {
      points: positive(
        'rateLimit.points',
        options.rateLimit?.points,
        STOREFRONT_DEFAULTS.rateLimitPoints,
      ),
      durationMs,
    },
    maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes, STOREFRONT_DEFAULTS.maxBodyBytes),
    publicMaxAgeMs: positive(
      'publicMaxAgeMs',
      options.publicMaxAgeMs,
      STOREFRONT_DEFAULTS.publicMaxAgeMs,
      { allowZero: true },
    ),
    privateMaxAgeMs: positive(
      'privateMaxAgeMs',
      options.privateMaxAgeMs,
      STOREFRONT_DEFAULTS.privateMaxAgeMs,
      { allowZero: true },
    ),
    shareCustomerReads: options.shareCustomerReads === true,
    idempotencyTtlMs: positive(
      'idempotencyTtlMs',
      options.idempotencyTtlMs,
      STOREFRONT_DEFAULTS.idempotencyTtlMs,
    ),
    idempotencyMaxKeys: positive(
      'idempotencyMaxKeys',
      options.idempotencyMaxKeys,
      STOREFRONT_DEFAULTS.idempotencyMaxKeys,
    ),
  };
}
