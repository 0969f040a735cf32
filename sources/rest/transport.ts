/**
 * The HTTP call of a REST source: the shared pooled client from
 * sources/common/http.ts, credentials from sources/common/auth.ts, one
 * retry after a 401 when the credentials are a token we can fetch again,
 * and every non-2xx answer turned into a SourceError (failure.ts): the status,
 * and for a caller-class 4xx the backend's cleaned reason.
 */
import {
  SourceError,
  createHttpAuth,
  createHttpClient,
  type CallContext,
  type HttpAuth,
  type HttpAuthOptions,
  type HttpClient,
  type HttpResponse,
  type SourceHealth,
} from '../common/index.js';
import { httpFailure } from './failure.js';
import type { BuiltRequest } from './request.js';

export interface RestTransportOptions {
  readonly source: string;
  /** Absolute base URL, or undefined when neither the config nor the contract names one. */
  readonly baseUrl: string | undefined;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  readonly auth?: HttpAuthOptions;
  readonly headers?: Readonly<Record<string, string>>;
  /** The declared health path under the base URL (2xx = healthy); without it any answer below 500 is. */
  readonly healthPath?: string;
}

export interface RestTransport {
  readonly baseUrl: string | undefined;
  /** Sends one request; resolves with a 2xx answer, rejects with a SourceError otherwise. */
  send(
    operation: string,
    method: string,
    built: BuiltRequest,
    ctx: CallContext,
  ): Promise<HttpResponse>;
  /** The declared health path answering 2xx, or without one any answer below 500 from the base URL, is up. Never rejects. */
  probe(timeoutMs: number): Promise<SourceHealth>;
  close(): Promise<void>;
}

/** Methods that are safe to send an Idempotency-Key with no effect: reads never carry one. */
const READ_METHODS = new Set(['get', 'head', 'options']);

export function isAbsoluteHttpUrl(url: string | undefined): url is string {
  return url !== undefined && /^https?:\/\/[^/]/i.test(url);
}

export function createRestTransport(options: RestTransportOptions): RestTransport {
  const { source } = options;
  // Created on first use: building a source (e.g. to print its subgraph) opens nothing.
  let client: HttpClient | undefined;
  let auth: HttpAuth | undefined;
  let closed = false;
  const http = (): HttpClient => {
    client ??= createHttpClient({
      source,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes,
    });
    return client;
  };
  const credentials = (): HttpAuth => {
    auth ??= createHttpAuth(source, options.auth, http());
    return auth;
  };
  const unavailable = (operation: string, safeMessage: string): SourceError =>
    new SourceError({ code: 'SOURCE_UNAVAILABLE', source, operation, safeMessage });

  // Worked out once, not per call: the configured headers in lower case.
  const fixedHeaders: Record<string, string> = {
    accept: 'application/json',
    ...lowerCase(options.headers),
  };

  const attempt = async (
    operation: string,
    method: string,
    built: BuiltRequest,
    ctx: CallContext,
  ): Promise<HttpResponse> => {
    const headers: Record<string, string> =
      ctx.exchange?.validators === undefined
        ? { ...fixedHeaders, ...built.headers }
        : { ...fixedHeaders, ...built.headers, ...conditional(ctx.exchange.validators) };
    if (ctx.requestId !== undefined) headers['x-request-id'] = ctx.requestId;
    if (ctx.propagation !== undefined) Object.assign(headers, ctx.propagation);
    if (ctx.idempotencyKey !== undefined && !READ_METHODS.has(method))
      headers['idempotency-key'] = ctx.idempotencyKey;
    let url = built.url;
    // Without credentials there is nothing to apply: no copy of the URL, no extra await (~5 µs a call).
    if (options.auth !== undefined) {
      // Credentials may add to the URL (an API key in the query): a copy keeps `built` as it was for a retry.
      url = new URL(built.url);
      await credentials().apply(headers, url, operation, ctx.signal);
    }
    return http().send({
      operation,
      method: method.toUpperCase(),
      url,
      headers,
      body: built.body,
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
    });
  };

  return {
    baseUrl: options.baseUrl,
    async send(operation, method, built, ctx) {
      if (closed) throw unavailable(operation, `${source} is closed.`);
      if (!isAbsoluteHttpUrl(options.baseUrl))
        throw unavailable(operation, `${source} has no backend URL configured.`);
      let response = await attempt(operation, method, built, ctx);
      if (response.status === 401 && options.auth?.type === 'oauth2ClientCredentials') {
        // The token may have been revoked before its expiry: fetch a new one and try once more.
        credentials().invalidate();
        response = await attempt(operation, method, built, ctx);
      }
      const { exchange } = ctx;
      const notModified = response.status === 304 && exchange?.validators !== undefined;
      if ((response.status >= 200 && response.status < 300) || notModified) {
        exchange?.onResponse({
          status: response.status,
          headers: response.headers,
          request: describeRequest(method, built, fixedHeaders, options.auth !== undefined),
        });
        return response;
      }
      throw httpFailure(source, operation, response);
    },
    async probe(timeoutMs) {
      const started = performance.now();
      const latency = (): number => Math.round(performance.now() - started);
      if (closed) return { ok: false, latencyMs: 0, message: `${source} is closed.` };
      if (!isAbsoluteHttpUrl(options.baseUrl))
        return { ok: false, latencyMs: 0, message: `${source} has no backend URL configured.` };
      try {
        // Joined by hand: new URL("/healthz", base) would drop the base URL's own path.
        const url =
          options.healthPath === undefined
            ? new URL(options.baseUrl)
            : new URL(`${options.baseUrl.replace(/\/+$/, '')}${options.healthPath}`);
        const headers = { ...fixedHeaders };
        const signal = AbortSignal.timeout(timeoutMs);
        // A declared health path is an API path: it gets the credentials a call would.
        if (options.healthPath !== undefined && options.auth !== undefined)
          await credentials().apply(headers, url, 'health', signal);
        const { status } = await http().send({
          operation: 'health',
          method: 'GET',
          url,
          headers,
          signal,
        });
        const healthy =
          options.healthPath === undefined ? status < 500 : status >= 200 && status < 300;
        return healthy
          ? { ok: true, latencyMs: latency() }
          : {
              ok: false,
              latencyMs: latency(),
              message: `${source} answered HTTP ${status} to its health check.`,
            };
      } catch (error) {
        return {
          ok: false,
          latencyMs: latency(),
          message:
            error instanceof SourceError ? error.safeMessage : `${source} could not be reached.`,
        };
      }
    },
    async close() {
      closed = true;
      await client?.close();
    },
  };
}

/** Only the conditional headers a cache may ask for: nothing else can be slipped into a request this way. */
function conditional(validators: Readonly<Record<string, string>>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ['if-none-match', 'if-modified-since']) {
    const value = validators[name];
    if (value !== undefined) headers[name] = value.replace(/[\r\n]/g, ' ');
  }
  return headers;
}

/** The request for the cache's eyes: path and query without the origin, no credentials, no cookies. */
function describeRequest(
  method: string,
  built: BuiltRequest,
  fixed: Readonly<Record<string, string>>,
  authenticated: boolean,
): { method: string; url: string; headers: Record<string, string>; authenticated: boolean } {
  const { cookie: _cookie, ...headers } = { ...fixed, ...built.headers };
  return {
    method: method.toUpperCase(),
    url: `${built.url.pathname}${built.url.search}`,
    headers,
    authenticated,
  };
}

function lowerCase(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
}
