/**
 * `switchboard check` against real contract files: modified copies of the
 * storefront's OpenAPI document (edited here from the current demo contract,
 * so they never drift from it) and copies of the unified schema, each with
 * its own composed artifact. The command runs in this process (runCli), and
 * is spawned as CI would run it where the bin itself matters: a config
 * outside any package, an exit 1 that must print no stack.
 */
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT as ROOT, runCli, spawnCli, useHarness } from '../../harness/index.js';

useHarness();

const SCHEMA = 'schema/commerce.graphql';
const STOREFRONT = join(ROOT, 'demo/storefront/openapi.yaml');
const scratch = mkdtempSync(join(tmpdir(), 'switchboard-check-'));
// As in a real project: an ESM package, so the config files load as modules.
writeFileSync(join(scratch, 'package.json'), '{ "type": "module" }\n');

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `switchboard check <args>` from the repository root, in this process. */
const check = (...args: string[]) => runCli(['check', ...args]);

/** A config like switchboard.config.ts, with the storefront contract and the schema files chosen by the test. */
function writeConfig(
  name: string,
  options: { storefront?: string; schema?: string | string[] | null },
): string {
  const file = join(scratch, `${name}.config.ts`);
  const schema = options.schema === undefined ? join(ROOT, SCHEMA) : options.schema;
  const at = (path: string): string => JSON.stringify(join(ROOT, path));
  writeFileSync(
    file,
    `import { defineConfig } from ${at('gateway/index.ts')};
import { createRestSource } from ${at('sources/rest/index.ts')};
import { createSoapSource } from ${at('sources/soap/index.ts')};
import { createGrpcSource } from ${at('sources/grpc/index.ts')};
// The URLs are never called: check reads contracts only.
export default defineConfig({
  ${schema === null ? '' : `schema: ${JSON.stringify(schema)},`}
  sources: [
    createRestSource({ name: 'storefront', contract: ${JSON.stringify(options.storefront ?? STOREFRONT)}, url: 'http://127.0.0.1:9' }),
    createSoapSource({ name: 'erp', contract: ${at('demo/erp/erp.wsdl')}, url: 'http://127.0.0.1:9/erp' }),
    createGrpcSource({ name: 'billing', contract: ${at('demo/billing/proto/billing/v1/billing.proto')}, includeDirs: [${at('demo/billing/proto')}], url: '127.0.0.1:9' }),
  ],
  logging: { level: 'silent' },
});
`,
  );
  return file;
}

/** Replaces `from` by `to` inside one schema object of the OpenAPI document; the text must be there, so no test passes on a stale edit. */
function editComponent(openapi: string, component: string, from: string, to: string): string {
  const start = openapi.indexOf(`\n    ${component}:\n`);
  expect(start, `components.schemas.${component}`).toBeGreaterThan(0);
  const end = openapi.slice(start + 1).search(/\n {4}\S/) + start + 1;
  const section = openapi.slice(start, end);
  expect(section).toContain(from);
  return openapi.slice(0, start) + section.replace(from, to) + openapi.slice(end);
}

function writeStorefront(name: string, edit: (openapi: string) => string): string {
  const file = join(scratch, `${name}.openapi.yaml`);
  writeFileSync(file, edit(readFileSync(STOREFRONT, 'utf8')));
  return file;
}

/**
 * Where a field of the unified schema is defined: the 1-based lines of the
 * field itself and of its definition's start, which is its description when
 * it has one (graphql-js locates a definition from its description); an
 * issue may point at either, as a pattern for a RegExp.
 */
function fieldLines(after: string, text: string): string {
  const lines = readFileSync(join(ROOT, SCHEMA), 'utf8').split('\n');
  const from = lines.findIndex((line) => line.startsWith(after));
  const index = lines.findIndex((line, i) => i > from && line.startsWith(text));
  expect(from).toBeGreaterThanOrEqual(0);
  expect(index).toBeGreaterThan(from);
  const described = /^\s*".*"\s*$/.test(lines[index - 1] ?? '');
  return described ? `(?:${index}|${index + 1})` : `${index + 1}`;
}

// The first run loads the CLI; the limit is a guard against a hang on a busy machine.
describe('switchboard check against the repository', { timeout: 120_000 }, () => {
  it('the committed schema/commerce.composed.graphql matches a fresh composition (what CI runs)', async () => {
    const { code, stdout, stderr } = await check();
    expect(stderr).not.toMatch(/Breaking|BINDING_|error/);
    expect(stdout, stderr).toContain('No changes: schema/commerce.composed.graphql is up to date.');
    expect(code).toBe(0);
  });
});

