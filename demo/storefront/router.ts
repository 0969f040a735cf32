/**
 * Matches method + path to a route of openapi.yaml. Hand-written because the
 * table is a dozen templates; a router package would add a dependency for
 * what one loop does.
 */
import type { JsonReply } from './respond.js';
import type { StorefrontStore } from './store.js';

export type Method = 'GET' | 'POST' | 'PATCH';

export interface RequestContext {
  /** Path parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body; `undefined` when there was none. */
  readonly body: unknown;
  readonly store: StorefrontStore;
  /** When the request arrived, for timestamps. */
  readonly now: Date;
  /** The Idempotency-Key the write came with, for the write log. */
  readonly idempotencyKey?: string | undefined;
}

export interface Route {
  readonly method: Method;
  /** An OpenAPI path template, e.g. "/products/{productId}". */
  readonly path: string;
  /** The operationId in openapi.yaml; calls are counted under it. */
  readonly operationId: string;
  /** Who may cache a GET answer: catalogue reads are public, customer data private. */
  readonly cache?: 'public' | 'private';
  handle(ctx: RequestContext): JsonReply;
}

export type RouteMatch =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  /** The path exists but not with this method. */
  | { kind: 'method-not-allowed'; allowed: Method[] }
  | { kind: 'none' };

interface Compiled {
  route: Route;
  /** Literal segments as text, parameters as `{ name }`. */
  segments: Array<string | { name: string }>;
}

function compile(route: Route): Compiled {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((segment) =>
      segment.startsWith('{') && segment.endsWith('}') ? { name: segment.slice(1, -1) } : segment,
    );
  return { route, segments };
}

function matchSegments(
  compiled: Compiled,
  parts: readonly string[],
): Record<string, string> | undefined {
  if (compiled.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of compiled.segments.entries()) {
    const part = parts[i] as string;
    if (typeof segment === 'string') {
      if (segment !== part) return undefined;
    } else {
      if (part === '') return undefined;
      try {
        params[segment.name] = decodeURIComponent(part);
      } catch {
        return undefined; // malformed percent-encoding names no resource
      }
    }
  }
  return params;
}

export interface Router {
  match(method: string, pathname: string): RouteMatch;
  readonly routes: readonly Route[];
}

export function createRouter(routes: readonly Route[]): Router {
  const compiled = routes.map(compile);
  return {
    routes,
    match(method, pathname) {
      const parts = pathname.split('/').slice(1);
      const allowed: Method[] = [];
      for (const candidate of compiled) {
        const params = matchSegments(candidate, parts);
        if (params === undefined) continue;
        if (candidate.route.method === method)
          return { kind: 'route', route: candidate.route, params };
        allowed.push(candidate.route.method);
      }
      return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'none' };
    },
  };
}
