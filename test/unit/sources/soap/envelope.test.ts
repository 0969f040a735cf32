import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../../sources/soap/contract.js';
import { buildEnvelope, EnvelopeInputError } from '../../../../sources/soap/envelope.js';
import { planBody, planResult } from '../../../../sources/soap/plan.js';
import { readResult } from '../../../../sources/soap/response.js';
import { createShapeRegistry } from '../../../../sources/soap/shapes.js';
import { readWsdl } from '../../../../sources/soap/wsdl.js';
import { firstChild, parseXml } from '../../../../sources/soap/xml.js';

const ERP_WSDL = fileURLToPath(new URL('../../../../demo/erp/erp.wsdl', import.meta.url));
const FEATURES = fileURLToPath(
  new URL('../../../fixtures/wsdl/features/features.wsdl', import.meta.url),
);

async function plans(contract: string, operation: string) {
  const loaded = await loadContract('t', contract);
  const registry = createShapeRegistry(loaded.schemas);
  const op = readWsdl(loaded.wsdls, '1.1').operations.find((o) => o.name === operation);
  if (!op) throw new Error(`no ${operation}`);
  const input = planBody(op, op.input, registry, 'input');
  const output = planBody(op, op.output, registry, 'output');
  return { op, input, output, result: planResult(output) };
}

describe('buildEnvelope', () => {
  it('writes elements in xs:sequence order with their namespaces, whatever the argument order', async () => {
    const { input } = await plans(ERP_WSDL, 'CreateSalesOrder');
    const xml = buildEnvelope({
      version: '1.1',
      body: input,
      args: { note: 'n', line: [{ quantity: 2, itemCode: 'SKU-00001' }], customerId: 'c1' },
    });
    const request = firstChild(
      firstChild(parseXml(xml), 'Body') ?? parseXml('<x/>'),
      'CreateSalesOrder',
    );
    expect(request?.ns).toBe('http://switchboard.example/erp');
    expect(request?.children.map((c) => c.local)).toEqual(['customerId', 'line', 'note']);
    expect(request?.children[1]?.children.map((c) => `${c.ns} ${c.local}=${c.text}`)).toEqual([
      'http://switchboard.example/erp/types itemCode=SKU-00001',
      'http://switchboard.example/erp/types quantity=2',
    ]);
  });

  it('escapes argument values so no caller can inject XML', async () => {
    const { input } = await plans(ERP_WSDL, 'GetItem');
    const xml = buildEnvelope({
      version: '1.1',
      body: input,
      args: { itemCode: '</itemCode><evil/><itemCode>' },
    });
    const request = firstChild(firstChild(parseXml(xml), 'Body') ?? parseXml('<x/>'), 'GetItem');
    expect(request?.children.map((c) => c.local)).toEqual(['itemCode']);
    expect(request?.children[0]?.text).toBe('</itemCode><evil/><itemCode>');
  });

  it('maps enum values to their wire literals and refuses unknown ones', async () => {
    const { input } = await plans(ERP_WSDL, 'AdjustInventory');
    const xml = buildEnvelope({
      version: '1.2',
      body: input,
      args: { itemCode: 'SKU-1', warehouse: 'WH_EAST', quantityDelta: -3, reason: 'DAMAGED' },
    });
    expect(xml).toContain('http://www.w3.org/2003/05/soap-envelope');
    expect(xml).toMatch(/<ns\d:warehouse>WH-EAST<\/ns\d:warehouse>/);
    expect(() =>
      buildEnvelope({
        version: '1.1',
        body: input,
        args: { itemCode: 'x', warehouse: 'MOON', quantityDelta: 1, reason: 'DAMAGED' },
      }),
    ).toThrow(EnvelopeInputError);
  });

  it('writes xsi:nil for null on nillable elements and skips null elsewhere', async () => {
    const { input } = await plans(ERP_WSDL, 'CreateSalesOrder');
    const xml = buildEnvelope({
      version: '1.1',
      body: input,
      args: { customerId: 'c', line: [], note: null },
    });
    expect(xml).toMatch(/<ns\d:note ns\d:nil="true"\/>/);
  });

  it('writes rpc/literal parts unqualified inside an operation wrapper in the soap:body namespace', async () => {
    const { input } = await plans(FEATURES, 'Sum');
    const request = firstChild(
      parseXml(buildEnvelope({ version: '1.1', body: input, args: { a: 1, b: '2.50' } })),
      'Body',
    )?.children[0];
    expect(request).toMatchObject({ ns: 'urn:example:math', local: 'Sum' });
    expect(request?.children.map((c) => `${c.ns}|${c.local}=${c.text}`)).toEqual([
      '|a=1',
      '|b=2.50',
    ]);
  });
});

