/**
 * The token registry's contract: every token the gateway issued, by `jti`,
 * without the token itself (it is printed once and never stored). An
 * embedded SQLite file (token-store-sqlite.ts) and PostgreSQL, shared by
 * every instance (token-store-postgres.ts), both pass
 * test/conformance/token-store-suite.ts.
 */

export interface IssuedToken {
  /** The token's `jti`: what `token list` shows and `token revoke` takes. */
  readonly jti: string;
  /** The partner it was issued to (its `sub`). */
  readonly partner: string;
  readonly scopes: readonly string[];
  readonly plan: string | null;
  /** Epoch ms. */
  readonly issuedAt: number;
  /** Epoch ms: the token's `exp`. */
  readonly expiresAt: number;
  /** Epoch ms, or null while the token stands. */
  readonly revokedAt: number | null;
}

export interface TokenListQuery {
  /** Only this partner's tokens. */
  readonly partner?: string;
  /** Also tokens whose `expiresAt` has passed. @default false */
  readonly includeExpired?: boolean;
  /** Most rows, newest first. @default 1000 */
  readonly limit?: number;
}

export interface TokenStore {
  readonly engine: 'sqlite' | 'postgres';
  /** Records a newly issued token. @throws TOKEN_STORE_UNAVAILABLE (also for a jti already recorded). */
  record(token: Omit<IssuedToken, 'revokedAt'>): Promise<void>;
  get(jti: string): Promise<IssuedToken | undefined>;
  /** Newest first. */
  list(query?: TokenListQuery): Promise<IssuedToken[]>;
  /**
   * Marks the token revoked at `at`; revoking twice keeps the first time.
   * @throws TOKEN_NOT_FOUND when no token has this jti.
   */
  revoke(jti: string, at: number): Promise<IssuedToken>;
  /** The jtis revoked and not yet expired at `now`: what every instance holds in memory. */
  revokedUntilExpiry(now: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Tokens listed at most, so a `token list` stays readable. */
export const DEFAULT_LIST_LIMIT = 1000;
