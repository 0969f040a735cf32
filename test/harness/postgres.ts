/**
 * PostgreSQL for a test file: one server per file (start it in beforeAll),
 * one database or schema per test. Registered with the harness cleanup, so
 * `useHarness()`'s afterAll stops it and removes its data even after a failure.
 *
 * @example
 * useHarness();
 * let postgres: PostgresServer;
 * beforeAll(async () => { postgres = await startPostgres(); });
 * it('…', async () => { const url = await postgres.createDatabase(); … });
 */
import { track } from './cleanup.js';
import {
  startPostgresServer,
  type PostgresServer,
  type PostgresServerOptions,
} from './postgres-server.js';

export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  return track(await startPostgresServer(options), 'postgres');
}

export interface PostgresDatabase {
  readonly server: PostgresServer;
  /** The connection string of the database. */
  readonly url: string;
}

/**
 * The usual preamble in one call: a server for this file (registered for
 * cleanup) and one database on it, for tests that share one database and
 * keep apart by schema or by the records they create.
 * @param name the database's name; a fresh one when omitted.
 */
export async function startPostgresDatabase(
  name?: string,
  options: PostgresServerOptions = {},
): Promise<PostgresDatabase> {
  const server = await startPostgres(options);
  return { server, url: await server.createDatabase(name) };
}

export type { PostgresServer, PostgresServerOptions };