describe('readResult', () => {
  const body = (inner: string): ReturnType<typeof parseXml> =>
    firstChild(
      parseXml(
        `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><s:Body>${inner}</s:Body></s:Envelope>`,
      ),
      'Body',
    ) as ReturnType<typeof parseXml>;

  it('reads one element as a list, keeps xs:long and xs:decimal exact, maps enums, reads xsi:nil', async () => {
    const { output, result } = await plans(ERP_WSDL, 'GetItems');
    const value = readResult(
      body(
        '<r:GetItemsResponse xmlns:r="http://switchboard.example/erp"><r:item rowVersion="9007199254740993"><itemCode>A</itemCode><description> d </description><category>c</category><weightKg>+.5</weightKg><status>draft</status><discontinuedAt xsi:nil="true"/></r:item></r:GetItemsResponse>',
      ),
      output,
      result,
    );
    expect(value).toEqual([
      {
        itemCode: 'A',
        description: ' d ',
        category: 'c',
        weightKg: '0.5',
        status: 'DRAFT',
        discontinuedAt: null,
        rowVersion: '9007199254740993',
      },
    ]);
  });

  it('reads numbers and booleans as such', async () => {
    const { output, result } = await plans(ERP_WSDL, 'GetStockLevels');
    const value = readResult(
      body(
        '<GetStockLevelsResponse><stockLevel><itemCode>A</itemCode><warehouse>WH-WEST</warehouse><onHand> 12 </onHand><reserved>0</reserved><available>12</available></stockLevel><stockLevel><itemCode>B</itemCode><warehouse>WH-EAST</warehouse><onHand>1</onHand><reserved>1</reserved><available>0</available></stockLevel></GetStockLevelsResponse>',
      ),
      output,
      result,
    );
    expect(value).toEqual([
      { itemCode: 'A', warehouse: 'WH_WEST', onHand: 12, reserved: 0, available: 12 },
      { itemCode: 'B', warehouse: 'WH_EAST', onHand: 1, reserved: 1, available: 0 },
    ]);
    expect(readResult(body('<GetStockLevelsResponse/>'), output, result)).toEqual([]);
  });

  it('refuses a value that does not match its declared type', async () => {
    const { output, result } = await plans(ERP_WSDL, 'GetStockLevels');
    expect(() =>
      readResult(
        body(
          '<R><stockLevel><itemCode>A</itemCode><warehouse>WH-WEST</warehouse><onHand>twelve</onHand><reserved>0</reserved><available>1</available></stockLevel></R>',
        ),
        output,
        result,
      ),
    ).toThrow(/onHand is not a 32-bit integer/);
    expect(() =>
      readResult(
        body('<R><stockLevel><itemCode>A</itemCode><warehouse>MARS</warehouse></stockLevel></R>'),
        output,
        result,
      ),
    ).toThrow(/not one of Warehouse/);
  });
});

describe('readResult with free-form content', () => {
  it('reads xs:anyType as JSON without letting __proto__ reach a prototype', async () => {
    const { elementToJson } = await import('../../../../sources/soap/response.js');
    // The parser itself refuses such names; elementToJson must be safe on its own too.
    expect(() =>
      parseXml('<note><__proto__><polluted>yes</polluted></__proto__></note>'),
    ).toThrow();
    const leaf = (local: string, text: string) => ({
      ns: '',
      local,
      attrs: {},
      children: [],
      text,
      scope: new Map<string, string>(),
    });
    const json = elementToJson({
      ...leaf('note', ''),
      attrs: { a: '1' },
      children: [
        { ...leaf('__proto__', ''), children: [leaf('polluted', 'yes')] },
        leaf('x', '1'),
        leaf('x', '2'),
      ],
    }) as Record<string, unknown>;
    expect(Object.hasOwn(json, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect(json['@a']).toBe('1');
    expect(json.x).toEqual(['1', '2']);
  });
});