describe('switchboard check catches a backend contract change before it breaks a binding', () => {
  it('the storefront dropped Product.title: exit 1 naming the schema line and the field', async () => {
    const storefront = writeStorefront('no-title', (openapi) =>
      editComponent(
        editComponent(
          openapi,
          'Product',
          '[id, sku, title, description,',
          '[id, sku, description,',
        ),
        'Product',
        '        title:\n          type: string\n',
        '',
      ),
    );
    const { code, stderr } = await check('--config', writeConfig('no-title', { storefront }));
    expect(code).toBe(1);
    const line = fieldLines('type Product ', '  title: String!');
    expect(stderr).toMatch(
      new RegExp(
        `^schema/commerce\\.graphql:${line}:3 BINDING_UNKNOWN_FIELD .*Product\\.title`,
        'm',
      ),
    );
    expect(stderr).toContain('title');
    expect(stderr).toMatch(/the schema does not compose: \d+ errors?/);
    // A message for CI logs: no stack trace.
    expect(stderr).not.toMatch(/\bat .*:\d+:\d+\)/);
  });

  it('the storefront made Order.createdAt nullable: exit 1 with a nullability mismatch', async () => {
    const storefront = writeStorefront('nullable-created', (openapi) =>
      editComponent(
        openapi,
        'Order',
        '        createdAt:\n          type: string\n',
        "        createdAt:\n          type: [string, 'null']\n",
      ),
    );
    const { code, stderr } = await check(
      '--config',
      writeConfig('nullable-created', { storefront }),
    );
    expect(code).toBe(1);
    const line = fieldLines('type Order ', '  createdAt: DateTime!');
    expect(stderr).toMatch(
      new RegExp(
        `^schema/commerce\\.graphql:${line}:3 (BINDING_TYPE_MISMATCH|BINDING_NULLABILITY) .*Order\\.createdAt`,
        'm',
      ),
    );
    expect(stderr).toMatch(/null/i);
  });

  it('the storefront added an unrelated field: exit 0, nothing changes for callers', async () => {
    const storefront = writeStorefront('gift-wrap', (openapi) =>
      editComponent(
        openapi,
        'Product',
        '        brand:\n',
        '        giftWrap:\n          type: boolean\n        brand:\n',
      ),
    );
    expect(readFileSync(storefront, 'utf8')).toContain('giftWrap');
    const { code, stdout, stderr } = await check(
      '--config',
      writeConfig('gift-wrap', { storefront }),
    );
    expect(stderr).not.toMatch(/BINDING_|Breaking/);
    expect(stdout).toContain('No changes');
    expect(code).toBe(0);
  });
});

// Several runs of the CLI each; the limit is a guard against a hang on a busy machine, not a timing assertion.
describe('switchboard check compares with the composed artifact', { timeout: 120_000 }, () => {
  // A copy of the unified schema, so the artifact beside it is this test's own.
  const schema = join(scratch, 'commerce.graphql');
  const artifact = join(scratch, 'commerce.composed.graphql');
  copyFileSync(join(ROOT, SCHEMA), schema);
  const config = writeConfig('artifact', { schema });
  const original = readFileSync(schema, 'utf8');
  /** Writes the original schema with each [from, to] applied; every `from` must be there. */
  const editSchema = (...edits: Array<[string, string]>): void => {
    let text = original;
    for (const [from, to] of edits) {
      expect(text).toContain(from);
      text = text.replace(from, to);
    }
    writeFileSync(schema, text);
  };

  it('a missing artifact is no failure: the schema composes, and it says how to create the artifact; --write creates it', async () => {
    writeFileSync(schema, original);
    rmSync(artifact, { force: true });
    const missing = await check('--config', config);
    expect(missing.code).toBe(0);
    expect(missing.stdout).toContain(`${artifact} does not exist yet`);
    expect(missing.stdout).toContain('check --write');
    expect(existsSync(artifact)).toBe(false);

    const written = await check('--config', config, '--write');
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(`Wrote ${artifact}`);
    // The artifact is what callers see: the same as the committed one, and free of binding directives.
    const sdl = readFileSync(artifact, 'utf8');
    expect(sdl).toBe(readFileSync(join(ROOT, 'schema/commerce.composed.graphql'), 'utf8'));
    expect(sdl).toContain('title: String!');
    expect(sdl).not.toMatch(/@fetch|@from|@compute|@entity|@enumFrom|@connection/);

    const again = await check('--config', config);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes');
  });

  it('a field removed from the unified schema is a breaking change: exit 1, the artifact is left alone', async () => {
    writeFileSync(schema, original);
    expect((await check('--config', config, '--write')).code).toBe(0);
    const before = readFileSync(artifact, 'utf8');
    editSchema(['  "The brand the product is sold under."\n  brand: String!\n', '']);
    const { code, stderr } = await check('--config', config);
    expect(code).toBe(1);
    expect(stderr).toContain('Breaking changes (1):');
    expect(stderr).toContain('FIELD_REMOVED Product.brand: Product.brand was removed.');
    expect(stderr).toContain('1 breaking change to what callers see');
    expect(readFileSync(artifact, 'utf8')).toBe(before);

    // Intended: --write records it, and the next check is clean.
    expect((await check('--config', config, '--write')).code).toBe(0);
    expect(readFileSync(artifact, 'utf8')).not.toContain('brand:');
    expect((await check('--config', config)).code).toBe(0);
  });

  it('a changed argument default is dangerous and a new description safe: exit 0 with warnings', async () => {
    writeFileSync(schema, original);
    expect((await check('--config', config, '--write')).code).toBe(0);
    editSchema(
      ['"The name shown to shoppers."', '"The product name shown to shoppers."'],
      [
        '    first: Int = 20 @constraint(min: 1, max: 200)\n',
        '    first: Int = 10 @constraint(min: 1, max: 200)\n',
      ],
    );
    const { code, stdout, stderr } = await check('--config', config);
    expect(stderr).toContain('Dangerous changes (1), warnings:');
    expect(stderr).toContain('ARG_DEFAULT_VALUE_CHANGE Query.products(first:)');
    expect(stdout).toContain('DESCRIPTION_CHANGED Product.title');
    expect(stdout).toContain('--write');
    expect(stderr).not.toContain('Breaking');
    expect(code).toBe(0);
  });

  it('--write refuses a broken composition and writes nothing', async () => {
    writeFileSync(schema, original);
    rmSync(artifact, { force: true });
    const storefront = writeStorefront('no-brand', (openapi) =>
      editComponent(openapi, 'Product', '        brand:\n          type: string\n', ''),
    );
    const { code, stdout, stderr } = await check(
      '--config',
      writeConfig('no-brand', { storefront, schema }),
      '--write',
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/commerce\.graphql:\d+:3 BINDING_UNKNOWN_FIELD .*Product\.brand/);
    expect(stdout).not.toContain('Wrote');
    expect(existsSync(artifact)).toBe(false);
  });

  it('an artifact that is not a schema fails with a clear reason', async () => {
    writeFileSync(schema, original);
    writeFileSync(artifact, 'type Query {\n  broken\n');
    const { code, stderr } = await check('--config', config);
    expect(code).toBe(1);
    expect(stderr).toContain(`${artifact} is not a valid composed schema (line 3`);
  });
});

