/**
 * The PostgreSQL journal's tables, versioned in code, in a schema of their
 * own. The version lives in `journal_meta`; migrations run in one
 * transaction under an advisory lock, so instances starting together
 * migrate once and the others wait, then see the new version.
 * Migrations are append-only: a released one never changes.
 */
import type { PoolClient } from 'pg';
import { WriteError } from './errors.js';

export const POSTGRES_MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] =
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
        claim_expires_at BIGINT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
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
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (write_id, idx)
      );
      CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        caller_key TEXT NOT NULL,
        write_id TEXT NOT NULL,
        input_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (scope, caller_key)
      );
      CREATE TABLE audit (
        seq BIGSERIAL PRIMARY KEY,
        at BIGINT NOT NULL,
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
      CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$;
      CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION audit_append_only();
      CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
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

export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.at(-1)?.version ?? 0;

/** `schema` is checked by the caller (postgres.ts) to be a plain identifier. */
export async function migratePostgres(client: PoolClient, schema: string): Promise<void> {
  await client.query('BEGIN');
  try {
    // One lock per schema name, held until COMMIT.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `switchboard-journal:${schema}`,
    ]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`SET LOCAL search_path TO "${schema}"`);
    await client.query('CREATE TABLE IF NOT EXISTS journal_meta (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM journal_meta');
    const current = rows[0]?.version ?? 0;
    if (current > POSTGRES_SCHEMA_VERSION) {
      throw new WriteError({
        code: 'WRITE_JOURNAL_TOO_NEW',
        safeMessage: `The journal's schema is version ${current}; this gateway knows up to ${POSTGRES_SCHEMA_VERSION}. Upgrade the gateway.`,
        details: { engine: 'postgres', version: current },
      });
    }
    for (const migration of POSTGRES_MIGRATIONS) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
    }
    if (rows.length === 0)
      await client.query('INSERT INTO journal_meta (version) VALUES ($1)', [
        POSTGRES_SCHEMA_VERSION,
      ]);
    else await client.query('UPDATE journal_meta SET version = $1', [POSTGRES_SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
