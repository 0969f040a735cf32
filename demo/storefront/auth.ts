/**
 * The credentials the storefront may demand (off by default): a static API
 * key, HTTP basic, or bearer tokens from its own client-credentials token
 * endpoint (RFC 6749 §4.4). Secrets are compared in constant time and never
 * appear in an answer.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpProblem } from './problem.js';
import { STOREFRONT_DEFAULTS, type StorefrontAuthOptions } from './options.js';

/** Compares digests so neither length nor content leaks through timing. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** `{ id, secret }` from `Authorization: Basic …`, or undefined when absent or malformed. */
export function parseBasic(
  header: string | undefined,
  formDecode: boolean,
): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const id = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  if (!formDecode) return { id, secret };
  // RFC 6749 §2.3.1: client credentials in Basic are form-urlencoded first.
  try {
    const decode = (value: string): string => decodeURIComponent(value.replace(/\+/g, ' '));
    return { id: decode(id), secret: decode(secret) };
  } catch {
    return undefined;
  }
}

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds, as RFC 6749 §5.1 has it. */
  expires_in: number;
  scope?: string;
}

export interface AuthGuard {
  /** Who is calling ("anonymous" when auth is off); throws a 401 HttpProblem with WWW-Authenticate otherwise. */
  authenticate(req: IncomingMessage): string;
  /** Issues a token to a known client; undefined when the secret is wrong or auth is not oauth2. */
  issueToken(
    clientId: string,
    clientSecret: string,
    scope: string | undefined,
  ): IssuedToken | undefined;
  /** Whether `POST /oauth/token` exists. */
  readonly issuesTokens: boolean;
}

function unauthorized(challenge: string, detail: string): HttpProblem {
  return new HttpProblem(401, 'unauthorized', detail, {
    headers: { 'www-authenticate': challenge },
  });
}

export function createAuthGuard(
  options: StorefrontAuthOptions | undefined,
  now: () => number = Date.now,
): AuthGuard {
  const tokens = new Map<string, { clientId: string; expiresAt: number }>();
  const noTokens = (): undefined => undefined;
  if (options === undefined)
    return { authenticate: () => 'anonymous', issueToken: noTokens, issuesTokens: false };

  switch (options.type) {
    case 'apiKey': {
      const header = (options.header ?? 'x-api-key').toLowerCase();
      return {
        issuesTokens: false,
        issueToken: noTokens,
        authenticate(req) {
          const given = req.headers[header];
          const value = Array.isArray(given) ? given[0] : given;
          const index =
            value === undefined ? -1 : options.keys.findIndex((key) => sameSecret(value, key));
          if (index < 0)
            throw unauthorized(
              `ApiKey header="${header}"`,
              `A valid API key is required in the ${header} header.`,
            );
          return `apiKey#${index}`;
        },
      };
    }
    case 'basic':
      return {
        issuesTokens: false,
        issueToken: noTokens,
        authenticate(req) {
          const credentials = parseBasic(req.headers.authorization, false);
          const expected =
            credentials === undefined
              ? undefined
              : Object.hasOwn(options.users, credentials.id)
                ? options.users[credentials.id]
                : undefined;
          if (
            credentials === undefined ||
            expected === undefined ||
            !sameSecret(credentials.secret, expected)
          ) {
            throw unauthorized(
              'Basic realm="storefront", charset="UTF-8"',
              'Valid HTTP basic credentials are required.',
            );
          }
          return `user:${credentials.id}`;
        },
      };
    case 'oauth2': {
      const ttlMs = options.tokenTtlMs ?? STOREFRONT_DEFAULTS.tokenTtlMs;
      return {
        issuesTokens: true,
        issueToken(clientId, clientSecret, scope) {
          const expected = Object.hasOwn(options.clients, clientId)
            ? options.clients[clientId]
            : undefined;
          if (expected === undefined || !sameSecret(clientSecret, expected)) return undefined;
          const at = now();
          for (const [token, issued] of tokens) if (issued.expiresAt <= at) tokens.delete(token);
          const token = randomBytes(32).toString('base64url');
          tokens.set(token, { clientId, expiresAt: at + ttlMs });
          return {
            access_token: token,
            token_type: 'Bearer',
            expires_in: Math.floor(ttlMs / 1000),
            ...(scope ? { scope } : {}),
          };
        },
        authenticate(req) {
          const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(
            req.headers.authorization ?? '',
          );
          const issued = match?.[1] === undefined ? undefined : tokens.get(match[1]);
          if (issued === undefined)
            throw unauthorized(
              'Bearer realm="storefront"',
              'A bearer token from POST /oauth/token is required.',
            );
          if (issued.expiresAt <= now())
            throw unauthorized(
              'Bearer realm="storefront", error="invalid_token"',
              'The bearer token has expired; get a new one.',
            );
          return `client:${issued.clientId}`;
        },
      };
    }
  }
}