// Two cases spawn the bin; the limit is a guard against a hang on a busy machine, not a timing assertion.
describe('switchboard check misuse', { timeout: 300_000 }, () => {
  it('a config without a schema option says what to add', async () => {
    const { code, stderr } = await check('--config', writeConfig('no-schema', { schema: null }));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^switchboard: CONFIG_INVALID: .*has no "schema" option/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a schema file that does not exist is named', async () => {
    const { code, stderr } = await check(
      '--config',
      writeConfig('missing-schema', { schema: join(scratch, 'nope.graphql') }),
    );
    expect(code).toBe(1);
    expect(stderr).toContain(`The schema file ${join(scratch, 'nope.graphql')} does not exist.`);
  });

  // Regression: an unreadable contract crashed check with an uncaught ContractError and a stack trace.
  it('an unreadable contract is one line naming the source and the path, never a stack (the real bin)', async () => {
    const { code, stderr } = await spawnCli([
      'check',
      '--config',
      writeConfig('bad-contract', { storefront: join(scratch, 'nope/openapi.yaml') }),
    ]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      /^switchboard: CONTRACT_UNREADABLE: The contract of storefront could not be read: .*nope\/openapi\.yaml was not found\.$/m,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('a config file with a syntax error is named with its line and column', async () => {
    const file = join(scratch, 'syntax.config.ts');
    writeFileSync(file, 'export default {\n  sources: [,,\n');
    const { code, stderr } = await check('--config', file);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /CONFIG_INVALID: The config file .*syntax\.config\.ts could not be loaded: .*syntax\.config\.ts:3:1 /,
    );
  });

  // Regression: a .ts config outside a "type": "module" package failed with "Cannot require() ES Module … in a cycle".
  it('loads a config from a folder with no package.json, resolving its relative paths against its own folder', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'switchboard-outside-'));
    try {
      copyFileSync(join(ROOT, SCHEMA), join(outside, 'shop.graphql'));
      copyFileSync(
        join(ROOT, 'schema/commerce.composed.graphql'),
        join(outside, 'shop.composed.graphql'),
      );
      copyFileSync(STOREFRONT, join(outside, 'openapi.yaml'));
      writeFileSync(
        join(outside, 'switchboard.config.ts'),
        readFileSync(
          writeConfig('outside', { storefront: './openapi.yaml', schema: './shop.graphql' }),
          'utf8',
        ),
      );
      const { code, stdout, stderr } = await spawnCli(
        ['check', '--config', join(outside, 'switchboard.config.ts')],
        { cwd: tmpdir() },
      );
      expect(stderr).not.toMatch(/switchboard:|Cannot require|CONFIG_INVALID/);
      expect(stdout).toContain('No changes');
      expect(code).toBe(0);
      // The temporary module beside the config is gone.
      expect(readdirSync(outside).filter((name) => name.endsWith('.mjs'))).toEqual([]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a wrong command line exits 2', async () => {
    expect((await check('--bogus')).code).toBe(2);
    expect((await check('extra')).code).toBe(2);
  });
});
