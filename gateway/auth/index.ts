/**
 * Tokens: who is calling (Caller), the edge's authentication
 * (createAuthenticator), and what the CLI needs to issue, list and revoke
 * tokens and rotate keys (docs/partners.md).
 */
export type { Caller } from './caller.js';
export { anonymousCaller } from './caller.js';
export { createAuthenticator, JWKS_PATH, type Authenticator } from './authenticator.js';
export {
  authorizationOfHeaders,
  authorizationOfRaw,
  presentedToken,
  MAX_AUTHORIZATION_CHARS,
} from './bearer.js';
export { loadKeys, openTokenStore, type AuthConfig } from './config.js';
export { issueToken, parseScopes, parseTtl, TOKEN_TYPE, type IssueRequest } from './issue.js';
export {
  ensureKeyFile,
  generateKey,
  keyRing,
  keysFromEnvironment,
  publicJwk,
  readKeyFile,
  rotateKeyFile,
  SIGNING_ALGORITHM,
  type KeyRing,
  type StoredKey,
} from './keys.js';
export { createPostgresTokenStore } from './token-store-postgres.js';
export { createSqliteTokenStore } from './token-store-sqlite.js';
export type { IssuedToken, TokenListQuery, TokenStore } from './token-store.js';
export { createVerifier, type VerifiedToken } from './verify.js';
