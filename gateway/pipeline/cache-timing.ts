/**
 * How long a cached answer lives. Sources that report their answers' HTTP
 * headers (REST, through CallContext.exchange) follow them, read by
 * http-cache-semantics as a shared cache would (RFC 9111): max-age,
 * s-maxage, Expires, no-store, private, no-cache, and ETag / Last-Modified
 * for revalidation. Sources that report nothing (SOAP, gRPC) live the
 * configured `ttlMs`.
 */
import HttpCachePolicy from 'http-cache-semantics';
import type { ExchangeResponse } from '../../sources/common/index.js';
import type { CachePolicy } from './options.js';

/**
 * How long an answer with a validator (ETag, Last-Modified) is kept after it
 * goes stale, so the next read asks "has it changed?" (a 304 costs a call
 * but no body) instead of fetching it whole. 5 minutes.
 */
export const REVALIDATE_WINDOW_MS = 300_000;

/** When an answer stops being fresh and when the store drops it, in ms since the epoch. */
export interface Timing {
  readonly freshUntil: number;
  readonly staleUntil: number;
  /** http-cache-semantics' policy object, kept for revalidation; only for an answer to its own single call that has a validator. */
  readonly http?: unknown;
}

/** Members of http-cache-semantics 4.3 that its @types (4.0) do not declare. */
interface PolicyFreshness {
  maxAge(): number;
  age(): number;
}

/** The stale window past freshness: the longer of stale-while-revalidate and stale-if-error. */
function staleWindowMs(rules: CachePolicy): number {
  return Math.max(rules.staleWhileRevalidateMs, rules.staleIfErrorMs);
}

/** Timing of an answer from a source without caching headers; undefined when it must not be stored. */
export function ttlTiming(rules: CachePolicy, now: number): Timing | undefined {
  if (rules.ttlMs <= 0) return undefined;
  const freshUntil = now + rules.ttlMs;
  return { freshUntil, staleUntil: freshUntil + staleWindowMs(rules) };
}

/** Timing of a "not found" answer: kept `notFoundTtlMs`, never served stale. */
export function notFoundTiming(rules: CachePolicy, now: number): Timing | undefined {
  return rules.notFoundTtlMs > 0
    ? { freshUntil: now + rules.notFoundTtlMs, staleUntil: now + rules.notFoundTtlMs }
    : undefined;
}

/**
 * http-cache-semantics' view of the request: the source's description plus
 * a stand-in Authorization when credentials went with it (a shared cache
 * stores those answers only when they say `public` or `s-maxage`). No
 * credential ever reaches the policy object, which the store keeps.
 */
function requestOf(exchange: ExchangeResponse): HttpCachePolicy.Request {
  const { request } = exchange;
  return {
    method: request.method,
    url: request.url,
    headers: request.authenticated
      ? { ...request.headers, authorization: 'credentials' }
      : { ...request.headers },
  };
}

function responseOf(exchange: ExchangeResponse): HttpCachePolicy.Response {
  return { status: exchange.status, headers: exchange.headers as HttpCachePolicy.Headers };
}

function hasValidator(headers: ExchangeResponse['headers']): boolean {
  return headers.etag !== undefined || headers['last-modified'] !== undefined;
}

function timingOfPolicy(
  policy: HttpCachePolicy,
  headers: ExchangeResponse['headers'],
  rules: CachePolicy,
  now: number,
  keepPolicy: boolean,
): Timing | undefined {
  if (!policy.storable()) return undefined;
  const explicit = headers['cache-control'] !== undefined || headers.expires !== undefined;
  // An answer that says nothing about freshness lives the configured ttlMs (0 by default: not kept).
  const { maxAge, age } = policy as unknown as PolicyFreshness;
  const freshMs = explicit
    ? Math.max(0, Math.round((maxAge.call(policy) - age.call(policy)) * 1000))
    : rules.ttlMs;
  const validator = keepPolicy && hasValidator(headers);
  if (freshMs <= 0 && !validator) return undefined;
  const freshUntil = now + freshMs;
  const staleUntil =
    freshUntil + Math.max(staleWindowMs(rules), validator ? REVALIDATE_WINDOW_MS : 0);
  return validator
    ? { freshUntil, staleUntil, http: policy.toObject() }
    : { freshUntil, staleUntil };
}

/**
 * Timing of an answer whose HTTP exchange the source reported. `private`
 * answers are stored only for a known caller (a private cache per caller).
 * @param ownCall the answer is to its own single request, so its validators may be replayed for it
 */
export function httpTiming(
  exchange: ExchangeResponse,
  rules: CachePolicy,
  now: number,
  options: { ownCall: boolean; caller?: string },
): Timing | undefined {
  const policy = new HttpCachePolicy(requestOf(exchange), responseOf(exchange), {
    shared: options.caller === undefined,
  });
  return timingOfPolicy(policy, exchange.headers, rules, now, options.ownCall);
}

/** The conditional headers that ask whether a stored answer changed, or undefined when it has no validator. */
export function validatorsOf(http: unknown): Record<string, string> | undefined {
  try {
    const policy = HttpCachePolicy.fromObject(http as HttpCachePolicy.CachePolicyObject);
    const stored = http as { u?: string; m?: string };
    const headers = policy.revalidationHeaders({ url: stored.u, method: stored.m, headers: {} });
    const validators: Record<string, string> = {};
    for (const name of ['if-none-match', 'if-modified-since'] as const) {
      const value = headers[name];
      if (typeof value === 'string') validators[name] = value;
    }
    return Object.keys(validators).length > 0 ? validators : undefined;
  } catch {
    // An entry written by another version of the library: fetch it whole.
    return undefined;
  }
}

/** Timing after a 304: the stored policy updated with the revalidation's headers. */
export function revalidatedTiming(
  http: unknown,
  exchange: ExchangeResponse,
  rules: CachePolicy,
  now: number,
): Timing | undefined {
  try {
    const stored = HttpCachePolicy.fromObject(http as HttpCachePolicy.CachePolicyObject);
    const { policy } = stored.revalidatedPolicy(requestOf(exchange), responseOf(exchange));
    // The stored headers updated with the 304's: a 304 may leave out Cache-Control.
    return timingOfPolicy(policy, policy.responseHeaders(), rules, now, true);
  } catch {
    return undefined;
  }
}
