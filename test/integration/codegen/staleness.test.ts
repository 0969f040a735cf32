/**
 * `npm run codegen:check` as CI runs it: a real child process over a temp
 * copy of the schema, the client documents and the committed generated files.
 * The repository's own files are only read.
 */
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { spawnProcess, useHarness } from '../../harness/index.js';

useHarness();

const ROOT = join(import.meta.dirname, '../../..');
// What codegen reads and what it writes; a copy of these is a complete root.
const COPIED = [
  'schema/commerce.graphql',
  'schema/directives.graphql',
  'demo/client/queries',
  'demo/client/generated',
  'gateway/generated',
];

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'switchboard-codegen-'));
  roots.push(root);
  for (const path of COPIED) await cp(join(ROOT, path), join(root, path), { recursive: true });
});

/** Runs codegen.ts the way the npm scripts do, against `root`. */
async function codegen(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnProcess(
    process.execPath,
    ['--import', 'tsx', 'codegen.ts', '--root', root, ...args],
    { cwd: ROOT },
  );
  const exit = await child.exited;
  return { code: exit.code, stdout: child.stdout(), stderr: child.stderr() };
}

describe('codegen --check', () => {
  it('passes on the committed files', async () => {
    const result = await codegen('--check');
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('up to date');
  });

  it('fails when a generated file was edited by hand, naming the file', async () => {
    await appendFile(
      join(root, 'gateway/generated/commerce-types.ts'),
      'export type HandWritten = string;\n',
    );
    const result = await codegen('--check');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('gateway/generated/commerce-types.ts: changed');
    expect(result.stderr).toContain('run `npm run codegen`');
  });

  it('fails when the schema changed and the files were not regenerated, then passes after codegen', async () => {
    const schemaPath = join(root, 'schema/commerce.graphql');
    const schema = await readFile(schemaPath, 'utf8');
    await writeFile(
      schemaPath,
      schema.replace(
        '  "Is there a page after this one?"\n',
        '  "Where the next page starts."\n  nextHint: String\n  "Is there a page after this one?"\n',
      ),
    );
    const stale = await codegen('--check');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('gateway/generated/commerce-types.ts: changed');
    expect(stale.stderr).not.toContain('index.ts'); // PageInfo changed, not the list of exported names
    const regenerated = await codegen();
    expect(regenerated.code).toBe(0);
    expect(await readFile(join(root, 'gateway/generated/commerce-types.ts'), 'utf8')).toContain(
      'nextHint?: Maybe<Scalars',
    );
    expect((await codegen('--check')).code).toBe(0);
  });

  it('fails when a query changed and its typed document was not regenerated', async () => {
    const queryPath = join(root, 'demo/client/queries/product-by-sku.graphql');
    await writeFile(
      queryPath,
      (await readFile(queryPath, 'utf8')).replace(
        '    description\n',
        '    description\n    brand\n',
      ),
    );
    const result = await codegen('--check');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('demo/client/generated/graphql.ts: changed');
  });

  it('fails on a generated file that codegen no longer produces, and on a missing one', async () => {
    await writeFile(join(root, 'demo/client/generated/old-operations.ts'), 'export {};\n');
    await rm(join(root, 'gateway/generated/index.ts'));
    const result = await codegen('--check');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'demo/client/generated/old-operations.ts: not produced by codegen; delete it',
    );
    expect(result.stderr).toContain('gateway/generated/index.ts: missing');
  });

  it('fails with a clear message, not a stack, when the schema does not parse', async () => {
    await appendFile(join(root, 'schema/commerce.graphql'), '\ntype Broken {\n');
    const result = await codegen('--check');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^codegen failed: schema\/commerce\.graphql:\d+:\d+: Syntax Error/m,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
