/**
 * `switchboard token issue | list | revoke` and `keys rotate` against a
 * config file, and the issued token used against a real gateway reading the
 * same key file and registry. `run` is the command in this process (main(),
 * as bin/switchboard.js calls it: the machine is shared, and a spawn costs
 * seconds); `spawned` is the real command, for the case that proves the bin
 * issues a token.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoConfig,
  runCli as run,
  spawnCli as spawned,
  startGatewayOn,
  startSystems,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';
import { call, eventually } from './helpers.js';

useHarness();
const dir = mkdtempSync(join(tmpdir(), 'switchboard-token-cli-'));
const configFile = join(dir, 'switchboard.config.mjs');
let systems: Systems;
let gateway: TestGateway;

beforeAll(async () => {
  // Relative paths: the CLI moves to the config's folder, as `start` does.
  writeFileSync(
    configFile,
    `export default { sources: [], auth: { keyFile: './keys.json', sqlitePath: './tokens.db', revocationRefreshMs: 200, maxTokenTtlMs: ${90 * 86_400_000} } };\n`,
  );
  systems = await startSystems(['storefront']);
  gateway = await startGatewayOn(
    demoConfig(systems, {
      auth: {
        keyFile: join(dir, 'keys.json'),
        sqlitePath: join(dir, 'tokens.db'),
        revocationRefreshMs: 200,
      },
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `switchboard <group> <command> --config <the test's config> …`, as every case types it. */
const command = (group: 'token' | 'keys', name: string, ...rest: string[]): string[] => [
  group,
  name,
  '--config',
  configFile,
  ...rest,
];

/** `token issue` with these options in this order; a partner or plan not given is left out. */
const issue = (options: { partner?: string; scopes: string; ttl: string; plan?: string }) =>
  command(
    'token',
    'issue',
    ...(options.partner === undefined ? [] : ['--partner', options.partner]),
    '--scopes',
    options.scopes,
    '--ttl',
    options.ttl,
    ...(options.plan === undefined ? [] : ['--plan', options.plan]),
  );

// Each test spawns the CLI; the limit guards against a hang on a busy machine, it times nothing.
describe('switchboard token', { timeout: 240_000 }, () => {
  it('issues a token once on stdout, which a running gateway accepts; lists it by jti without the token; revokes it everywhere', async () => {
    const issued = await spawned(
      issue({ partner: 'acme', scopes: 'catalog:read orders:read', ttl: '30d', plan: 'gold' }),
    );
    expect(issued.code).toBe(0);
    const token = issued.stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(statSync(join(dir, 'keys.json')).mode & 0o777).toBe(0o600);
    const claims = JSON.parse(
      Buffer.from(token.split('.')[1] as string, 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({
      iss: 'switchboard',
      aud: 'switchboard',
      sub: 'acme',
      scope: 'catalog:read orders:read',
      plan: 'gold',
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(30 * 86_400);
    expect(issued.stderr).toContain(`Issued token ${claims.jti as string}`);
    expect(issued.stderr).not.toContain(token);

    // The gateway started before the key file existed: it picks the key up on its next refresh.
    expect(await eventually(async () => (await call(gateway, token)).status === 200)).toBe(true);

    const listed = await run(command('token', 'list'));
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(claims.jti as string);
    expect(listed.stdout).toMatch(/acme\tgold\t.*\tactive\tcatalog:read orders:read/);
    expect(listed.stdout).not.toContain(token.split('.')[2]);

    const revoked = await run(command('token', 'revoke', claims.jti as string));
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('within 1 s');
    expect(await eventually(async () => (await call(gateway, token)).status === 401)).toBe(true);
    expect((await call(gateway, token)).body.errors?.[0]?.extensions?.code).toBe(
      'AUTH_TOKEN_REVOKED',
    );
    expect((await run(command('token', 'list'))).stdout).toMatch(/\trevoked \d{4}-/);
  });

  it('refuses a bad ttl, partner or scope, or a missing option, with TOKEN_REQUEST_INVALID and exit 1; an unknown jti with TOKEN_NOT_FOUND', async () => {
    const attempts = await Promise.all([
      run(issue({ partner: 'acme', scopes: 'catalog:read', ttl: '30x' })),
      run(issue({ partner: 'acme', scopes: 'catalog:read', ttl: '400d' })),
      run(issue({ partner: 'Acme Corp', scopes: 'catalog:read', ttl: '1d' })),
      run(issue({ partner: 'acme', scopes: 'catalog:read <script>', ttl: '1d' })),
      run(issue({ scopes: 'catalog:read', ttl: '1d' })),
      run(command('token', 'revoke', 'no-such-token')),
    ]);
    for (const [index, attempt] of attempts.entries()) {
      expect(attempt.code).toBe(1);
      expect(attempt.stdout).toBe('');
      expect(attempt.stderr).toContain(index === 5 ? 'TOKEN_NOT_FOUND' : 'TOKEN_REQUEST_INVALID');
    }
    expect(attempts[1]?.stderr).toContain('90 days');
  });

  it('keys rotate adds a key the gateway publishes, and the tokens of the old key stay valid', async () => {
    const issueForAcme = async (): Promise<string> =>
      (await run(issue({ partner: 'acme', scopes: 'catalog:read', ttl: '1h' }))).stdout.trim();
    const before = await issueForAcme();
    const rotated = await run(command('keys', 'rotate'));
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/^New signing key \S+\.\nKey \S+ retires \d{4}-/);
    const after = await issueForAcme();
    expect(await eventually(async () => (await call(gateway, after)).status === 200)).toBe(true);
    expect((await call(gateway, before)).status).toBe(200);
    const { keys } = (await (await gateway.fetch('/.well-known/jwks.json')).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key.d).toBeUndefined();
  });
});
