/**
 * An external identity provider for tests: its own JWKS server on
 * 127.0.0.1 (real HTTP, port 0) and jose-generated keys, so the gateway's
 * remote key set is fetched, cached and refetched for real. Counts the
 * fetches; registered for cleanup.
 *
 * @example
 * const idp = await startIssuer();
 * const token = await idp.sign({ sub: 'acme', scope: 'catalog:read' });
 * // config: auth.trustedIssuers: [idp.trust('switchboard-tests')]
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { track } from './cleanup.js';

export interface IssuerKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'RS256';
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export interface TestIssuer {
  /** The `iss` its tokens carry: its base URL. */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** Keys it publishes now (the first signs by default). */
  readonly keys: IssuerKey[];
  /** Times its JWKS was fetched. */
  fetches(): number;
  /** A fresh key pair, not published unless pushed onto `keys`. */
  newKey(alg?: 'ES256' | 'RS256'): Promise<IssuerKey>;
  /** A token with sensible claims (iss, aud, sub, jti, iat, exp in 10 min, scope), any of them overridden; header overrides too. */
  sign(
    claims?: JWTPayload,
    options?: { key?: IssuerKey; header?: Record<string, unknown>; audience?: string },
  ): Promise<string>;
  /** The `auth.trustedIssuers` entry that trusts it for `audience`. */
  trust(
    audience: string,
    jwksCooldownMs?: number,
  ): {
    issuer: string;
    jwksUrl: string;
    audience: string;
    scopesClaim: string;
    algorithms: Array<'ES256' | 'RS256'>;
    typ: string;
    jwksCooldownMs: number;
  };
  close(): Promise<void>;
}

export const ISSUER_AUDIENCE = 'switchboard-tests';

export async function startIssuer(): Promise<TestIssuer> {
  let fetchCount = 0;
  const keys: IssuerKey[] = [];
  const server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetchCount += 1;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const newKey = async (alg: 'ES256' | 'RS256' = 'ES256'): Promise<IssuerKey> => {
    const pair = await generateKeyPair(alg, { extractable: true });
    const kid = randomUUID();
    return {
      kid,
      alg,
      privateKey: pair.privateKey,
      publicJwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' },
    };
  };
  keys.push(await newKey());
  let closing: Promise<void> | undefined;
  const issuer: TestIssuer = {
    issuer: base,
    jwksUrl: `${base}/.well-known/jwks.json`,
    keys,
    fetches: () => fetchCount,
    newKey,
    async sign(claims = {}, options = {}) {
      const key = options.key ?? (keys[0] as IssuerKey);
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = {
        iss: base,
        aud: options.audience ?? ISSUER_AUDIENCE,
        sub: 'acme',
        jti: randomUUID(),
        iat: now,
        nbf: now,
        exp: now + 600,
        scope: 'catalog:read',
        ...claims,
      };
      for (const [name, value] of Object.entries(payload))
        if (value === undefined) delete payload[name];
      return new SignJWT(payload)
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...options.header })
        .sign(key.privateKey);
    },
    trust: (audience, jwksCooldownMs = 30_000) => ({
      issuer: base,
      jwksUrl: `${base}/.well-known/jwks.json`,
      audience,
      scopesClaim: 'scope',
      algorithms: ['ES256', 'RS256'],
      typ: 'at+jwt',
      jwksCooldownMs,
    }),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
  return track(issuer, 'issuer');
}
