/**
 * codegen.ts: the caller-visible schema, the scalar mapping, the generated
 * index and determinism. Runs the real plugins in memory; never writes into
 * the repository (temp roots only).
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildASTSchema, buildSchema, lexicographicSortSchema, print, printSchema } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import {
  generateFiles,
  loadCallerSchema,
  CODEGEN_SCHEMA_FILES,
  CODEGEN_VOCABULARY_FILE,
} from '../../../codegen.js';

const repoRoot = join(import.meta.dirname, '../../..');
const vocabulary = {
  file: 'directives.graphql',
  sdl: 'scalar _Bindings\ndirective @fetch(source: String!, args: _Bindings) on FIELD_DEFINITION\ndirective @from(path: String!) on FIELD_DEFINITION\n',
};

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

/** A throwaway root with a schema, the vocabulary and client documents. */
async function tempRoot(schema: string, documents: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'switchboard-codegen-unit-'));
  roots.push(root);
  await mkdir(join(root, 'schema'), { recursive: true });
  await mkdir(join(root, 'demo/client/queries'), { recursive: true });
  await writeFile(join(root, 'schema/commerce.graphql'), schema);
  await writeFile(join(root, CODEGEN_VOCABULARY_FILE), vocabulary.sdl);
  for (const [name, text] of Object.entries(documents))
    await writeFile(join(root, 'demo/client/queries', name), text);
  return root;
}

const SMALL_SCHEMA = `
scalar Decimal
type Query {
  price(sku: ID!): Price @fetch(source: "billing", args: { sku: "$args.sku" })
}
type Price {
  amount: Decimal! @from(path: "amountMinor")
  oldField: String @deprecated(reason: "use amount")
}
`;

describe('loadCallerSchema', () => {
  it('removes every binding directive and the vocabulary, and keeps the rest', () => {
    const printed = print(
      loadCallerSchema([{ file: 'commerce.graphql', sdl: SMALL_SCHEMA }], vocabulary),
    );
    expect(printed).not.toMatch(/@fetch|@from|_Bindings/);
    expect(printed).toContain('@deprecated(reason: "use amount")');
    expect(printed).toContain('price(sku: ID!): Price');
  });

  it('gives the schema the gateway serves: equal to the committed composed artifact', async () => {
    const read = async (file: string) => ({
      file,
      sdl: await readFile(join(repoRoot, file), 'utf8'),
    });
    const ours = loadCallerSchema(
      await Promise.all(CODEGEN_SCHEMA_FILES.map(read)),
      await read(CODEGEN_VOCABULARY_FILE),
    );
    const composed = await readFile(join(repoRoot, 'schema/commerce.composed.graphql'), 'utf8');
    const normalised = (schema: ReturnType<typeof buildSchema>) =>
      printSchema(lexicographicSortSchema(schema));
    expect(normalised(buildASTSchema(ours))).toBe(normalised(buildSchema(composed)));
  });

  it('rejects a misspelt binding directive before dropping the bindings', () => {
    const sdl = 'type Query { a: String @fecth(source: "x") }';
    expect(() => loadCallerSchema([{ file: 'commerce.graphql', sdl }], vocabulary)).toThrow(
      /commerce\.graphql.*Unknown directive "@fecth"/s,
    );
  });

  it('names the file, line and column of a syntax error', () => {
    const sdl = 'type Query {\n  a: String\n  b: \n}';
    expect(() => loadCallerSchema([{ file: 'schema/commerce.graphql', sdl }], vocabulary)).toThrow(
      /^schema\/commerce\.graphql:4:1: Syntax Error/,
    );
  });

  it('rejects a caller-visible field typed with a binding-only scalar', () => {
    const sdl = 'type Query { a: _Bindings }';
    expect(() => loadCallerSchema([{ file: 'commerce.graphql', sdl }], vocabulary)).toThrow(
      /without the binding directives.*_Bindings/s,
    );
  });
});

describe('generateFiles', () => {
  it('maps Decimal, DateTime and ID to string in the types of the repository schema', async () => {
    const files = await generateFiles(repoRoot);
    const types =
      files.find((file) => file.path === 'gateway/generated/commerce-types.ts')?.content ?? '';
    expect(types).toContain('Decimal: { input: string; output: string; }');
    expect(types).toContain('DateTime: { input: string; output: string; }');
    expect(types).toContain('ID: { input: string; output: string; }');
    expect(types).toMatch(/export type PageInfo = \{/);
    expect(types).toMatch(/export type Money = \{/);
    expect(types).not.toMatch(/_Bindings|@fetch/);
  });

  it('exports every generated type from gateway/generated/index.ts by name', async () => {
    const files = await generateFiles(repoRoot);
    const types =
      files.find((file) => file.path === 'gateway/generated/commerce-types.ts')?.content ?? '';
    const index = files.find((file) => file.path === 'gateway/generated/index.ts')?.content ?? '';
    const declared = [...types.matchAll(/^export type (\w+)/gm)].map((match) => match[1]);
    const exported = [...index.matchAll(/^ {2}(\w+),$/gm)].map((match) => match[1]);
    expect(declared.length).toBeGreaterThan(20);
    expect(exported).toEqual(declared);
    expect(index).not.toContain('export *');
  });

  it('gives the same files on every run', async () => {
    const first = await generateFiles(repoRoot);
    const second = await generateFiles(repoRoot);
    expect(second).toEqual(first);
  });

  it('types an operation and embeds its fragment in the document string', async () => {
    const root = await tempRoot(SMALL_SCHEMA, {
      'b-price.graphql': 'query Price($sku: ID!) { price(sku: $sku) { ...Amount } }',
      'a-amount.graphql': 'fragment Amount on Price { amount }',
    });
    const client =
      (await generateFiles(root)).find((file) => file.path === 'demo/client/generated/graphql.ts')
        ?.content ?? '';
    expect(client).toContain(
      "export type PriceQuery = { __typename?: 'Query', price?: { __typename?: 'Price', amount: string } | null };",
    );
    expect(client).toMatch(
      /export const PriceDocument = new TypedDocumentString\(`[^`]*query Price[^`]*fragment Amount on Price/,
    );
    // Files are read in name order: the fragment (a-) comes before the query (b-).
    expect(client.indexOf('AmountFragmentDoc')).toBeLessThan(client.indexOf('PriceDocument'));
  });

  it('fails on a document that asks for a field the schema does not have', async () => {
    const root = await tempRoot(SMALL_SCHEMA, {
      'bad.graphql': 'query Bad { price(sku: "1") { amount currency } }',
    });
    await expect(generateFiles(root)).rejects.toThrow(
      /Cannot query field "currency" on type "Price"/,
    );
  });

  it('fails on a scalar that has no TypeScript mapping instead of typing it any', async () => {
    const root = await tempRoot(
      `${SMALL_SCHEMA}\nscalar Weight\nextend type Price { weight: Weight }`,
      {},
    );
    await expect(generateFiles(root)).rejects.toThrow(/Weight/);
  });

  it('names the document file of a syntax error', async () => {
    const root = await tempRoot(SMALL_SCHEMA, {
      'broken.graphql': 'query { price(sku: "1") { amount }',
    });
    await expect(generateFiles(root)).rejects.toThrow(
      /demo\/client\/queries\/broken\.graphql:1:35: Syntax Error/,
    );
  });
});
