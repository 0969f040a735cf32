/**
 * Data ownership on the demo (docs/partners.md, Data ownership): an order
 * placed through a partner's token belongs to that partner in the storefront
 * (its `channel`); another partner gets the same NOT_FOUND as for an order
 * that does not exist, through one field, aliases or a customer's list; the
 * shop's own callers (anonymous here) see every order; the read cache shares
 * entries because the check runs after it, on every read. And persisted
 * operations: a partner bound to them sends only registered hashes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetch as undiciFetch } from 'undici';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../demo/common/catalogue.js';
import { createSqliteTokenStore } from '../../../gateway/auth/index.js';
import {
  DEMO_AUTH,
  startGatewayOn,
  startSystems,
  tempDir,
  track,
  unifiedDemoConfig,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';
import { issueOwn } from './helpers.js';

useHarness();

const seed = catalogue();
const customer = seed.customers[4]!;
const SCOPES = ['catalog:read', 'orders:read', 'orders:write', 'customers:read'];
let systems: Systems;
let gateway: TestGateway;
const PARTNERS = ['acme', 'globex', 'initech'] as const;
const tokens: Record<(typeof PARTNERS)[number], string> = { acme: '', globex: '', initech: '' };
/** Orders acme placed (the second read by the alias test alone, so no cache holds it), and seeded (first-party) ones. */
let acmeOrder: string;
let acmeOther: string;
const unreadShopOrder = seed.orders.at(-1)!.id;
const shopOrder = seed.orders.find((order) => order.customerId === customer.id)?.id ?? '';
const MISSING = 'ord_99999';

const as = (partner: 'acme' | 'globex' | 'initech' | 'shop') =>
  partner === 'shop' ? {} : { headers: { authorization: `Bearer ${tokens[partner]}` } };
const ORDER = `query ($id: ID!) { order(id: $id) { id status } }`;
/** The one operation registered for persisted use, and its hash. */
const PRODUCT = 'query Product($sku: ID!) { product(sku: $sku) { sku title } }';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  // Tracked before the gateway, so closed after it: the store, then the folder.
  const dir = tempDir();
  const keyFile = join(dir, 'keys.json');
  const store = track(createSqliteTokenStore({ path: join(dir, 'tokens.db') }), 'token store');
  for (const partner of PARTNERS)
    tokens[partner] = (await issueOwn(keyFile, store, { partner, scopes: SCOPES })).token;
  const registry = join(dir, 'persisted.json');
  writeFileSync(registry, JSON.stringify({ [sha256(PRODUCT)]: PRODUCT }));
  // Order reads sent as shareable (public, 10 min), so the gateway's read cache keeps them and one entry serves every caller.
  systems = await startSystems(['storefront', 'erp', 'billing'], {
    storefront: { shareCustomerReads: true, privateMaxAgeMs: 600_000 },
  });
  gateway = await startGatewayOn(
    unifiedDemoConfig(systems, {
      auth: { ...DEMO_AUTH, keyFile, sqlitePath: join(dir, 'tokens.db') },
      persistedOperations: { file: registry, requiredFor: ['initech'] },
    }),
  );
  const place = async (): Promise<string> => {
    const placed = await gateway.graphql(
      `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`,
      {
        input: {
          customerId: customer.id,
          lines: [{ sku: seed.products[12]!.sku, quantity: 1 }],
          idempotencyKey: randomUUID(),
        },
      },
      as('acme'),
    );
    expect(placed.body.errors).toBeUndefined();
    return placed.body.data.placeOrder.id;
  };
  acmeOrder = await place();
  acmeOther = await place();
});
beforeEach(() => systems.resetCounts());

