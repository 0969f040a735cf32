import { request } from 'undici';
import { createClientAsync, type Client } from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startErp } from '../../../demo/erp/index.js';
import type { DemoSystem } from '../../../demo/common/system.js';

// A real third-party SOAP client (the `soap` package) talks to the demo erp,
// so the erp is checked against someone else's reading of its WSDL.
let erp: DemoSystem;
let client: Client;

type Call = (args: unknown) => Promise<[Record<string, unknown>, string]>;
const call = (name: string, args: unknown): Promise<[Record<string, unknown>, string]> =>
  (client as unknown as Record<string, Call>)[`${name}Async`]?.(args) as Promise<
    [Record<string, unknown>, string]
  >;

beforeAll(async () => {
  erp = await startErp();
  client = await createClientAsync(`${erp.url}?wsdl`);
});

afterAll(async () => {
  await erp.close();
});

describe('demo erp over SOAP, called by the soap npm client', () => {
  it('serves its WSDL with its own address and the imported XSD', async () => {
    const wsdl = await request(`${erp.url}?wsdl`);
    const text = await wsdl.body.text();
    expect(wsdl.statusCode).toBe(200);
    expect(text).toContain(`location="${erp.url}"`);
    const xsd = await request(new URL('erp-types.xsd', erp.url));
    expect(await xsd.body.text()).toContain('name="SalesOrder"');
  });

  it('looks up an item, counting the call by operation name', async () => {
    erp.counter.reset();
    const [result] = await call('GetItem', { itemCode: 'SKU-00001' });
    const item = result.item as Record<string, unknown>;
    expect(item.itemCode).toBe('SKU-00001');
    expect(String(item.weightKg)).toMatch(/^\d+(\.\d+)?$/);
    expect((item.attributes as Record<string, string>).rowVersion).toBe('9007199254740993');
    expect(erp.counter.snapshot()).toEqual({ GetItem: 1 });
  });

  it('answers stock for many item codes in one call, one row per item per warehouse', async () => {
    erp.counter.reset();
    const [result] = await call('GetStockLevels', {
      itemCode: ['SKU-00001', 'SKU-00002', 'SKU-00003'],
    });
    const rows = result.stockLevel as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(9);
    expect(rows.map((row) => `${row.itemCode}@${row.warehouse}`).slice(0, 3)).toEqual([
      'SKU-00001@WH-EAST',
      'SKU-00001@WH-WEST',
      'SKU-00001@WH-CENTRAL',
    ]);
    for (const row of rows)
      expect(Number(row.available)).toBe(Number(row.onHand) - Number(row.reserved));
    expect(erp.counter.snapshot()).toEqual({ GetStockLevels: 1 });
  });

  it('creates a sales order, then reads it back', async () => {
    const [created] = await call('CreateSalesOrder', {
      customerId: 'cus_0007',
      line: [
        { itemCode: 'SKU-00010', quantity: 2 },
        { itemCode: 'SKU-00011', quantity: 1 },
      ],
    });
    const order = created.salesOrder as Record<string, unknown>;
    expect(order).toMatchObject({ customerId: 'cus_0007', status: 'pending', totalQuantity: 3 });
    const [fetched] = await call('GetSalesOrder', { documentNumber: order.documentNumber });
    const again = fetched.salesOrder as Record<string, unknown>;
    expect(again.documentNumber).toBe(order.documentNumber);
    expect((again.line as unknown[]).length).toBe(2);
  });

  it('answers an unknown item with a soap:Client fault carrying a detail', async () => {
    const error = await call('GetItem', { itemCode: 'SKU-99999' }).then(
      () => undefined,
      (e: unknown) =>
        e as {
          root?: { Envelope?: { Body?: { Fault?: Record<string, unknown> } } };
          response?: { status?: number };
        },
    );
    const fault = error?.root?.Envelope?.Body?.Fault;
    expect(fault?.faultcode).toBe('soap:Client');
    expect(fault?.faultstring).toContain('SKU-99999');
    expect(JSON.stringify(fault?.detail)).toContain('UNKNOWN_ITEM');
    expect(error?.response?.status).toBe(500);
  });

  it('answers a bad quantity with a soap:Client fault', async () => {
    const error = await call('CreateSalesOrder', {
      customerId: 'c',
      line: [{ itemCode: 'SKU-00001', quantity: 0 }],
    }).then(
      () => undefined,
      (e: unknown) => e as { root?: { Envelope?: { Body?: { Fault?: Record<string, unknown> } } } },
    );
    expect(error?.root?.Envelope?.Body?.Fault?.faultcode).toBe('soap:Client');
    expect(JSON.stringify(error?.root?.Envelope?.Body?.Fault?.detail)).toContain('BAD_QUANTITY');
  });

  it('misbehaves on demand: rate-limited is HTTP 429 + Retry-After with a Server.RateLimited fault', async () => {
    erp.misbehaviour.set({ rateLimited: true });
    try {
      const response = await request(erp.url, {
        method: 'POST',
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: '"http://switchboard.example/erp/GetItem"',
        },
        body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetItem xmlns="http://switchboard.example/erp"><itemCode xmlns="http://switchboard.example/erp">SKU-00001</itemCode></GetItem></s:Body></s:Envelope>',
      });
      expect(response.statusCode).toBe(429);
      expect(response.headers['retry-after']).toBe('1');
      expect(await response.body.text()).toContain(
        '<faultcode>soap:Server.RateLimited</faultcode>',
      );
    } finally {
      erp.misbehaviour.set({});
    }
  });

  it('refuses a DOCTYPE and an oversized request', async () => {
    const post = (body: string) =>
      request(erp.url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    const doctype = await post(
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    );
    expect(doctype.statusCode).toBe(500);
    const text = await doctype.body.text();
    expect(text).toContain('soap:Client');
    expect(text).not.toContain('root:');
    const big = await post(`<x>${'a'.repeat(1024 * 1024 + 10)}</x>`);
    expect(big.statusCode).toBe(413);
    await big.body.dump();
  });
});
