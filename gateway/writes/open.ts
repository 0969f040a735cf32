/**
 * Opens the journal the config names: the one place that turns the
 * `writes` options into a store, for the gateway and the CLI alike.
 */
import { GatewayError } from '../errors.js';
import { createPostgresJournal } from './postgres.js';
import { createSqliteJournal } from './sqlite.js';
import type { WriteJournal } from './store.js';

export interface WriteJournalConfig {
  readonly journal: 'sqlite' | 'postgres';
  readonly sqlitePath: string;
  readonly postgresUrl: string | null;
  readonly idempotencyKeyTtlMs: number;
}

/**
 * @throws CONFIG_INVALID when "postgres" is chosen without a URL;
 *   WRITE_JOURNAL_UNAVAILABLE when the store cannot be opened.
 */
export async function openWriteJournal(config: WriteJournalConfig): Promise<WriteJournal> {
  const { idempotencyKeyTtlMs } = config;
  if (config.journal === 'sqlite')
    return createSqliteJournal({ path: config.sqlitePath, idempotencyKeyTtlMs });
  if (config.postgresUrl === null) {
    throw new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage:
        'Config option "writes.postgresUrl" is needed when "writes.journal" is "postgres".',
      details: { path: 'writes.postgresUrl' },
    });
  }
  return createPostgresJournal({ connectionString: config.postgresUrl, idempotencyKeyTtlMs });
}
