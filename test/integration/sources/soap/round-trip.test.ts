/**
 * SOAP round trips over the hand-made features WSDL: every XSD construct it
 * uses (all built-in types, xs:all, sequence, choice, complexContent
 * extension and restriction, simpleContent with an attribute, group and
 * attributeGroup refs, element refs into another namespace, any and
 * anyAttribute, anyType, nillable, empty types) and both literal styles
 * (document and rpc), through a gateway to a server that records what it
 * parsed. Each test asserts the names, namespaces, order and lexical values
 * the server read, and what the caller got.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSoapSource } from '../../../../sources/soap/index.js';
import { startGatewayOn, useHarness, type TestGateway } from '../../../harness/index.js';
import { compact, startRecordingSoapServer, type RecordingSoapServer } from './recording-server.js';

useHarness();

const ERP_CONTRACT = fileURLToPath(new URL('../../../../demo/erp/erp.wsdl', import.meta.url));
const CONTRACT = fileURLToPath(
  new URL('../../../fixtures/wsdl/features/features.wsdl', import.meta.url),
);
const F = '{urn:example:features}';
const O = '{urn:example:other}';

const ANSWERS: Record<string, string> = {
  FindCustomer: `<f:FindCustomerResponse xmlns:f="urn:example:features" xmlns:c="urn:example:common" xmlns:o="urn:example:other" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <f:customer createdBy="ada" revision="18446744073709551615" xsi:type="f:Customer">
      <f:id>9007199254740993</f:id>
      <f:home><c:street>1 Main &amp; Co</c:street><c:city>Springfield</c:city></f:home>
      <f:abroad><o:line>Rue 1</o:line><o:line>Paris</o:line></f:abroad>
      <f:email>ada@example.test</f:email>
      <o:Tag>gold</o:Tag><o:Tag>early</o:Tag>
      <f:priority>high-urgent</f:priority>
      <f:balance currency="EUR">-12.50</f:balance>
      <f:taxFree/>
      <f:extra flavour="lax"><f:loyalty level="3">yes</f:loyalty></f:extra>
      <f:note><free>form</free></f:note>
    </f:customer>
  </f:FindCustomerResponse>`,
  Probe: `<f:ProbeResult xmlns:f="urn:example:features">${'{PROBE}'}</f:ProbeResult><f:Summary xmlns:f="urn:example:features" createdBy="bo"><f:id>-1</f:id></f:Summary>`,
  Ping: '<f:Ping xmlns:f="urn:example:features"/>',
  Sum: '<m:SumResponse xmlns:m="urn:example:math"><total>3.75</total></m:SumResponse>',
};

const PROBE = {
  aString: 'a <b> & "c" \'d\' ünï 🙂',
  aNormalizedString: 'one two',
  aToken: 'tok',
  aLanguage: 'en-GB',
  aName: 'x:name',
  aNCName: 'ncname',
  aNMTOKEN: 'n-1',
  aNMTOKENS: 'n1 n2',
  aID: 'id1',
  aIDREF: 'id1',
  aIDREFS: 'id1 id2',
  aENTITY: 'ent',
  aENTITIES: 'e1 e2',
  aAnyURI: 'https://example.test/a?b=c&d=e',
  aQName: 'f:Probe',
  aNOTATION: 'gif',
  aHexBinary: '0FB7',
  aBase64Binary: 'AP8B',
  aAnySimpleType: 'simple',
  aAnyType: 'free text',
  aTime: '13:20:00Z',
  aGYear: '2026',
  aGYearMonth: '2026-11',
  aGMonth: '--11',
  aGMonthDay: '--11-30',
  aGDay: '---30',
  aDateTime: '2026-11-30T01:02:03.004Z',
  aDate: '2026-11-30',
  aDuration: 'P1DT2H',
  aBoolean: false,
  aFloat: 0.5,
  aDouble: -1.25e-7,
  aDecimal: '12345678901234567890.123456789',
  aInteger: '-123456789012345678901234567890',
  aNonNegativeInteger: '0',
  aPositiveInteger: '18446744073709551616',
  aNonPositiveInteger: '0',
  aNegativeInteger: '-1',
  aLong: '-9223372036854775808',
  aInt: -2147483648,
  aShort: -32768,
  aByte: -128,
  aUnsignedLong: '18446744073709551615',
  aUnsignedInt: '4294967295',
  aUnsignedShort: 65535,
  aUnsignedByte: 255,
};

async function serve(
  answers: Record<string, string> = ANSWERS,
): Promise<{ server: RecordingSoapServer; gateway: TestGateway }> {
  const server = await startRecordingSoapServer(answers);
  const gateway = await startGatewayOn({
    sources: [createSoapSource({ name: 'feat', contract: CONTRACT, url: server.url })],
    logging: { level: 'silent' },
  });
  return { server, gateway };
}

describe('SOAP requests, as the server parsed them', () => {
  it('writes a document/literal call qualified in its namespace, and an rpc/literal call with unqualified parts', async () => {
    const { server, gateway } = await serve();
    const { body } = await gateway.graphql('mutation { feat { ping sum(a: -7, b: "10.75") } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.feat).toEqual({ ping: true, sum: '3.75' });
    expect(
      server.received.map((r) => ({
        action: r.soapAction,
        type: r.contentType,
        body: r.body.map(compact),
      })),
    ).toEqual([
      { action: '"urn:ping"', type: 'text/xml; charset=utf-8', body: [{ [`${F}Ping`]: '' }] },
      // rpc/literal: the wrapper is named after the operation in the binding's namespace; its parts are unqualified (WS-I BP 1.1, R2735).
      {
        action: '"urn:sum"',
        type: 'text/xml; charset=utf-8',
        body: [{ '{urn:example:math}Sum': [{ '{}a': '-7' }, { '{}b': '10.75' }] }],
      },
    ]);
  });

  it('writes every XSD built-in type in its lexical form, in order, qualified, with markup in text escaped', async () => {
    const { server, gateway } = await serve();
    const { body } = await gateway.graphql(
      'mutation ($probe: FeatAllTypesInput!) { feat { probe(probe: $probe, tag: "t-1") { summary { id } } } }',
      { probe: PROBE },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.feat.probe).toEqual({ summary: { id: '-1' } });
    expect(server.received).toHaveLength(1);
    const [probe, tag] = server.received[0]?.body ?? [];
    expect(probe?.name).toBe(`${F}Probe`);
    expect(probe?.children.map((child) => child.name)).toEqual(
      Object.keys(PROBE).map((key) => `${F}${key}`),
    );
    const lexical = Object.fromEntries(
      probe?.children.map((child) => [child.name.slice(F.length), child.text]) ?? [],
    );
    expect(lexical).toEqual(stringified(PROBE));
    expect(tag && compact(tag)).toEqual({ [`${O}Tag`]: 't-1' });
  });
});

describe('SOAP answers, as the caller got them', () => {
  it('reads every built-in type back from its lexical form', async () => {
    const xml = Object.entries(PROBE)
      .map(([key, value]) => `<f:${key}>${escapeXml(String(value))}</f:${key}>`)
      .join('');
    const { gateway } = await serve({
      ...ANSWERS,
      Probe: (ANSWERS.Probe as string).replace('{PROBE}', xml),
    });
    const { body } = await gateway.graphql(
      `mutation ($probe: FeatAllTypesInput!) { feat { probe(probe: $probe, tag: "t") { probeResult { ${Object.keys(PROBE).join(' ')} } summary { id createdBy revision } } } }`,
      { probe: PROBE },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.feat.probe).toEqual({
      probeResult: PROBE,
      summary: { id: '-1', createdBy: 'bo', revision: null },
    });
  });

  it('reads extension, restriction, simpleContent, group and attributeGroup refs, element refs, choice, any, anyType and empty types', async () => {
    const { server, gateway } = await serve();
    const { body } = await gateway.graphql(`{ feat { findCustomer(id: "9007199254740993") {
      id createdBy revision home { street city } abroad { line } email phone tag priority balance { value currency }
      vatId taxFree { _empty } extra { any otherAttributes } note
    } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.feat.findCustomer).toEqual({
      id: '9007199254740993',
      createdBy: 'ada',
      revision: '18446744073709551615',
      home: { street: '1 Main & Co', city: 'Springfield' },
      abroad: { line: ['Rue 1', 'Paris'] },
      email: 'ada@example.test',
      phone: null,
      tag: ['gold', 'early'],
      priority: 'HIGH_URGENT',
      balance: { value: '-12.50', currency: 'EUR' },
      vatId: null,
      taxFree: { _empty: true },
      extra: {
        any: { loyalty: { '@level': '3', '#text': 'yes' } },
        otherAttributes: { flavour: 'lax' },
      },
      note: { free: 'form' },
    });
    expect(server.received[0]?.body.map(compact)).toEqual([
      { [`${F}FindCustomer`]: [{ [`${F}id`]: '9007199254740993' }] },
    ]);
  });

  it('reads a nil element as null and the other branch of a choice', async () => {
    const nil =
      '<f:FindCustomerResponse xmlns:f="urn:example:features" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><f:customer xsi:nil="true"/></f:FindCustomerResponse>';
    const { gateway } = await serve({ ...ANSWERS, FindCustomer: nil });
    const { body } = await gateway.graphql('{ feat { findCustomer(id: "1") { id } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.feat.findCustomer).toBeNull();
    const vat = (ANSWERS.FindCustomer as string).replace(
      '<f:taxFree/>',
      '<f:vatId>DE123</f:vatId>',
    );
    const other = await serve({ ...ANSWERS, FindCustomer: vat });
    const chosen = await other.gateway.graphql(
      '{ feat { findCustomer(id: "1") { vatId taxFree { _empty } } } }',
    );
    expect(chosen.body.data.feat.findCustomer).toEqual({ vatId: 'DE123', taxFree: null });
  });
});

function stringified(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

describe('the demo erp contract, as a server parsed it', () => {
  it('writes repeated complex elements, enums by their XSD values and optional parts left out, in schema order', async () => {
    const server = await startRecordingSoapServer({});
    const gateway = await startGatewayOn({
      sources: [createSoapSource({ name: 'erp', contract: ERP_CONTRACT, url: server.url })],
      logging: { level: 'silent' },
    });
    await gateway.graphql(`mutation { erp {
      createSalesOrder(customerId: "cus_0001", line: [{ itemCode: "SKU-00001", quantity: 2 }, { itemCode: "SKU-00002", quantity: 1 }]) { documentNumber }
      adjustInventory(itemCode: "SKU-00003", warehouse: WH_WEST, quantityDelta: -4, reason: DAMAGED) { documentNumber }
    } }`);
    await gateway.graphql(
      '{ erp { getStockLevels(itemCode: ["SKU-00001", "SKU-00002"], warehouse: WH_CENTRAL) { onHand } listSalesOrders(status: PAID) { documentNumber } } }',
    );
    const E = '{http://switchboard.example/erp}';
    const T = '{http://switchboard.example/erp/types}';
    const line = (code: string, quantity: string) => ({
      [`${E}line`]: [{ [`${T}itemCode`]: code }, { [`${T}quantity`]: quantity }],
    });
    expect(
      server.received.map((r) => ({ action: r.soapAction, body: r.body.map(compact) })),
    ).toEqual([
      // Elements of a type imported from erp-types.xsd are qualified in that schema's namespace (its elementFormDefault).
      {
        action: '"http://switchboard.example/erp/CreateSalesOrder"',
        body: [
          {
            [`${E}CreateSalesOrder`]: [
              { [`${E}customerId`]: 'cus_0001' },
              line('SKU-00001', '2'),
              line('SKU-00002', '1'),
            ],
          },
        ],
      },
      {
        action: '"http://switchboard.example/erp/AdjustInventory"',
        body: [
          {
            [`${E}AdjustInventory`]: [
              { [`${E}itemCode`]: 'SKU-00003' },
              { [`${E}warehouse`]: 'WH-WEST' },
              { [`${E}quantityDelta`]: '-4' },
              { [`${E}reason`]: 'damaged' },
            ],
          },
        ],
      },
      {
        action: '"http://switchboard.example/erp/GetStockLevels"',
        body: [
          {
            [`${E}GetStockLevels`]: [
              { [`${E}itemCode`]: 'SKU-00001' },
              { [`${E}itemCode`]: 'SKU-00002' },
              { [`${E}warehouse`]: 'WH-CENTRAL' },
            ],
          },
        ],
      },
      {
        action: '"http://switchboard.example/erp/ListSalesOrders"',
        body: [{ [`${E}ListSalesOrders`]: [{ [`${E}status`]: 'paid' }] }],
      },
    ]);
  });
});
