/**
 * Credentials a source presents to its backend, from config. Secrets come
 * from the environment in the config file; nothing here ever logs or returns
 * them in an error.
 */
import { SourceError } from './errors.js';
import type { HttpClient } from './http.js';

export type HttpAuthOptions =
  | { type: 'bearer'; token: string }
  | { type: 'apiKey'; in: 'header' | 'query'; name: string; value: string }
  | { type: 'basic'; username: string; password: string }
  | {
      type: 'oauth2ClientCredentials';
      /** The token endpoint, e.g. https://auth.example.com/oauth/token. */
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      scopes?: readonly string[];
    };

/** Adds credentials to one outgoing HTTP request. */
export interface HttpAuth {
  /** Mutates `headers` and `url` in place. Rejects with a SourceError when a token cannot be had. */
  apply(
    headers: Record<string, string>,
    url: URL,
    operation: string,
    signal?: AbortSignal,
  ): Promise<void>;
  /** Forget a cached token, after the backend answered 401 with it. */
  invalidate(): void;
}

/** A token is refreshed this long before the backend would expire it, in ms. */
const TOKEN_EXPIRY_MARGIN_MS = 30_000;

export function createHttpAuth(
  source: string,
  options: HttpAuthOptions | undefined,
  http: HttpClient,
): HttpAuth {
  if (options === undefined) return { apply: async () => {}, invalidate: () => {} };
  switch (options.type) {
    case 'bearer':
      return {
        apply: async (headers) => {
          headers.authorization = `Bearer ${options.token}`;
        },
        invalidate: () => {},
      };
    case 'basic': {
      const encoded = Buffer.from(`${options.username}:${options.password}`).toString('base64');
      return {
        apply: async (headers) => {
          headers.authorization = `Basic ${encoded}`;
        },
        invalidate: () => {},
      };
    }
    case 'apiKey':
      return {
        apply: async (headers, url) => {
          if (options.in === 'header') headers[options.name.toLowerCase()] = options.value;
          else url.searchParams.set(options.name, options.value);
        },
        invalidate: () => {},
      };
    case 'oauth2ClientCredentials':
      return createClientCredentials(source, options, http);
  }
}

function createClientCredentials(
  source: string,
  options: Extract<HttpAuthOptions, { type: 'oauth2ClientCredentials' }>,
  http: HttpClient,
): HttpAuth {
  let cached: { token: string; expiresAt: number } | undefined;
  // One fetch in flight at a time: concurrent calls share it instead of stampeding the token endpoint.
  let inflight: Promise<string> | undefined;

  const fetchToken = async (operation: string, signal?: AbortSignal): Promise<string> => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (options.scopes?.length) form.set('scope', options.scopes.join(' '));
    const basic = Buffer.from(
      `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
    ).toString('base64');
    const response = await http.send({
      operation,
      method: 'POST',
      url: new URL(options.tokenUrl),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${basic}`,
      },
      body: form.toString(),
      signal,
    });
    const failed = (why: string): SourceError =>
      new SourceError({
        code: 'SOURCE_UNAUTHENTICATED',
        source,
        operation,
        safeMessage: `${source} credentials could not be obtained: ${why}.`,
        details: { httpStatus: response.status },
      });
    if (response.status !== 200) throw failed(`the token endpoint answered ${response.status}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body.toString('utf8'));
    } catch (cause) {
      throw failed('the token endpoint did not answer JSON');
    }
    const { access_token: token, expires_in: expiresIn } = (parsed ?? {}) as {
      access_token?: unknown;
      expires_in?: unknown;
    };
    if (typeof token !== 'string' || token.length === 0)
      throw failed('the token endpoint answered no access_token');
    const lifetimeMs =
      typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn * 1000 : 3_600_000;
    cached = { token, expiresAt: Date.now() + Math.max(0, lifetimeMs - TOKEN_EXPIRY_MARGIN_MS) };
    return token;
  };

  return {
    async apply(headers, _url, operation, signal) {
      let token = cached && cached.expiresAt > Date.now() ? cached.token : undefined;
      if (token === undefined) {
        inflight ??= fetchToken(operation, signal).finally(() => {
          inflight = undefined;
        });
        token = await inflight;
      }
      headers.authorization = `Bearer ${token}`;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
