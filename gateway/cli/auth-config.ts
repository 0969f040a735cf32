/**
 * The `auth` section for the token and key commands: from `--config` (or
 * ./switchboard.config.ts when present), defaults otherwise. Only the auth
 * section is resolved; the config's sources are closed unused.
 */
import { existsSync } from 'node:fs';
import type { AuthConfig } from '../auth/index.js';
import { CONFIG_SPEC } from '../config/options.js';
import { parseSpec } from '../config/spec.js';
import { loadConfig } from './load-config.js';
import { DEFAULT_CONFIG_FILE } from './start.js';

export async function loadAuthConfig(file: string | undefined): Promise<AuthConfig> {
  if (file === undefined && !existsSync(DEFAULT_CONFIG_FILE))
    return parseSpec(CONFIG_SPEC.fields.auth, undefined, 'auth');
  const config = await loadConfig(file ?? DEFAULT_CONFIG_FILE);
  // The token commands never call a backend: close what the config opened.
  await Promise.allSettled((config.sources ?? []).map(async (source) => (await source).close()));
  return parseSpec(CONFIG_SPEC.fields.auth, (config as { auth?: unknown }).auth, 'auth');
}
