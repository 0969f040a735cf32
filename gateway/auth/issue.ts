/**
 * Issuing a token: checks the request, signs an RFC 9068-shaped access token
 * (`typ: at+jwt`, iss, aud, sub = partner, jti, iat, nbf, exp, scope, plan)
 * with the ring's signing key and records it in the registry. The token is
 * returned once and stored nowhere.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { SCOPE_PATTERN } from '../config/options.js';
import { authError } from './errors.js';
import { SIGNING_ALGORITHM, type KeyRing } from './keys.js';
import type { IssuedToken, TokenStore } from './token-store.js';

export const TOKEN_TYPE = 'at+jwt';
const PARTNER_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface IssueRequest {
  partner: string;
  scopes: readonly string[];
  ttlMs: number;
  plan?: string;
}

export interface IssueSettings {
  issuer: string;
  audience: string;
  maxTokenTtlMs: number;
}

/** "30d", "12h", "15m", "90s" → ms. @throws TOKEN_REQUEST_INVALID */
export function parseTtl(text: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (match === null)
    throw authError(
      'TOKEN_REQUEST_INVALID',
      `--ttl should be a number and a unit (s, m, h, d), such as "30d"; instead got "${text.slice(0, 20)}".`,
    );
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 's' | 'm' | 'h' | 'd'
  ];
  return Number(match[1]) * unit;
}

/** Space- or comma-separated scopes → a sorted, de-duplicated list. @throws TOKEN_REQUEST_INVALID */
export function parseScopes(text: string): string[] {
  const scopes = [...new Set(text.split(/[\s,]+/).filter((scope) => scope !== ''))].sort();
  if (scopes.length === 0)
    throw authError(
      'TOKEN_REQUEST_INVALID',
      '--scopes should list at least one scope, such as "catalog:read orders:read".',
    );
  const bad = scopes.find((scope) => !SCOPE_PATTERN.test(scope));
  if (bad !== undefined)
    throw authError(
      'TOKEN_REQUEST_INVALID',
      `--scopes: "${bad.slice(0, 64)}" is not a scope name (letters, digits and :._-, such as "catalog:read").`,
    );
  return scopes;
}

export function checkIssueRequest(request: IssueRequest, settings: IssueSettings): void {
  if (!PARTNER_PATTERN.test(request.partner))
    throw authError(
      'TOKEN_REQUEST_INVALID',
      '--partner should be a lower-case name of letters, digits and ._- (at most 64), such as "acme".',
    );
  if (!Number.isSafeInteger(request.ttlMs) || request.ttlMs < 60_000)
    throw authError('TOKEN_REQUEST_INVALID', '--ttl should be at least one minute ("1m").');
  if (request.ttlMs > settings.maxTokenTtlMs) {
    throw authError(
      'TOKEN_REQUEST_INVALID',
      `--ttl is longer than the longest lifetime allowed, ${Math.floor(settings.maxTokenTtlMs / 86_400_000)} days (auth.maxTokenTtlMs).`,
    );
  }
  if (request.plan !== undefined && !PARTNER_PATTERN.test(request.plan))
    throw authError('TOKEN_REQUEST_INVALID', '--plan should be a lower-case name such as "gold".');
  if (request.scopes.length === 0 || request.scopes.some((scope) => !SCOPE_PATTERN.test(scope)))
    throw authError(
      'TOKEN_REQUEST_INVALID',
      '--scopes should list scope names such as "catalog:read".',
    );
}

/** Signs and records one token; returns it (shown once) and its record. */
export async function issueToken(
  request: IssueRequest,
  settings: IssueSettings,
  ring: KeyRing,
  store: TokenStore,
  now = Date.now(),
): Promise<{ token: string; record: IssuedToken }> {
  checkIssueRequest(request, settings);
  if (ring.signer === undefined)
    throw authError('AUTH_KEYS_UNAVAILABLE', 'There is no signing key.');
  const jti = randomUUID();
  const issuedAt = Math.floor(now / 1000);
  const expiresAt = issuedAt + Math.floor(request.ttlMs / 1000);
  const token = await new SignJWT({
    scope: request.scopes.join(' '),
    ...(request.plan === undefined ? {} : { plan: request.plan }),
  })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: TOKEN_TYPE, kid: ring.signer.kid })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(request.partner)
    .setJti(jti)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(ring.signer.key);
  const record: IssuedToken = {
    jti,
    partner: request.partner,
    scopes: [...request.scopes],
    plan: request.plan ?? null,
    issuedAt: issuedAt * 1000,
    expiresAt: expiresAt * 1000,
    revokedAt: null,
  };
  await store.record(record);
  return { token, record };
}
