/**
 * Issue 14: XSD facets reach the edge. A value the WSDL's facets refuse
 * (a 65-character SKU, no item codes at all, a quantity past its derived
 * bound, a code that breaks one of two ANDed patterns, six lines where five
 * are allowed) is 400 BAD_USER_INPUT at its path, and neither the demo erp
 * (its own call counter) nor the recording backend sees a request. The
 * last case reuses these servers for an answer missing a required element.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startErp } from '../../../../demo/erp/index.js';
import type { DemoSystem } from '../../../../demo/common/system.js';
import { createSoapSource } from '../../../../sources/soap/index.js';
import { startGatewayOn, useHarness, type TestGateway } from '../../../harness/index.js';
import { startRecordingSoapServer, type RecordingSoapServer } from './recording-server.js';

useHarness();

const FACETS = fileURLToPath(new URL('../../../fixtures/wsdl/facets/facets.wsdl', import.meta.url));

let erp: DemoSystem;
let backend: RecordingSoapServer;
let gateway: TestGateway;

beforeAll(async () => {
  erp = await startErp();
  backend = await startRecordingSoapServer({
    PlaceOrder:
      '<PlaceOrderResponse xmlns="urn:example:facets"><orderId>o-1</orderId></PlaceOrderResponse>',
    Scale: '<f:ScaleResponse xmlns:f="urn:example:facets"><result>6</result></f:ScaleResponse>',
    // The erp contract's Item without its required <description>.
    GetItem:
      '<GetItemResponse xmlns="http://switchboard.example/erp"><item rowVersion="1"><itemCode>A</itemCode><category>c</category><weightKg>1.0</weightKg><status>active</status></item></GetItemResponse>',
  });
  gateway = await startGatewayOn({
    sources: [
      createSoapSource({ name: 'erp', contract: erp.contract, url: erp.url }),
      createSoapSource({
        name: 'facets',
        contract: FACETS,
        url: backend.url,
        operationKinds: { PlaceOrder: 'query', Scale: 'query' },
      }),
      createSoapSource({ name: 'partial', contract: erp.contract, url: backend.url }),
    ],
    endpoints: { sources: 'read-only' },
    logging: { level: 'silent' },
  });
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await backend?.close();
  await erp?.close();
});

describe('XSD facets at the edge', () => {
  it('the demo erp: refused SKUs cost no call; a valid one is answered', async () => {
    erp.counter.reset();
    const long = 'S'.repeat(65);
    const refused = [
      [`{ erp { getItem(itemCode: "${long}") { itemCode } } }`, 'maxLength', 'itemCode'],
      ['{ erp { getItems(itemCode: []) { itemCode } } }', 'minItems', 'itemCode'],
      [
        `{ erp { getStockLevels(itemCode: ["SKU-00001", "${long}"]) { itemCode } } }`,
        'maxLength',
        'itemCode[1]',
      ],
    ] as const;
    for (const [query, constraint, argument] of refused) {
      const { status, body } = await gateway.graphql(query);
      expect(status, query).toBe(400);
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        constraint,
        argument,
      });
    }
    expect(erp.counter.total()).toBe(0);

    const ok = await gateway.graphql('{ erp { getItem(itemCode: "SKU-00001") { itemCode } } }');
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.erp.getItem).toEqual({ itemCode: 'SKU-00001' });
    expect(erp.counter.total()).toBe(1);
  });

  it('ranges, ANDed patterns, attributes and item counts from derived types', async () => {
    const line = (over: Record<string, string> = {}): string => {
      const fields = { code: '"EAB-1234"', quantity: '5', ...over };
      return `{ ${Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')} }`;
    };
    const placeOrder = (lines: string[], extra = ''): string =>
      `{ facets { placeOrder(customer: "ACME", line: [${lines.join(', ')}]${extra}) } }`;
    const refused = [
      [placeOrder([line({ quantity: '100' })]), 'exclusiveMax', 'line[0].quantity'],
      [placeOrder([line({ quantity: '0' })]), 'min', 'line[0].quantity'],
      // matches [A-Z]{3}-\d{4} but not the derived type's E.*
      [placeOrder([line({ code: '"WAB-1234"' })]), 'pattern', 'line[0].code'],
      [placeOrder([line({ country: '"USA"' })]), 'maxLength', 'line[0].country'],
      [placeOrder([line({ ratio: '0' })]), 'exclusiveMin', 'line[0].ratio'],
      [placeOrder([line({ price: '"1.999"' })]), 'pattern', 'line[0].price'],
      [placeOrder(Array.from({ length: 6 }, () => line())), 'maxItems', 'line'],
      [placeOrder([line()], ', priority: 256'), 'max', 'priority'],
      [placeOrder([line()], ', serial: "-1"'), 'min', 'serial'],
      [placeOrder([line()], ', literal: "^$x"'), 'pattern', 'literal'],
      ['{ facets { scale(factor: 100) } }', 'exclusiveMax', 'factor'],
    ] as const;
    for (const [query, constraint, argument] of refused) {
      const { status, body } = await gateway.graphql(query);
      expect(status, query).toBe(400);
      expect(body.errors?.[0]?.extensions, query).toMatchObject({
        code: 'BAD_USER_INPUT',
        constraint,
        argument,
      });
    }
    // a literal that is no Decimal at all: the validation error names its place inside the argument
    const exponent = await gateway.graphql(placeOrder([line(), line({ price: '"1e5"' })]));
    expect(exponent.status).toBe(400);
    expect(exponent.body.errors?.[0]?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      argument: 'line[1].price',
    });
    expect(backend.received).toHaveLength(0);

    const ok = await gateway.graphql(
      placeOrder(
        [line({ country: '"US"', ratio: '0.5', price: '"19.90"' }), line({ quantity: '99' })],
        ', priority: 255, serial: "18446744073709551615", literal: "$^x"',
      ),
    );
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.facets.placeOrder).toBe('o-1');
    const scaled = await gateway.graphql('{ facets { scale(factor: 99) } }');
    expect(scaled.body.errors).toBeUndefined();
    expect(scaled.body.data.facets.scale).toBe(6);
    expect(backend.received).toHaveLength(2);
  });

  // Issue 14, same servers: a required element missing from an answer read as null and was masked as "Unexpected error.".
  it('an answer missing a required element fails that field with SOURCE_BAD_RESPONSE; the rest arrives', async () => {
    const { body } = await gateway.graphql(
      '{ partial { getItem(itemCode: "A") { itemCode category description } } }',
    );
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      message: 'partial answered getItem without result.item.description, which its WSDL requires.',
      path: ['partial', 'getItem', 'description'],
      extensions: { code: 'SOURCE_BAD_RESPONSE', source: 'partial', operation: 'getItem' },
    });
    // description is String!: the null travels up to the nullable getItem, as GraphQL says
    expect(body.data.partial.getItem).toBeNull();
    const unselected = await gateway.graphql(
      '{ partial { getItem(itemCode: "A") { itemCode category } } }',
    );
    expect(unselected.body.errors).toBeUndefined();
    expect(unselected.body.data.partial.getItem).toEqual({ itemCode: 'A', category: 'c' });
  });
});
