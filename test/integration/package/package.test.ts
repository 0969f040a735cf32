/**
 * The npm package, as a team gets it (issue 13): `npm pack` builds the
 * tarball (prepack compiles dist/), npm installs it into an empty folder, a
 * config there imports the package by name and is type-checked against the
 * package's declarations, and the installed `switchboard` command runs
 * print-subgraph, check and start against the demo systems.
 *
 * What the install proves, and what it does not: npm installs the tarball
 * offline from a lockfile that links each of the package's `dependencies`
 * to the checkout's installed copy (downloading and extracting ~280 packages
 * and compiling better-sqlite3 would cost minutes). The folder is outside
 * the checkout, so the package's own files see only what its `dependencies`
 * name: a package it imports without declaring it is absent, and the
 * commands fail. The dependencies' files are the checkout's, in the locked
 * versions; a registry install, which downloads them, builds better-sqlite3
 * and resolves transitive ranges afresh, is not what this test runs.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnProcess, startSystems, type Systems } from '../../harness/index.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
};
const LIMIT_MS = 600_000; // a safety net for a loaded machine (a build and an install), it times nothing

let scratch: string;
let app: string;
let tarballFiles: string[];
let systems: Systems;

/** Runs a command to its end; resolves with its output, whatever the exit code. */
async function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnProcess(command, args, options);
  const { code } = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

async function mustRun(command: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await run(command, args, { cwd });
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** The app's lockfile: the package from the tarball, each of its dependencies a link to the checkout's copy. */
function appLockfile(tarball: string): object {
  const packages: Record<string, object> = {
    '': { name: 'app', dependencies: { [MANIFEST.name]: tarball } },
    [`node_modules/${MANIFEST.name}`]: {
      version: MANIFEST.version,
      resolved: tarball,
      dependencies: MANIFEST.dependencies,
      bin: MANIFEST.bin,
      engines: MANIFEST.engines,
    },
  };
  for (const name of Object.keys(MANIFEST.dependencies)) {
    const target = relative(app, join(ROOT, 'node_modules', name));
    const { version } = JSON.parse(readFileSync(join(app, target, 'package.json'), 'utf8')) as {
      version: string;
    };
    packages[`node_modules/${name}`] = { resolved: target, link: true };
    packages[target] = { version };
  }
  return { name: 'app', lockfileVersion: 3, requires: true, packages };
}

/** The demo's config, as a team would write it: the same file, importing the package by name. */
function appConfig(): string {
  const demo = readFileSync(join(ROOT, 'switchboard.config.ts'), 'utf8');
  const withoutImports = demo.replace(/^import .* from '\.\/(gateway|sources)\/.*';\n/gm, '');
  expect(withoutImports.match(/^import /gm)).toHaveLength(1); // node:fs only: the four went
  return (
    `import { defineConfig, createRestSource, createSoapSource, createGrpcSource } from '${MANIFEST.name}';\n` +
    withoutImports
  );
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'switchboard-package-'));
  app = join(scratch, 'app');
  mkdirSync(app);
  const [packed] = JSON.parse(
    await mustRun('npm', ['pack', '--json', '--pack-destination', scratch], ROOT),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (packed === undefined) throw new Error('npm pack listed no tarball');
  tarballFiles = packed.files.map((file) => file.path);
  const tarball = `file:../${packed.filename}`;
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', private: true, dependencies: { [MANIFEST.name]: tarball } }),
  );
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify(appLockfile(tarball)));
  await mustRun(
    'npm',
    ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    app,
  );
  // What the config names: the unified schema (and its composed artifact) and the three contracts.
  for (const path of [
    'schema',
    'demo/storefront/openapi.yaml',
    'demo/erp/erp.wsdl',
    'demo/erp/erp-types.xsd',
    'demo/billing/proto',
  ])
    cpSync(join(ROOT, path), join(app, path), { recursive: true });
  writeFileSync(join(app, 'switchboard.config.ts'), appConfig());
  systems = await startSystems();
}, LIMIT_MS);

