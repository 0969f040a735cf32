/**
 * REST round trips: every parameter style and answer shape the REST source
 * claims, through a gateway to a mock that parses each request by the
 * OpenAPI rules (test/harness/openapi-params.ts), validates it against the
 * contract and answers from its examples. Each test asserts what the backend
 * received, parsed and typed, and what the caller got. The demo storefront's
 * own contract is served the same way, then the real demo storefront is
 * asked the same questions.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRestSource } from '../../../../sources/rest/index.js';
import {
  demoConfig,
  startGatewayOn,
  startOpenApiMock,
  startSystems,
  useHarness,
  type OpenApiMock,
  type TestGateway,
} from '../../../harness/index.js';

useHarness();

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../fixtures/openapi/${name}`, import.meta.url));

async function serve(
  name: string,
  contract: string,
): Promise<{ mock: OpenApiMock; gateway: TestGateway }> {
  const mock = await startOpenApiMock(contract);
  const gateway = await startGatewayOn({
    sources: [createRestSource({ name, contract, url: mock.url })],
    logging: { level: 'silent' },
  });
  return { mock, gateway };
}

describe('REST parameter styles, on the wire', () => {
  it('sends path, query (form, explode or not, deepObject, space- and pipe-delimited, JSON content), header and cookie values the backend parses back', async () => {
    const { mock, gateway } = await serve('shop', fixture('param-styles.yaml'));
    const { body } = await gateway.graphql(`{ shop { search(
      id: 7, tags: ["a b", "c/d"], coords: { x: 1, y: -2 },
      q: "tea & cake", active: false, colors: [RED, DARK_BLUE], sizes: [38, 40],
      range: { min: 1.5, max: 9 }, point: { x: 3, y: 4 }, where: { status: "open", owner: "ada lovelace" },
      words: ["green", "tea"], codes: ["A|1", "B"], meta: { page: 2 },
      xTraceId: "trace-1", xFlags: ["beta", "new"], session: "s=1;x", prefs: ["dark", "compact"]
    ) { nickname } } }`);
    expect(body.errors).toBeUndefined();
    expect(mock.violations()).toEqual([]);
    expect(mock.received).toHaveLength(1);
    const got = mock.received[0];
    expect(got?.path).toEqual({ id: 7, tags: ['a b', 'c/d'], coords: { x: 1, y: -2 } });
    expect(got?.query).toEqual({
      q: 'tea & cake',
      active: false,
      colors: ['red', 'dark-blue'],
      sizes: [38, 40],
      range: { min: 1.5, max: 9 },
      point: { x: 3, y: 4 },
      where: { status: 'open', owner: 'ada lovelace' },
      words: ['green', 'tea'],
      // A pipe inside a pipeDelimited value cannot be told apart: the style has no escape (OpenAPI 3.0 "Style Values").
      codes: ['A', '1', 'B'],
      meta: { page: 2 },
    });
    expect(got?.headers).toEqual({ 'X-Trace-Id': 'trace-1', 'X-Flags': ['beta', 'new'] });
    expect(got?.cookies).toEqual({ session: 's=1;x', prefs: ['dark', 'compact'] });
  });

  it('sends label and matrix path styles, exploded and not', async () => {
    const { mock, gateway } = await serve('shop', fixture('param-styles.yaml'));
    const { body } = await gateway.graphql(
      '{ shop { styled(label: "a b", labels: [3, 4], matrix: "m", matrices: ["x", "y"]) } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.shop.styled).toBe(true);
    expect(mock.violations()).toEqual([]);
    expect(mock.received[0]?.path).toEqual({
      label: 'a b',
      labels: [3, 4],
      matrix: 'm',
      matrices: ['x', 'y'],
    });
    expect(mock.received[0]?.url).toBe('/styled/.a%20b/.3.4/;matrix=m/;matrices=x;matrices=y');
  });

  it('leaves optional parameters out rather than sending them empty', async () => {
    const { mock, gateway } = await serve('shop', fixture('param-styles.yaml'));
    const { body } = await gateway.graphql(
      '{ shop { search(id: 1, tags: ["x"], coords: { x: 0, y: 0 }, q: "", xTraceId: "t", session: "s") { nickname } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(mock.violations()).toEqual([]);
    expect(mock.received[0]?.query).toEqual({ q: '' });
    expect(mock.received[0]?.cookies).toEqual({ session: 's' });
  });
});

describe('REST answer shapes, on the wire', () => {
  it('maps oneOf members with and without a discriminator, nullable values and additionalProperties', async () => {
    const { mock, gateway } = await serve('shop', fixture('param-styles.yaml'));
    const { body } =
      await gateway.graphql(`{ shop { search(id: 1, tags: ["x"], coords: { x: 0, y: 0 }, q: "q", xTraceId: "t", session: "s") {
      pets { __typename ... on ShopCat { name lives } ... on ShopDog { name good } }
      shapes { __typename ... on ShopCircle { radius } ... on ShopSquare { side label } }
      owner { name } nickname labels counts scores
    } } }`);
    expect(body.errors).toBeUndefined();
    expect(mock.violations()).toEqual([]);
    expect(body.data.shop.search).toEqual({
      pets: [
        { __typename: 'ShopCat', name: 'Tom', lives: 9 },
        { __typename: 'ShopDog', name: 'Rex', good: true },
      ],
      shapes: [
        { __typename: 'ShopCircle', radius: 2.5 },
        { __typename: 'ShopSquare', side: 3, label: 'tile' },
      ],
      owner: null,
      nickname: null,
      labels: { color: 'red', size: 'L' },
      counts: { views: 12 },
      scores: { math: { value: 1.5 } },
    });
  });

  it('sends each oneOf input member as the contract wants it: with its discriminator, or as the member alone', async () => {
    const { mock, gateway } = await serve('shop', fixture('param-styles.yaml'));
    const { body } = await gateway.graphql(`mutation { shop {
      addPet(input: { dog: { kind: "dog", name: "Rex", good: true } }) { __typename ... on ShopDog { name } }
      addShape(input: { square: { side: 3 } }) { __typename ... on ShopSquare { side } }
    } }`);
    expect(body.errors).toBeUndefined();
    expect(mock.violations()).toEqual([]);
    expect(body.data.shop).toEqual({
      addPet: { __typename: 'ShopDog', name: 'Rex' },
      addShape: { __typename: 'ShopSquare', side: 3 },
    });
    expect(mock.received.map((r) => r.body)).toEqual([
      { kind: 'dog', name: 'Rex', good: true },
      { side: 3 },
    ]);
  });
});

const STOREFRONT_QUERIES: ReadonlyArray<{ name: string; query: string }> = [
  {
    name: 'listProducts',
    query:
      '{ storefront { listProducts(limit: 2, ids: ["prod_00001", "prod_00002"], status: ACTIVE) { items { id sku status price { amountMinor currency } variants { sku size } } nextCursor } } }',
  },
  {
    name: 'getProduct',
    query: '{ storefront { getProduct(productId: "prod_00001") { id sku title } } }',
  },
  {
    name: 'listOrders',
    query:
      '{ storefront { listOrders(limit: 2, status: PAID) { items { id status payment { __typename } total { amountMinor } } nextCursor } } }',
  },
  {
    name: 'createOrder',
    query: `mutation { storefront { createOrder(idempotencyKey: "key-1", input: {
      customerId: "cus_0001", lines: [{ sku: "SKU-00001", quantity: 2 }],
      payment: { cardPayment: { type: "card", brand: VISA, last4: "4242" } }
    }) { id status payment { __typename ... on StorefrontCardPayment { brand last4 } } } } }`,
  },
];

describe('the demo storefront contract, on the wire', () => {
  it('sends every call as the contract says and reads the documented answers', async () => {
    const { mock, gateway } = await serve(
      'storefront',
      fileURLToPath(new URL('../../../../demo/storefront/openapi.yaml', import.meta.url)),
    );
    for (const { query } of STOREFRONT_QUERIES) {
      const { body } = await gateway.graphql(query);
      expect(body.errors).toBeUndefined();
    }
    expect(mock.violations()).toEqual([]);
    expect(mock.received.map((r) => r.operation)).toEqual(STOREFRONT_QUERIES.map((q) => q.name));
    expect(mock.received[0]?.query).toEqual({
      limit: 2,
      ids: ['prod_00001', 'prod_00002'],
      status: 'active',
    });
    expect(mock.received[3]?.headers).toEqual({ 'Idempotency-Key': 'key-1' });
    expect(mock.received[3]?.body).toEqual({
      customerId: 'cus_0001',
      lines: [{ sku: 'SKU-00001', quantity: 2 }],
      payment: { type: 'card', brand: 'visa', last4: '4242' },
    });
  });
});

describe('the demo storefront itself', () => {
  it('answers the same calls, one backend call each, with what was asked for', async () => {
    const systems = await startSystems(['storefront']);
    const gateway = await startGatewayOn(demoConfig(systems));
    const answers = [];
    for (const { query } of STOREFRONT_QUERIES) {
      const { body } = await gateway.graphql(query);
      expect(body.errors).toBeUndefined();
      answers.push(body.data.storefront);
    }
    expect(systems.counts().storefront).toEqual({
      listProducts: 1,
      getProduct: 1,
      listOrders: 1,
      createOrder: 1,
    });
    expect(answers[0].listProducts.items.map((p: { id: string }) => p.id)).toEqual([
      'prod_00001',
      'prod_00002',
    ]);
    expect(answers[1].getProduct.id).toBe('prod_00001');
    for (const order of answers[2].listOrders.items as Array<{ status: string }>)
      expect(order.status).toBe('PAID');
    expect(answers[3].createOrder.payment).toEqual({
      __typename: 'StorefrontCardPayment',
      brand: 'VISA',
      last4: '4242',
    });
  });
});
