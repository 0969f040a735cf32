/** The `auth` section as the auth modules take it, and the stores and keys it names. */
import type { ResolvedConfig } from '../config/index.js';
import { GatewayError } from '../errors.js';
import { ensureKeyFile, keysFromEnvironment, readKeyFile, type StoredKey } from './keys.js';
import { createPostgresTokenStore } from './token-store-postgres.js';
import { createSqliteTokenStore, sqliteTokenStoreExists } from './token-store-sqlite.js';
import type { TokenStore } from './token-store.js';

export type AuthConfig = ResolvedConfig['auth'];

/**
 * Opens the registry the config names. With `create: false` (the gateway),
 * a SQLite file that does not exist yet is undefined: no token was issued.
 * @throws CONFIG_INVALID for "postgres" without a URL; TOKEN_STORE_UNAVAILABLE.
 */
export async function openTokenStore(
  config: AuthConfig,
  options: { create: boolean },
): Promise<TokenStore | undefined> {
  if (config.tokenStore === 'sqlite') {
    if (!options.create && !sqliteTokenStoreExists(config.sqlitePath)) return undefined;
    return createSqliteTokenStore({ path: config.sqlitePath, create: options.create });
  }
  if (config.postgresUrl === null) {
    throw new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage:
        'Config option "auth.postgresUrl" is needed when "auth.tokenStore" is "postgres".',
      details: { path: 'auth.postgresUrl' },
    });
  }
  return createPostgresTokenStore({ connectionString: config.postgresUrl });
}

/**
 * The stored keys the config names. `create`: make the key file on first use
 * (the CLI); the gateway only reads it (undefined: no key yet, so no token of ours exists).
 */
export async function loadKeys(
  config: AuthConfig,
  options: { create: boolean; now: number },
): Promise<StoredKey[] | undefined> {
  if (config.keySource === 'env') {
    if (config.signingKeys === null) {
      throw new GatewayError({
        code: 'CONFIG_INVALID',
        safeMessage: 'Config option "auth.signingKeys" is needed when "auth.keySource" is "env".',
        details: { path: 'auth.signingKeys' },
      });
    }
    return keysFromEnvironment(config.signingKeys, options.now);
  }
  return options.create ? ensureKeyFile(config.keyFile, options.now) : readKeyFile(config.keyFile);
}
