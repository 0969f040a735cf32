/**
 * `switchboard token issue | list | revoke` and `switchboard keys rotate`:
 * the gateway as an issuer (docs/partners.md). `issue` prints the signed
 * token once, on stdout and alone, so it can be piped; it is stored nowhere.
 */
import { parseArgs } from 'node:util';
import {
  issueToken,
  keyRing,
  loadKeys,
  openTokenStore,
  parseScopes,
  parseTtl,
  rotateKeyFile,
  type AuthConfig,
  type IssuedToken,
  type TokenStore,
} from '../auth/index.js';
import { authError } from '../auth/errors.js';
import { loadAuthConfig } from './auth-config.js';
import { EXIT, type CliIo } from './output.js';

async function withStore<T>(
  config: AuthConfig,
  work: (store: TokenStore) => Promise<T>,
): Promise<T> {
  const store = (await openTokenStore(config, { create: true })) as TokenStore;
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

const day = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function row(token: IssuedToken, now: number): string {
  const state =
    token.revokedAt !== null
      ? `revoked ${day(token.revokedAt)}`
      : token.expiresAt <= now
        ? 'expired'
        : 'active';
  return [
    token.jti,
    token.partner,
    token.plan ?? '-',
    day(token.issuedAt),
    day(token.expiresAt),
    state,
    token.scopes.join(' '),
  ].join('\t');
}

export async function token(argv: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  switch (action) {
    case 'issue': {
      const { values } = parseArgs({
        args: [...rest],
        options: {
          config: { type: 'string' },
          partner: { type: 'string' },
          scopes: { type: 'string' },
          ttl: { type: 'string' },
          plan: { type: 'string' },
        },
        strict: true,
      });
      if (values.partner === undefined)
        throw authError(
          'TOKEN_REQUEST_INVALID',
          'token issue needs --partner <name>, such as --partner acme.',
        );
      if (values.scopes === undefined)
        throw authError(
          'TOKEN_REQUEST_INVALID',
          'token issue needs --scopes "<scope> <scope>", such as --scopes "catalog:read orders:read".',
        );
      if (values.ttl === undefined)
        throw authError(
          'TOKEN_REQUEST_INVALID',
          'token issue needs --ttl <n><s|m|h|d>, such as --ttl 30d.',
        );
      const request = {
        partner: values.partner,
        scopes: parseScopes(values.scopes),
        ttlMs: parseTtl(values.ttl),
        ...(values.plan === undefined ? {} : { plan: values.plan }),
      };
      const config = await loadAuthConfig(values.config);
      const now = Date.now();
      const ring = await keyRing((await loadKeys(config, { create: true, now })) ?? [], now);
      const { token: jwt, record } = await withStore(config, (store) =>
        issueToken(request, config, ring, store, now),
      );
      io.out(`${jwt}\n`);
      io.err(
        `Issued token ${record.jti} to ${record.partner}, expires ${day(record.expiresAt)}. It is shown once: keep it secret.\n`,
      );
      return EXIT.ok;
    }
    case 'list': {
      const { values } = parseArgs({
        args: [...rest],
        options: {
          config: { type: 'string' },
          partner: { type: 'string' },
          all: { type: 'boolean' },
        },
        strict: true,
      });
      const config = await loadAuthConfig(values.config);
      const tokens = await withStore(config, (store) =>
        store.list({
          ...(values.partner === undefined ? {} : { partner: values.partner }),
          includeExpired: values.all === true,
        }),
      );
      const now = Date.now();
      io.out(
        [
          'jti\tpartner\tplan\tissued\texpires\tstate\tscopes',
          ...tokens.map((t) => row(t, now)),
        ].join('\n') + '\n',
      );
      return EXIT.ok;
    }
    case 'revoke': {
      const { values, positionals } = parseArgs({
        args: [...rest],
        options: { config: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      });
      const [jti] = positionals;
      if (jti === undefined || positionals.length !== 1)
        throw authError(
          'TOKEN_REQUEST_INVALID',
          'token revoke needs exactly one token id (the jti "token list" shows).',
        );
      const config = await loadAuthConfig(values.config);
      const revoked = await withStore(config, (store) => store.revoke(jti, Date.now()));
      io.out(
        `Revoked ${revoked.jti} (${revoked.partner}). Every gateway refuses it within ${Math.ceil(config.revocationRefreshMs / 1000)} s (auth.revocationRefreshMs).\n`,
      );
      return EXIT.ok;
    }
    default:
      io.err(`switchboard: token needs "issue", "list" or "revoke". Run "switchboard --help".\n`);
      return EXIT.usage;
  }
}

export async function keys(argv: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== 'rotate') {
    io.err(`switchboard: keys needs "rotate". Run "switchboard --help".\n`);
    return EXIT.usage;
  }
  const { values } = parseArgs({
    args: [...rest],
    options: { config: { type: 'string' } },
    strict: true,
  });
  const config = await loadAuthConfig(values.config);
  if (config.keySource !== 'file')
    throw authError(
      'AUTH_KEYS_UNAVAILABLE',
      'keys rotate works on the key file; with auth.keySource "env", put the new key first in auth.signingKeys and keep the old one listed for auth.maxTokenTtlMs.',
    );
  // The old keys stay for the longest token lifetime plus the clock leeway: every token they signed expires first.
  const rotated = await rotateKeyFile(
    config.keyFile,
    config.maxTokenTtlMs + config.clockToleranceSeconds * 1000,
    Date.now(),
  );
  io.out(
    `New signing key ${rotated.kid}.\n${rotated.retiring.map((key) => `Key ${key.kid} retires ${day(key.retiresAt)}.\n`).join('')}`,
  );
  return EXIT.ok;
}