afterAll(async () => {
  await systems?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}, LIMIT_MS);

describe(`the ${MANIFEST.name} package`, { timeout: LIMIT_MS }, () => {
  it('ships the compiled gateway, its types and the command; no sources, tests or demo', () => {
    expect(tarballFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'bin/switchboard.js',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/gateway/cli/main.js',
        'schema/directives.graphql',
      ]),
    );
    const stray = tarballFiles.filter(
      (path) =>
        !/^(dist\/.*\.(js|d\.ts)|bin\/switchboard\.js|schema\/directives\.graphql|package\.json|README\.md|LICENSE)$/.test(
          path,
        ),
    );
    expect(stray).toEqual([]);
  });

  it('types a config that imports the package by name (exports → dist/index.d.ts)', async () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: ['switchboard.config.ts', 'misuse.ts'],
      }),
    );
    // The package's types reach the config: a wrong option is a compile error in the team's file.
    writeFileSync(
      join(app, 'misuse.ts'),
      `import { createRestSource } from '${MANIFEST.name}';\n` +
        `void createRestSource({ name: 'x', contract: 'x.yaml', url: 42 });\n`,
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const { code, stdout } = await run(process.execPath, [tsc, '-p', '.'], { cwd: app });
    expect(code).toBe(2);
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^misuse\.ts\(2,\d+\): error TS2322: Type 'number' is not assignable/),
    ]);
  });

  it('print-subgraph and check run from the installed command, as plain JavaScript', async () => {
    const bin = join(app, 'node_modules/.bin/switchboard');
    const subgraph = await run(
      bin,
      ['print-subgraph', '--rest', 'demo/storefront/openapi.yaml', '--name', 'storefront'],
      { cwd: app },
    );
    expect(subgraph).toMatchObject({ code: 0, stderr: '' });
    expect(subgraph.stdout).toContain('getProduct(');
    const check = await run(bin, ['check'], { cwd: app });
    expect(check.stderr).not.toMatch(/error|switchboard:/i); // warnings only: what the contracts leave out
    expect(check).toMatchObject({ code: 0 });
    expect(check.stdout).toContain('Composed schema/commerce.graphql over');
  });

  it('start serves the unified schema over the demo systems, then stops on SIGTERM', async () => {
    const gateway = spawnProcess(join(app, 'node_modules/.bin/switchboard'), ['start'], {
      cwd: app,
      env: {
        GATEWAY_PORT: '0',
        NODE_OPTIONS: '--max-semi-space-size=64',
        STOREFRONT_URL: systems.storefront.url,
        ERP_URL: systems.erp.url,
        BILLING_URL: systems.billing.url,
      },
    });
    try {
      const [, url] = await gateway.waitFor(/listening on (http:\/\/\S+)/, { timeoutMs: LIMIT_MS });
      // Node's flag as docs/operations.md gives it (NODE_OPTIONS), read back at start-up (issue 15).
      await gateway.waitFor(/Node: +--max-semi-space-size=64/, { timeoutMs: LIMIT_MS });
      // The start asks each source's health once and prints it; the query's calls are counted after that.
      await gateway.waitFor(/billing\s+grpc\s+\S+\s+up/, { timeoutMs: LIMIT_MS });
      expect(gateway.stdout()).toMatch(/storefront\s+rest\s+\S+\s+up[^]*erp\s+soap\s+\S+\s+up/);
      systems.resetCounts();
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ product(sku: "SKU-00001") { sku price { currencyCode } stock { available } } }',
        }),
      });
      const body = (await response.json()) as { data?: { product?: { sku?: string } } };
      expect(body).toMatchObject({ data: { product: { sku: 'SKU-00001' } } });
      expect(systems.totals()).toEqual({ storefront: 1, erp: 1, billing: 1 });
      gateway.signal('SIGTERM');
      expect(await gateway.exited).toMatchObject({ code: 0 });
    } finally {
      await gateway.close();
    }
  });
});
