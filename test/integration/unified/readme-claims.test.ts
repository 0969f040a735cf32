/**
 * What the README and the schema promise a newcomer, kept true (issue 13):
 * - "Binding a new field": the README's own snippet, read from README.md,
 *   added to a copy of the unified schema, composes as a safe addition and
 *   answers the erp's value;
 * - `products(first: …)` goes up to 200 per the schema: a page of 200 with
 *   the example query's own fields (stock and price) is within the default
 *   cost limit, and answered with one call per system;
 * - Relay connections: every edge carries a cursor, and a page resumes after
 *   any of them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../../demo/common/catalogue.js';
import {
  composeSchema,
  diffComposed,
  formatCompositionIssue,
} from '../../../gateway/composition/index.js';
import { resolveConfig } from '../../../gateway/index.js';
import {
  COMMERCE_SCHEMA,
  NO_READ_CACHE,
  startGatewayOn,
  startSystems,
  unifiedDemoConfig,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';

useHarness();

const ROOT = resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'switchboard-readme-'));
let systems: Systems;
let gateway: TestGateway;
let walkthroughSdl: string;

/** The field lines of the first ```graphql block under "### Binding a new field". */
function walkthroughField(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Binding a new field'));
  const block = /```graphql\n([^]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md has no graphql block under the section');
  const lines = block.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^type Product\b.*\{$/);
  expect(lines.at(-1)).toBe('}');
  return lines.slice(1, -1).join('\n');
}

/** The unified schema with `field` added at the end of `type Product`, as the README says to. */
function withField(sdl: string, field: string): string {
  const start = sdl.search(/^type Product\b/m);
  const end = sdl.indexOf('\n}\n', start);
  expect(start).toBeGreaterThan(-1);
  return `${sdl.slice(0, end)}\n${field}${sdl.slice(end)}`;
}

beforeAll(async () => {
  systems = await startSystems();
  walkthroughSdl = withField(readFileSync(COMMERCE_SCHEMA, 'utf8'), walkthroughField());
  const schema = join(scratch, 'commerce.graphql');
  writeFileSync(schema, walkthroughSdl);
  gateway = await startGatewayOn(unifiedDemoConfig(systems, { ...NO_READ_CACHE, schema }));
});

afterAll(async () => {
  await gateway?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the README's walkthrough: binding a new field", () => {
  it('adds a field the schema did not have, which check reports as a safe addition', async () => {
    const committed = readFileSync(join(ROOT, 'schema/commerce.composed.graphql'), 'utf8');
    const { sources } = await resolveConfig(unifiedDemoConfig(systems));
    try {
      const composition = composeSchema({
        documents: [{ file: 'commerce.graphql', sdl: walkthroughSdl }],
        sources,
      });
      if (!composition.ok)
        throw new Error(composition.errors.map(formatCompositionIssue).join('\n'));
      const diff = diffComposed(committed, composition.composedSdl);
      expect(diff.breaking).toEqual([]);
      expect(diff.dangerous).toEqual([]);
      expect(diff.safe).toEqual([
        expect.objectContaining({ type: 'FIELD_ADDED', path: 'Product.discontinuedAt' }),
      ]);
    } finally {
      await Promise.allSettled(sources.map((source) => source.close()));
    }
  });

  it("answers the erp's value: a date for a discontinued product, null for one on sale", async () => {
    const products = catalogue().products;
    const archived = products.find((product) => product.status === 'archived');
    const active = products.find((product) => product.status === 'active');
    if (archived === undefined || active === undefined) throw new Error('the seed changed');
    const query = `query ($a: ID!, $b: ID!) {
      archived: product(sku: $a) { sku discontinuedAt }
      active: product(sku: $b) { sku discontinuedAt }
    }`;
    systems.resetCounts();
    const { body } = await gateway.graphql(query, { a: archived.sku, b: active.sku });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      archived: { sku: archived.sku, discontinuedAt: archived.createdAt },
      active: { sku: active.sku, discontinuedAt: null },
    });
    // Both SKUs in one storefront call and one erp call (the batch the README names).
    expect(systems.totals()).toEqual({ storefront: 1, erp: 1, billing: 0 });
  });
});

describe('the largest page the schema allows', () => {
  it('products(first: 200) with the example query’s fields is within the default cost limit: one call per system', async () => {
    const example = readFileSync(join(ROOT, 'schema/examples/2-products.graphql'), 'utf8');
    const query = example.replace(/products\(first: \d+\)/, 'products(first: 200)');
    expect(query).toContain('first: 200');
    systems.resetCounts();
    const { status, body } = await gateway.graphql(query);
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    const page = (body.data as { products: { edges: unknown[] } }).products;
    expect(page.edges).toHaveLength(200);
    expect(systems.totals()).toEqual({ storefront: 1, erp: 1, billing: 1 });
  });
});

describe('Relay connections: every edge carries a cursor', () => {
  const PAGE = `query ($first: Int, $after: String) {
    products(first: $first, after: $after) { edges { cursor node { sku } } pageInfo { hasNextPage endCursor } }
  }`;
  type Page = {
    edges: Array<{ cursor: string | null; node: { sku: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
  const page = async (first: number, after?: string | null): Promise<Page> => {
    const { body } = await gateway.graphql(PAGE, { first, after });
    expect(body.errors).toBeUndefined();
    return (body.data as { products: Page }).products;
  };
  const skus = (of: Page): string[] => of.edges.map((edge) => edge.node.sku);

  it('resumes after a mid-page edge of the first and of a later page, with two backend calls', async () => {
    const whole = await page(12);
    const first = await page(5);
    expect(skus(first)).toEqual(skus(whole).slice(0, 5));
    expect(first.edges.every((edge) => typeof edge.cursor === 'string')).toBe(true);
    expect(first.edges[4]?.cursor).toBe(first.pageInfo.endCursor); // the backend's own, as before
    expect(new Set(first.edges.map((edge) => edge.cursor)).size).toBe(5);

    systems.resetCounts();
    const afterSecond = await page(4, first.edges[1]?.cursor);
    expect(skus(afterSecond)).toEqual(skus(whole).slice(2, 6));
    expect(systems.counts().storefront).toEqual({ listProducts: 2 });

    // The same from a page that itself started at a backend cursor, and from its cursors in turn.
    const second = await page(5, first.pageInfo.endCursor);
    expect(skus(second)).toEqual(skus(whole).slice(5, 10));
    const resumed = await page(3, second.edges[0]?.cursor);
    expect(skus(resumed)).toEqual(skus(whole).slice(6, 9));
    const again = await page(2, resumed.edges[0]?.cursor);
    expect(skus(again)).toEqual(skus(whole).slice(7, 9));
  });

  it('a cursor that only looks like an edge cursor is passed on as the backend cursor it is, and refused there', async () => {
    systems.resetCounts();
    const forged = `sbe1_${Buffer.from('[1,2]').toString('base64url')}`;
    const { body } = await gateway.graphql(PAGE, { first: 2, after: forged });
    expect(body.errors?.[0]?.extensions?.code).toBe('SOURCE_REJECTED');
    expect(systems.counts().storefront).toEqual({ listProducts: 1 });
  });
});
