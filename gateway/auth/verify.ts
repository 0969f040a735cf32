/**
 * Verifying a bearer token (RFC 8725). One verifier per trusted issuer: the
 * gateway itself (its key ring, ES256 only, `typ: at+jwt`) and each
 * configured identity provider (jose's remote JWKS: fetched on first use,
 * cached, fetched again on an unknown `kid` at most once per cooldown).
 *
 * The unverified `iss` only picks which verifier runs; that verifier then
 * checks everything again with its own keys: `alg` against its allow-list
 * (never `none`, never HS*: an HMAC token "signed" with our public key is
 * refused before any key is used), `iss`, `aud`, `exp` and `nbf` with the
 * leeway, `typ`, and the required claims. Failures keep only a coarse
 * reason; the token and its claims stay in `cause`, which never leaves.
 */
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { TrustedIssuer } from '../config/options.js';
import { GatewayError } from '../errors.js';
import { authError } from './errors.js';
import { SIGNING_ALGORITHM } from './keys.js';
import { TOKEN_TYPE } from './issue.js';

/** A token's facts once verified. */
export interface VerifiedToken {
  readonly issuer: string;
  readonly jti: string;
  readonly subject: string;
  readonly scopes: ReadonlySet<string>;
  readonly plan?: string;
  /** The gateway's own token (checked against the revocation list). */
  readonly own: boolean;
}

interface IssuerVerifier {
  readonly issuer: string;
  readonly own: boolean;
  verify(token: string): Promise<JWTPayload>;
  readonly scopesClaim: string;
  readonly algorithms: readonly string[];
}

export interface VerifierOptions {
  /** The gateway's own issuer, or undefined when it has no key. */
  readonly own: { issuer: string; audience: string; getKey: () => JWTVerifyGetKey };
  readonly trusted: readonly TrustedIssuer[];
  readonly clockToleranceSeconds: number;
  /** How long an identity provider's keys are reused before a refetch, in ms. @default 600000 */
  readonly jwksCacheMs?: number;
}

/** The three base64url parts of a compact JWS; a JWE (five parts) or anything else is refused before decoding. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const invalid = (cause?: unknown): GatewayError =>
  authError('AUTH_TOKEN_INVALID', 'The bearer token is not valid.', cause);

export function createVerifier(
  options: VerifierOptions,
): (token: string) => Promise<VerifiedToken> {
  const clockTolerance = options.clockToleranceSeconds;
  const required = ['jti', 'sub', 'exp', 'iat'];
  const verifiers = new Map<string, IssuerVerifier>();
  for (const provider of options.trusted) {
    const jwks = createRemoteJWKSet(new URL(provider.jwksUrl), {
      cacheMaxAge: options.jwksCacheMs ?? 600_000,
      cooldownDuration: provider.jwksCooldownMs,
      timeoutDuration: 5_000,
    });
    verifiers.set(provider.issuer, {
      issuer: provider.issuer,
      own: false,
      scopesClaim: provider.scopesClaim,
      algorithms: provider.algorithms,
      verify: async (token) =>
        (
          await jwtVerify(token, jwks, {
            issuer: provider.issuer,
            audience: provider.audience,
            algorithms: [...provider.algorithms],
            clockTolerance,
            requiredClaims: [...required, provider.scopesClaim],
            ...(provider.typ === null ? {} : { typ: provider.typ }),
          })
        ).payload,
    });
  }
  const { own } = options;
  // Our own issuer last: a provider may not shadow it, and config refuses nothing here, so the own entry wins.
  verifiers.set(own.issuer, {
    issuer: own.issuer,
    own: true,
    scopesClaim: 'scope',
    algorithms: [SIGNING_ALGORITHM],
    verify: async (token) =>
      (
        await jwtVerify(token, own.getKey(), {
          issuer: own.issuer,
          audience: own.audience,
          algorithms: [SIGNING_ALGORITHM],
          typ: TOKEN_TYPE,
          clockTolerance,
          requiredClaims: [...required, 'scope', 'nbf'],
        })
      ).payload,
  });

  return async (token) => {
    if (!COMPACT_JWS.test(token)) throw invalid();
    let issuer: unknown;
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
      issuer = decodeJwt(token).iss;
    } catch (cause) {
      throw invalid(cause);
    }
    const verifier = typeof issuer === 'string' ? verifiers.get(issuer) : undefined;
    // Checked here as well as by jose: a token with alg "none" or HS256 never reaches a key lookup.
    if (verifier === undefined || typeof alg !== 'string' || !verifier.algorithms.includes(alg))
      throw invalid();
    let payload: JWTPayload;
    try {
      payload = await verifier.verify(token);
    } catch (cause) {
      throw classify(cause);
    }
    const scopes = scopesOf(payload[verifier.scopesClaim]);
    if (
      scopes === undefined ||
      typeof payload.jti !== 'string' ||
      payload.jti === '' ||
      typeof payload.sub !== 'string' ||
      payload.sub === ''
    )
      throw invalid();
    const plan = typeof payload.plan === 'string' && payload.plan !== '' ? payload.plan : undefined;
    return {
      issuer: verifier.issuer,
      jti: payload.jti,
      subject: payload.sub,
      scopes,
      own: verifier.own,
      ...(plan === undefined ? {} : { plan }),
    };
  };
}

/** "a b c" (RFC 8693 `scope`) or ["a", "b"] (`scp`, as some providers send) → a set; anything else is undefined. */
function scopesOf(claim: unknown): ReadonlySet<string> | undefined {
  if (typeof claim === 'string') return new Set(claim.split(' ').filter((scope) => scope !== ''));
  if (Array.isArray(claim) && claim.every((scope) => typeof scope === 'string'))
    return new Set(claim as string[]);
  return undefined;
}

/** jose's reason → our coarse code: expired, the provider unreachable, or simply invalid. */
function classify(cause: unknown): GatewayError {
  if (cause instanceof errors.JWTExpired)
    return authError('AUTH_TOKEN_EXPIRED', 'The bearer token has expired.', cause);
  if (
    cause instanceof errors.JWKSTimeout ||
    (cause instanceof errors.JOSEError &&
      cause.code === 'ERR_JOSE_GENERIC' &&
      /fetch|JSON Web Key Set/i.test(cause.message)) ||
    cause instanceof TypeError
  ) {
    return authError(
      'AUTH_ISSUER_UNAVAILABLE',
      'The identity provider that issued the token cannot be reached to check it.',
      cause,
    );
  }
  return invalid(cause);
}
