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

export type { PostgresServer, PostgresServerOptions };