describe('an order placed through a partner', () => {
  it('belongs to that partner in the storefront itself', async () => {
    const direct = await undiciFetch(`${systems.storefront.url}/orders/${acmeOrder}`);
    expect(((await direct.json()) as { channel: unknown }).channel).toBe('acme');
  });

  it('cannot be stamped with another partner: the input has no owner field', async () => {
    const { status, body } = await gateway.graphql(
      `mutation { placeOrder(input: { customerId: "${customer.id}", lines: [{ sku: "${seed.products[12]!.sku}", quantity: 1 }], channel: "globex" }) { id } }`,
      undefined,
      as('acme'),
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(systems.totals().storefront).toBe(0);
  });
});

describe('reading one order', () => {
  it('its partner and the shop see it; another partner gets exactly the answer for a missing order', async () => {
    const own = await gateway.graphql(ORDER, { id: acmeOrder }, as('acme'));
    expect(own.body).toEqual({ data: { order: { id: acmeOrder, status: 'PENDING' } } });
    const shop = await gateway.graphql(ORDER, { id: acmeOrder }, as('shop'));
    expect(shop.body.data.order.id).toBe(acmeOrder);

    const foreign = await gateway.graphql(ORDER, { id: acmeOrder }, as('globex'));
    const missing = await gateway.graphql(ORDER, { id: MISSING }, as('globex'));
    expect(foreign.status).toBe(200);
    expect(foreign.body.data).toEqual({ order: null });
    expect(foreign.body.errors).toEqual([
      {
        message: 'No Order was found with this id.',
        path: ['order'],
        locations: [{ line: 1, column: 20 }],
        extensions: { code: 'NOT_FOUND', type: 'Order' },
      },
    ]);
    // Byte for byte: nothing tells "exists but not yours" from "does not exist".
    expect(missing.status).toBe(foreign.status);
    expect(missing.text).toBe(foreign.text);
    // The shop's own orders are not a partner's either.
    const shopOwned = await gateway.graphql(ORDER, { id: shopOrder }, as('acme'));
    expect(shopOwned.text).toBe(foreign.text);
  });

  it('aliases over foreign and missing ids answer alike, in one batch', async () => {
    const { body } = await gateway.graphql(
      `query ($a: ID!, $b: ID!, $c: ID!) { a: order(id: $a) { id } b: order(id: $b) { id } c: order(id: $c) { id } }`,
      { a: acmeOther, b: MISSING, c: unreadShopOrder },
      as('globex'),
    );
    expect(body.data).toEqual({ a: null, b: null, c: null });
    const errors = (body.errors ?? []).map(({ path, locations, ...rest }) => {
      expect(path).toHaveLength(1);
      expect(locations).toHaveLength(1);
      return JSON.stringify(rest);
    });
    expect(errors).toHaveLength(3);
    expect(new Set(errors).size).toBe(1);
    expect(errors[0]).toContain('"NOT_FOUND"');
    // One listOrders batch for the three ids, as for any three: nothing else is asked.
    expect(systems.counts().storefront).toEqual({ listOrders: 1 });
    expect(systems.totals()).toMatchObject({ erp: 0, billing: 0 });
  });

  it('a cached order is shared, and checked again for each caller', async () => {
    await gateway.graphql(ORDER, { id: acmeOrder }, as('shop')); // fills or hits the cache
    systems.resetCounts();
    const foreign = await gateway.graphql(ORDER, { id: acmeOrder }, as('globex'));
    const own = await gateway.graphql(ORDER, { id: acmeOrder }, as('acme'));
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(own.body.data.order.id).toBe(acmeOrder);
    // Both answers came from the one cached entry.
    expect(systems.totals().storefront).toBe(0);
  });
});

describe("a customer's orders", () => {
  const LIST = `query ($id: ID!) { customer(id: $id) { orders(first: 50) { edges { node { id } } pageInfo { hasNextPage } } } }`;
  const ids = (body: {
    data?: { customer: { orders: { edges: Array<{ node: { id: string } }> } } };
  }): string[] => body.data?.customer.orders.edges.map((edge) => edge.node.id) ?? [];

  it('a partner lists only its own, scoped in the storefront; the shop lists them all', async () => {
    const acme = await gateway.graphql(LIST, { id: customer.id }, as('acme'));
    expect(acme.body.errors).toBeUndefined();
    expect(ids(acme.body)).toEqual([acmeOrder, acmeOther]);
    const globex = await gateway.graphql(LIST, { id: customer.id }, as('globex'));
    expect(globex.body.data.customer.orders).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false },
    });
    const shop = await gateway.graphql(LIST, { id: customer.id }, as('shop'));
    expect(ids(shop.body)).toContain(acmeOrder);
    expect(ids(shop.body)).toContain(shopOrder);
  });
});

describe('persisted operations', () => {
  const sku = seed.products[3]!.sku;
  const byHash = (hash: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      variables: { sku },
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
      ...extra,
    });
  const post = (body: string, partner: 'acme' | 'initech') =>
    gateway.fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokens[partner]}`,
      },
      body,
    });

  it('a partner bound to them is refused any document, and served a registered hash', async () => {
    const plain = await gateway.graphql(PRODUCT, { sku }, as('initech'));
    expect(plain.status).toBe(403);
    expect(plain.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_OPERATION_REQUIRED');
    expect(systems.totals().storefront).toBe(0);

    const hashed = await post(byHash(sha256(PRODUCT)), 'initech');
    expect(hashed.status).toBe(200);
    expect(await hashed.json()).toEqual({
      data: { product: { sku, title: seed.products[3]!.title } },
    });
    // Over GET too, with `extensions` in the query string.
    const search = new URLSearchParams({
      variables: JSON.stringify({ sku }),
      extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(PRODUCT) } }),
    });
    const viaGet = await gateway.fetch(`/graphql?${search}`, {
      headers: { accept: 'application/json', authorization: `Bearer ${tokens.initech}` },
    });
    expect(((await viaGet.json()) as { data: unknown }).data).toEqual({
      product: { sku, title: seed.products[3]!.title },
    });
  });

  it('an unknown hash, or a document that is not the one registered under its hash, is refused before anything runs', async () => {
    const text = 'query Product($sku: ID!) { product(sku: $sku) { sku title description } }';
    for (const body of [
      byHash(sha256(text)),
      byHash('0'.repeat(64)),
      byHash('not-a-hash'),
      byHash(sha256(PRODUCT), { query: text }),
    ]) {
      const answer = await post(body, 'initech');
      expect(answer.status).toBe(400);
      const { errors } = (await answer.json()) as { errors: Array<{ extensions: unknown }> };
      expect(errors.map((error) => error.extensions)).toEqual([
        { code: 'PERSISTED_OPERATION_NOT_FOUND' },
      ]);
    }
    expect(systems.totals().storefront).toBe(0);
  });

  it('other partners may use a hash or send documents', async () => {
    const hashed = await post(byHash(sha256(PRODUCT)), 'acme');
    expect(((await hashed.json()) as { data: unknown }).data).toEqual({
      product: { sku, title: seed.products[3]!.title },
    });
    const plain = await gateway.graphql(PRODUCT, { sku }, as('acme'));
    expect(plain.body.errors).toBeUndefined();
  });
});
