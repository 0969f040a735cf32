/**
 * The embedded token registry: its own SQLite file (better-sqlite3), by
 * default `.switchboard/tokens.db` beside the write journal. Its own file
 * rather than a table in the journal's: the registry is written by the CLI
 * and read by every instance's revocation refresh, it must exist before any
 * write does, and its lifetime (tokens, months) is not the journal's.
 * WAL, so the gateways' reads never wait on the CLI's writes.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { authError, storeUnavailable } from './errors.js';
import { DEFAULT_LIST_LIMIT, type IssuedToken, type TokenStore } from './token-store.js';

export interface SqliteTokenStoreOptions {
  /** The file; relative paths from the working directory. */
  readonly path: string;
  /** false: fail when the file does not exist (the gateway waits for the first `token issue`). @default true */
  readonly create?: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS issued_tokens (
  jti TEXT PRIMARY KEY,
  partner TEXT NOT NULL,
  scopes TEXT NOT NULL,
  plan TEXT,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS issued_tokens_revoked ON issued_tokens (revoked_at, expires_at) WHERE revoked_at IS NOT NULL;
`;

interface Row {
  jti: string;
  partner: string;
  scopes: string;
  plan: string | null;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export function fromRow(row: Row): IssuedToken {
  return {
    jti: row.jti,
    partner: row.partner,
    scopes: row.scopes === '' ? [] : row.scopes.split(' '),
    plan: row.plan,
    issuedAt: Number(row.issued_at),
    expiresAt: Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

/** True when the file exists (the gateway opens it only then). */
export function sqliteTokenStoreExists(path: string): boolean {
  return existsSync(resolve(path));
}

export function createSqliteTokenStore(options: SqliteTokenStoreOptions): TokenStore {
  const path = resolve(options.path);
  let db: Database.Database;
  try {
    if (options.create !== false) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    db = new Database(path, { fileMustExist: options.create === false, timeout: 5_000 });
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA);
  } catch (cause) {
    throw storeUnavailable('sqlite', cause);
  }
  const guard = <T>(work: () => T): Promise<T> => {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(
        (error as { code?: unknown }).code === 'TOKEN_NOT_FOUND'
          ? error
          : storeUnavailable('sqlite', error),
      );
    }
  };
  const insert = db.prepare(
    'INSERT INTO issued_tokens (jti, partner, scopes, plan, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const select = db.prepare('SELECT * FROM issued_tokens WHERE jti = ?');
  const revoke = db.prepare(
    'UPDATE issued_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE jti = ?',
  );
  const revoked = db
    .prepare('SELECT jti FROM issued_tokens WHERE revoked_at IS NOT NULL AND expires_at > ?')
    .pluck();
  return {
    engine: 'sqlite',
    record: (token) =>
      guard(
        () =>
          void insert.run(
            token.jti,
            token.partner,
            token.scopes.join(' '),
            token.plan,
            token.issuedAt,
            token.expiresAt,
          ),
      ),
    get: (jti) =>
      guard(() => {
        const row = select.get(jti) as Row | undefined;
        return row === undefined ? undefined : fromRow(row);
      }),
    list: (query = {}) =>
      guard(() => {
        const where: string[] = [];
        const params: Array<string | number> = [];
        if (query.partner !== undefined) {
          where.push('partner = ?');
          params.push(query.partner);
        }
        if (query.includeExpired !== true) {
          where.push('expires_at > ?');
          params.push(Date.now());
        }
        const sql = `SELECT * FROM issued_tokens${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY issued_at DESC, jti LIMIT ?`;
        return (db.prepare(sql).all(...params, query.limit ?? DEFAULT_LIST_LIMIT) as Row[]).map(
          fromRow,
        );
      }),
    revoke: (jti, at) =>
      guard(() => {
        revoke.run(at, jti);
        const row = select.get(jti) as Row | undefined;
        if (row === undefined)
          throw authError(
            'TOKEN_NOT_FOUND',
            'No issued token has this id; "token list" shows the ids.',
          );
        return fromRow(row);
      }),
    revokedUntilExpiry: (now) => guard(() => revoked.all(now) as string[]),
    async close() {
      if (db.open) db.close();
    },
  };
}
