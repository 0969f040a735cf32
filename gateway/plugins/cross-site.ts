/**
 * Cross-site requests: POST bodies are JSON only, so every POST is CORS
 * preflighted (CSRF prevention, see http/request-guard.ts), and CORS answers
 * only the configured origins. Yoga's own CORS default reflects any Origin
 * with credentials allowed; here the default allow-list is empty, which
 * sends no CORS header at all, so a browser on another origin reads nothing.
 */
import type { Plugin, YogaServerOptions } from 'graphql-yoga';
import { refuseBodyType } from '../http/request-guard.js';

export interface CorsOptions {
  /** Origins allowed to call from a browser, exactly as sent (`https://shop.example`). @default [] (none) */
  readonly allowedOrigins: readonly string[];
  /** Let those origins send cookies and HTTP auth (`Access-Control-Allow-Credentials`). @default false */
  readonly allowCredentials: boolean;
  /** How long a browser may keep a preflight answer, in ms (sent in whole seconds). @default 600000 (10 min) */
  readonly preflightMaxAgeMs: number;
}

/** Request headers a browser may send cross-site: what a GraphQL client needs, nothing more. */
const ALLOWED_HEADERS = ['content-type', 'accept', 'authorization', 'x-request-id'];

/** Yoga's `cors` option: CORS headers only for an allowed origin, never a reflected one. */
export function corsFor(
  options: CorsOptions,
): NonNullable<YogaServerOptions<object, object>['cors']> {
  if (options.allowedOrigins.length === 0) return false;
  const allowed = new Set(options.allowedOrigins);
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !allowed.has(origin)) return false;
    return {
      // One origin in the list: Yoga sends it as is and adds no Vary; we add Vary in useCrossSite.
      origin: [origin],
      methods: ['GET', 'POST'],
      allowedHeaders: ALLOWED_HEADERS,
      exposedHeaders: ['x-request-id'],
      credentials: options.allowCredentials,
      maxAge: Math.floor(options.preflightMaxAgeMs / 1000),
    };
  };
}

/**
 * Refuses a POST that is not JSON in UTF-8 with 415 before Yoga picks a
 * parser (it would take form-urlencoded and multipart bodies, which browsers
 * send cross-site without asking). Also on the node fast path, where the
 * router does not see the request.
 */
export function useCrossSite(): Plugin {
  return {
    onRequest({ request, endResponse }) {
      const refused = refuseBodyType(request.method, (name) => request.headers.get(name));
      if (refused !== undefined) endResponse(refused);
    },
    onResponse({ response }) {
      // The answer differs by Origin (CORS headers or none): shared caches must not mix them.
      response.headers.append('vary', 'Origin');
    },
  };
}
