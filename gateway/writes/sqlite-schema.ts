/**
 * The SQLite journal's tables, versioned in code. A database records its
 * version in `PRAGMA user_version`; on open, every migration above it runs in
 * one immediate transaction, so two processes opening a new file at once
 * migrate it once. Migrations are append-only: a released one never changes.
 */
import type Database from 'better-sqlite3';
import { WriteError } from './errors.js';

export const SQLITE_MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] =
  Object.freeze([
    {
      version: 1,
      sql: `
      CREATE TABLE writes (
        id TEXT PRIMARY KEY,
        mutation TEXT NOT NULL,
        input TEXT NOT NULL,
        caller_identity TEXT,
        request_id TEXT NOT NULL,
        idempotency_key TEXT,
        input_hash TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT,
        result TEXT,
        error TEXT,
        claim_owner TEXT,
        claim_expires_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX writes_by_state ON writes (state, updated_at);
      CREATE INDEX writes_by_created ON writes (created_at);
      CREATE TABLE write_steps (
        write_id TEXT NOT NULL REFERENCES writes (id),
        idx INTEGER NOT NULL,
        source TEXT NOT NULL,
        operation TEXT NOT NULL,
        repeat_safety TEXT NOT NULL,
        compensation TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        request TEXT,
        result TEXT,
        error TEXT,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (write_id, idx)
      );
      CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        caller_key TEXT NOT NULL,
        write_id TEXT NOT NULL,
        input_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (scope, caller_key)
      );
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        write_id TEXT NOT NULL,
        mutation TEXT NOT NULL,
        caller_identity TEXT,
        request_id TEXT NOT NULL,
        actor TEXT NOT NULL,
        event TEXT NOT NULL,
        state TEXT NOT NULL,
        step_index INTEGER,
        step_source TEXT,
        step_operation TEXT,
        step_state TEXT,
        detail TEXT
      );
      CREATE INDEX audit_by_time ON audit (at);
      CREATE INDEX audit_by_write ON audit (write_id, seq);
      -- The trail is append-only in the database itself, not only in our code.
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    `,
    },
    {
      // Version 2: the partner the caller's token was issued to, so the trail can be read per partner.
      version: 2,
      sql: `
      ALTER TABLE writes ADD COLUMN caller_partner TEXT;
      ALTER TABLE audit ADD COLUMN caller_partner TEXT;
      CREATE INDEX audit_by_partner ON audit (caller_partner, seq);
    `,
    },
  ]);

/** The newest version this code knows. */
export const SQLITE_SCHEMA_VERSION = SQLITE_MIGRATIONS.at(-1)?.version ?? 0;

/** Brings the database to SQLITE_SCHEMA_VERSION; refuses one written by newer code. */
export function migrateSqlite(db: Database.Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SQLITE_SCHEMA_VERSION) {
      throw new WriteError({
        code: 'WRITE_JOURNAL_TOO_NEW',
        safeMessage: `The journal's schema is version ${current}; this gateway knows up to ${SQLITE_SCHEMA_VERSION}. Upgrade the gateway.`,
        details: { engine: 'sqlite', version: current },
      });
    }
    for (const migration of SQLITE_MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}
