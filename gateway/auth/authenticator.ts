/**
 * The edge's one authentication step: Authorization header(s) in, a Caller
 * or a refusal out, once per request before Yoga. Also serves the public
 * keys at /.well-known/jwks.json. Built once per gateway: the key ring, the
 * verifiers (with each identity provider's cached keys) and the revocation
 * list live here; the list's refresh also reloads the key file, so a
 * `keys rotate` reaches a running gateway within the same bound.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { json } from '../http/responses.js';
import type { Logger } from '../logger.js';
import type { GatewayError } from '../errors.js';
import { anonymousCaller, type Caller } from './caller.js';
import { authError } from './errors.js';
import { loadKeys, openTokenStore, type AuthConfig } from './config.js';
import { keyRing, type KeyRing } from './keys.js';
import { presentedToken } from './bearer.js';
import { startRevocationList, type RevocationList } from './revocations.js';
import { createVerifier } from './verify.js';

export interface Authenticator {
  /** A Caller, or the 400/401/503 answer to send instead. Never throws. */
  authenticate(authorization: readonly string[], address: string): Promise<Caller | Response>;
  /** GET /.well-known/jwks.json: public keys only. */
  jwks(): Response;
  close(): Promise<void>;
}

export const JWKS_PATH = '/.well-known/jwks.json';
/** Five minutes: a verifier picks up a rotated key soon, and on an unknown `kid` it refetches anyway. */
const JWKS_MAX_AGE_SECONDS = 300;
const REALM = 'realm="switchboard"';

function refusal(status: number, code: string, message: string, challenge: string): Response {
  return json(
    status,
    { errors: [{ message, extensions: { code } }] },
    { 'www-authenticate': challenge, 'cache-control': 'no-store' },
  );
}

/** RFC 6750 §3: the challenge for each outcome; the error description is coarse on purpose. */
function refuse(error: GatewayError): Response {
  switch (error.code) {
    case 'AUTH_TOKEN_MISSING':
      return refusal(
        401,
        error.code,
        'This endpoint needs a bearer token (Authorization: Bearer <token>).',
        `Bearer ${REALM}`,
      );
    case 'AUTH_ISSUER_UNAVAILABLE':
      return refusal(503, error.code, error.safeMessage, `Bearer ${REALM}`);
    case 'AUTH_TOKEN_EXPIRED':
      return refusal(
        401,
        error.code,
        error.safeMessage,
        `Bearer ${REALM}, error="invalid_token", error_description="The token expired"`,
      );
    case 'AUTH_TOKEN_REVOKED':
      return refusal(
        401,
        error.code,
        error.safeMessage,
        `Bearer ${REALM}, error="invalid_token", error_description="The token was revoked"`,
      );
    default:
      return refusal(
        401,
        'AUTH_TOKEN_INVALID',
        'The bearer token is not valid.',
        `Bearer ${REALM}, error="invalid_token"`,
      );
  }
}

export async function createAuthenticator(
  config: AuthConfig,
  logger: Logger,
): Promise<Authenticator> {
  const anonymousScopes: ReadonlySet<string> = new Set(config.anonymousScopes);
  let ring: KeyRing;
  /** When the next live key retires: the ring is rebuilt then, so a retired key stops verifying on time. */
  let nextRetirement = Infinity;
  const build = async (): Promise<void> => {
    const now = Date.now();
    const keys = (await loadKeys(config, { create: false, now })) ?? [];
    ring = await keyRing(keys, now);
    nextRetirement = Math.min(
      ...keys.map((key) =>
        key.retiresAt !== null && key.retiresAt > now ? key.retiresAt : Infinity,
      ),
    );
  };
  await build();
  let keyFileVersion = '';
  const reloadKeys = async (): Promise<void> => {
    let changed = Date.now() >= nextRetirement;
    if (config.keySource === 'file') {
      const info = await stat(resolve(config.keyFile)).catch(() => undefined);
      const version = info === undefined ? '' : `${info.mtimeMs}:${info.size}:${info.ino}`;
      if (version !== keyFileVersion) changed = true;
      keyFileVersion = version;
    }
    if (changed) await build();
  };
  const revocations: RevocationList = await startRevocationList({
    open: () => openTokenStore(config, { create: false }),
    refreshMs: config.revocationRefreshMs,
    logger,
    onTick: reloadKeys,
  });
  const verify = createVerifier({
    own: { issuer: config.issuer, audience: config.audience, getKey: () => ring.getKey },
    trusted: config.trustedIssuers,
    clockToleranceSeconds: config.clockToleranceSeconds,
  });
  const invalidHeader = (): Response =>
    refusal(
      400,
      'AUTH_HEADER_INVALID',
      'The Authorization header is not one "Bearer <token>".',
      `Bearer ${REALM}, error="invalid_request"`,
    );

  return {
    async authenticate(authorization, address) {
      const presented = presentedToken(authorization);
      if (presented.kind === 'malformed') return invalidHeader();
      if (presented.kind === 'other-scheme')
        return refusal(
          401,
          'AUTH_HEADER_INVALID',
          'Only bearer tokens are accepted (Authorization: Bearer <token>).',
          `Bearer ${REALM}`,
        );
      if (presented.kind === 'none') {
        return config.allowAnonymous
          ? anonymousCaller(address, anonymousScopes)
          : refuse(authError('AUTH_TOKEN_MISSING', 'This endpoint needs a bearer token.'));
      }
      try {
        const token = await verify(presented.token);
        if (token.own && revocations.has(token.jti))
          return refuse(authError('AUTH_TOKEN_REVOKED', 'The bearer token was revoked.'));
        return {
          kind: 'token',
          id: token.jti,
          partner: token.subject,
          scopes: token.scopes,
          issuer: token.issuer,
          address,
          ...(token.plan === undefined ? {} : { plan: token.plan }),
        };
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        // The code only: never the token, its claims or jose's message (which can quote a claim).
        logger.debug('bearer token refused', { code });
        return refuse(
          typeof code === 'string' && code.startsWith('AUTH_')
            ? (error as GatewayError)
            : authError('AUTH_TOKEN_INVALID', 'The bearer token is not valid.', error),
        );
      }
    },
    jwks() {
      return json(200, ring.jwks, {
        'cache-control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
        'content-type': 'application/jwk-set+json',
      });
    },
    close: () => revocations.close(),
  };
}
