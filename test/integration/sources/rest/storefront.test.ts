/**
 * The REST source against the demo storefront (demo/storefront), over real
 * HTTP on 127.0.0.1:0. The storefront counts the calls it receives per
 * operationId; assertions use those counts, never timings.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DemoSystem } from '../../../../demo/common/system.js';
import { startStorefront, UNMATCHED } from '../../../../demo/storefront/index.js';
import { SourceError, type Source } from '../../../../sources/common/index.js';
import { createRestSource } from '../../../../sources/rest/index.js';
import { assertValidSubgraph } from '../../../unit/sources/rest/helpers.js';

type Rec = Record<string, unknown>;
let storefront: DemoSystem;
let source: Source;

const op = (name: string) => {
  const found = source.operations.get(name);
  if (!found)
    throw new Error(`no operation ${name}; have ${[...source.operations.keys()].join(', ')}`);
  return found;
};

async function failure(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

beforeAll(async () => {
  storefront = await startStorefront({ port: 0 });
  source = await createRestSource({
    name: 'storefront',
    contract: storefront.contract,
    url: storefront.url,
    batch: {
      getProduct: {
        via: 'listProducts',
        key: 'productId',
        listArgument: 'ids',
        itemKey: 'id',
        resultPath: 'items',
      },
    },
  });
});

afterAll(async () => {
  await source?.close();
  await storefront?.close();
});

beforeEach(() => {
  storefront.counter.reset();
  storefront.misbehaviour.set({});
});

describe('REST source against the demo storefront', () => {
  it("derives a valid subgraph with the contract's operations", () => {
    assertValidSubgraph(source.typeDefs);
    expect([...source.operations.keys()].sort()).toEqual([
      'cancelOrder',
      'createCustomer',
      'createOrder',
      'getCustomer',
      'getOrder',
      'getProduct',
      'getProductBySku',
      'listCustomerOrders',
      'listCustomers',
      'listOrders',
      'listProducts',
      'updateOrderStatus',
      'updateProduct',
    ]);
    expect(op('getProduct')).toMatchObject({ kind: 'query', idempotent: true });
    expect(op('createOrder')).toMatchObject({ kind: 'mutation', idempotent: false });
  });

  it('gets a product in subgraph shape', async () => {
    const product = (await op('getProduct').invoke({ productId: 'prod_00001' }, {})) as Rec;
    expect(product).toMatchObject({ id: 'prod_00001', sku: 'SKU-00001' });
    expect(['ACTIVE', 'DRAFT', 'ARCHIVED']).toContain(product.status);
    expect((product.price as Rec).currency).toBe('USD');
    expect(storefront.counter.snapshot()).toEqual({ getProduct: 1 });
  });

  it('pages through products with the cursor', async () => {
    const first = (await op('listProducts').invoke({ limit: 3 }, {})) as {
      items: Rec[];
      nextCursor: string | null;
    };
    expect(first.items).toHaveLength(3);
    expect(typeof first.nextCursor).toBe('string');
    const second = (await op('listProducts').invoke(
      { limit: 3, cursor: first.nextCursor },
      {},
    )) as { items: Rec[] };
    expect(second.items).toHaveLength(3);
    expect(second.items.map((p) => p.id)).not.toEqual(
      expect.arrayContaining(first.items.map((p) => p.id)),
    );
    expect(storefront.counter.snapshot()).toEqual({ listProducts: 2 });
  });

  it("lists a customer's orders", async () => {
    const page = (await op('listCustomerOrders').invoke(
      { customerId: 'cus_0001', limit: 50 },
      {},
    )) as { items: Rec[] };
    for (const order of page.items) expect(order.customerId).toBe('cus_0001');
    expect(storefront.counter.snapshot()).toEqual({ listCustomerOrders: 1 });
  });

  it('creates an order through a @oneOf payment input and reads it back', async () => {
    const created = (await op('createOrder').invoke(
      {
        input: {
          customerId: 'cus_0002',
          lines: [{ sku: 'SKU-00003', quantity: 2 }],
          payment: { cardPayment: { type: 'card', brand: 'VISA', last4: '4242' } },
          note: 'gift',
        },
      },
      { idempotencyKey: 'order-test-1' },
    )) as Rec;
    expect(created).toMatchObject({ customerId: 'cus_0002', status: 'PENDING', note: 'gift' });
    expect(created.payment).toMatchObject({ __typename: 'CardPayment', last4: '4242' });
    const read = (await op('getOrder').invoke({ orderId: created.id }, {})) as Rec;
    expect(read).toEqual(created);
    expect(storefront.counter.snapshot()).toEqual({ createOrder: 1, getOrder: 1 });
  });

  it('surfaces an error status as a SourceError with httpStatus', async () => {
    const error = await failure(op('getProduct').invoke({ productId: 'prod_99999' }, {}));
    expect(error).toMatchObject({
      code: 'SOURCE_NOT_FOUND',
      details: { httpStatus: 404 },
      source: 'storefront',
      operation: 'getProduct',
    });
    expect(error.safeMessage).not.toContain(storefront.url);
    storefront.misbehaviour.set({ unavailable: true });
    const down = await failure(op('getProduct').invoke({ productId: 'prod_00001' }, {}));
    expect(down).toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      retryable: true,
      details: { httpStatus: 503 },
      retryAfterMs: 1000,
    });
  });

  it('answers a batch of product lookups with exactly one backend call, in key order', async () => {
    const batch = op('getProduct').batch;
    expect(batch?.key).toBe('productId');
    const answers = (await batch?.invokeMany(
      ['prod_00005', 'prod_99999', 'prod_00002'],
      {},
    )) as Array<Rec | null>;
    expect(answers.map((p) => p?.id ?? null)).toEqual(['prod_00005', null, 'prod_00002']);
    expect(storefront.counter.snapshot()).toEqual({ listProducts: 1 });
  });

  it('keeps ../ and %2F in an id inside the getProduct route', async () => {
    for (const productId of [
      '../customers/cus_0001',
      '..%2Fcustomers%2Fcus_0001',
      'prod_00001/../../orders',
    ]) {
      const error = await failure(op('getProduct').invoke({ productId }, {}));
      expect(error.details.httpStatus).toBe(404);
    }
    expect(storefront.counter.snapshot()).toEqual({ getProduct: 3 });
    expect(storefront.counter.snapshot()[UNMATCHED]).toBeUndefined();
  });

  it('reports health and closes idempotently', async () => {
    const own = await createRestSource({
      name: 'storefront',
      contract: storefront.contract,
      url: storefront.url,
    });
    expect(await own.health()).toMatchObject({ ok: true });
    await own.close();
    await own.close();
  });
});

describe('REST source credentials against the demo storefront', () => {
  it('uses API key, basic and OAuth2 client credentials as the storefront demands', async () => {
    const modes = [
      {
        server: { type: 'apiKey', keys: ['k-123'] } as const,
        client: { type: 'apiKey', in: 'header', name: 'x-api-key', value: 'k-123' } as const,
      },
      {
        server: { type: 'basic', users: { ann: 'pw' } } as const,
        client: { type: 'basic', username: 'ann', password: 'pw' } as const,
      },
    ];
    for (const mode of modes) {
      const guarded = await startStorefront({ auth: mode.server });
      try {
        const anonymous = await createRestSource({
          name: 'storefront',
          contract: guarded.contract,
          url: guarded.url,
        });
        expect(
          (
            await failure(
              anonymous.operations.get('getProduct')!.invoke({ productId: 'prod_00001' }, {}),
            )
          ).code,
        ).toBe('SOURCE_UNAUTHENTICATED');
        await anonymous.close();
        const authed = await createRestSource({
          name: 'storefront',
          contract: guarded.contract,
          url: guarded.url,
          auth: mode.client,
        });
        expect(
          await authed.operations.get('getProduct')!.invoke({ productId: 'prod_00001' }, {}),
        ).toMatchObject({ id: 'prod_00001' });
        await authed.close();
      } finally {
        await guarded.close();
      }
    }
    const oauth = await startStorefront({ auth: { type: 'oauth2', clients: { shop: 'shh' } } });
    try {
      const authed = await createRestSource({
        name: 'storefront',
        contract: oauth.contract,
        url: oauth.url,
        auth: {
          type: 'oauth2ClientCredentials',
          tokenUrl: `${oauth.url}/oauth/token`,
          clientId: 'shop',
          clientSecret: 'shh',
        },
      });
      await authed.operations.get('getProduct')!.invoke({ productId: 'prod_00001' }, {});
      await authed.operations.get('getProduct')!.invoke({ productId: 'prod_00002' }, {});
      expect(oauth.counter.snapshot()).toEqual({ getProduct: 2, oauthToken: 1 });
      await authed.close();
    } finally {
      await oauth.close();
    }
  });
});
