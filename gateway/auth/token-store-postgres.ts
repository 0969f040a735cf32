/**
 * The shared token registry: PostgreSQL (pg), one table in the gateway's
 * schema, read by every instance's revocation refresh. Same contract and
 * suite as the SQLite registry.
 */
import pg from 'pg';
import { authError, storeUnavailable } from './errors.js';
import { fromRow } from './token-store-sqlite.js';
import { DEFAULT_LIST_LIMIT, type TokenStore } from './token-store.js';

export interface PostgresTokenStoreOptions {
  /** Never logged or shown. */
  readonly connectionString: string;
  /** The PostgreSQL schema holding the table; created when missing. @default "switchboard" */
  readonly schema?: string;
  /** @default 4 */
  readonly maxConnections?: number;
}

export async function createPostgresTokenStore(
  options: PostgresTokenStoreOptions,
): Promise<TokenStore> {
  const schema = options.schema ?? 'switchboard';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new TypeError("The token registry's PostgreSQL schema must be a lower-case identifier.");
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: 10_000,
    statement_timeout: 10_000,
    options: `-c search_path=${schema}`,
    application_name: 'switchboard-tokens',
  });
  pool.on('error', () => undefined);
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await pool.query(`CREATE TABLE IF NOT EXISTS issued_tokens (
      jti TEXT PRIMARY KEY, partner TEXT NOT NULL, scopes TEXT NOT NULL, plan TEXT,
      issued_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, revoked_at BIGINT)`);
  } catch (cause) {
    await pool.end().catch(() => undefined);
    throw storeUnavailable('postgres', cause);
  }
  const query = async <R extends pg.QueryResultRow>(
    text: string,
    params: unknown[],
  ): Promise<R[]> => {
    try {
      return (await pool.query<R>(text, params)).rows;
    } catch (cause) {
      throw storeUnavailable('postgres', cause);
    }
  };
  let closed: Promise<void> | undefined;
  return {
    engine: 'postgres',
    async record(token) {
      await query(
        'INSERT INTO issued_tokens (jti, partner, scopes, plan, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [
          token.jti,
          token.partner,
          token.scopes.join(' '),
          token.plan,
          token.issuedAt,
          token.expiresAt,
        ],
      );
    },
    async get(jti) {
      const [row] = await query('SELECT * FROM issued_tokens WHERE jti = $1', [jti]);
      return row === undefined ? undefined : fromRow(row as never);
    },
    async list(q = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.partner !== undefined) {
        params.push(q.partner);
        where.push(`partner = $${params.length}`);
      }
      if (q.includeExpired !== true) {
        params.push(Date.now());
        where.push(`expires_at > $${params.length}`);
      }
      params.push(q.limit ?? DEFAULT_LIST_LIMIT);
      const rows = await query(
        `SELECT * FROM issued_tokens${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY issued_at DESC, jti LIMIT $${params.length}`,
        params,
      );
      return rows.map((row) => fromRow(row as never));
    },
    async revoke(jti, at) {
      const [row] = await query(
        'UPDATE issued_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE jti = $2 RETURNING *',
        [at, jti],
      );
      if (row === undefined)
        throw authError(
          'TOKEN_NOT_FOUND',
          'No issued token has this id; "token list" shows the ids.',
        );
      return fromRow(row as never);
    },
    async revokedUntilExpiry(now) {
      const rows = await query<{ jti: string }>(
        'SELECT jti FROM issued_tokens WHERE revoked_at IS NOT NULL AND expires_at > $1',
        [now],
      );
      return rows.map((row) => row.jti);
    },
    close() {
      closed ??= pool.end().catch(() => undefined);
      return closed;
    },
  };
}
