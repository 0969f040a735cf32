/**
 * The erp's writes as a system of record, the way an old ERP makes them safe
 * to repeat: externalReference as a natural key on sales orders (a duplicate
 * is a SOAP fault naming the first), FindSalesOrderByExternalReference,
 * CancelSalesOrder releasing reserved stock, UpdateItem, and AdjustInventory
 * applied once per requestId. Called with the `soap` npm client (someone
 * else's reading of the WSDL) and with raw envelopes where the fault's exact
 * shape matters. Counts records; never measures time.
 */
import { createClientAsync, type Client } from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoSystem } from '../../../demo/common/system.js';
import { startErp } from '../../../demo/erp/index.js';
import { rawErpCall } from '../../harness/index.js';

type Rec = Record<string, any>;
type Call = (args: unknown) => Promise<[Rec, string]>;

let erp: DemoSystem;
let client: Client;

const call = async (name: string, args: unknown): Promise<Rec> => {
  const [result] = await ((client as unknown as Record<string, Call>)[`${name}Async`] as Call)(
    args,
  );
  return result ?? {};
};

const raw = (operation: string, inner: string) => rawErpCall(erp.url, operation, inner);

const salesOrderXml = (reference: string, itemCode: string, quantity: number): string =>
  `<erp:customerId>cus_0009</erp:customerId><erp:line><t:itemCode>${itemCode}</t:itemCode><t:quantity>${quantity}</t:quantity></erp:line><erp:externalReference>${reference}</erp:externalReference>`;

const stockOf = async (itemCode: string): Promise<Rec[]> => {
  const result = await call('GetStockLevels', { itemCode: [itemCode] });
  return (result.stockLevel as Rec[]).map((row) => ({
    warehouse: row.warehouse,
    onHand: Number(row.onHand),
    reserved: Number(row.reserved),
  }));
};
const totalReserved = (rows: Rec[]): number =>
  rows.reduce((sum, row) => sum + (row.reserved as number), 0);

beforeAll(async () => {
  erp = await startErp();
  client = await createClientAsync(`${erp.url}?wsdl`);
});

afterAll(async () => {
  await erp?.close();
});

describe('erp writes', () => {
  it('CreateSalesOrder carries externalReference and reserves its stock', async () => {
    const before = totalReserved(await stockOf('SKU-00020'));
    const created = await call('CreateSalesOrder', {
      customerId: 'cus_0009',
      line: [{ itemCode: 'SKU-00020', quantity: 3 }],
      externalReference: 'ord_90001',
    });
    expect(created.salesOrder).toMatchObject({
      externalReference: 'ord_90001',
      status: 'pending',
      totalQuantity: 3,
    });
    expect(totalReserved(await stockOf('SKU-00020'))).toBe(before + 3);

    const order = erp.records().salesOrders as Rec[];
    expect(order.find((o) => o.externalReference === 'ord_90001')).toMatchObject({
      documentNumber: created.salesOrder.documentNumber,
      applied: { CreateSalesOrder: 1 },
    });
  });

  it('refuses a second order with the same externalReference: a Client.DuplicateExternalReference fault naming the first', async () => {
    const first = await raw('CreateSalesOrder', salesOrderXml('ord_90002', 'SKU-00021', 1));
    expect(first.status).toBe(200);
    const documentNumber = /<t:documentNumber>([^<]+)</.exec(first.text)?.[1];
    const again = await raw('CreateSalesOrder', salesOrderXml('ord_90002', 'SKU-00021', 1));
    expect(again.status).toBe(500);
    expect(again.text).toContain('<faultcode>soap:Client.DuplicateExternalReference</faultcode>');
    expect(again.text).toContain('<t:code>DUPLICATE_EXTERNAL_REFERENCE</t:code>');
    expect(again.text).toContain(`<t:documentNumber>${documentNumber}</t:documentNumber>`);
    const mine = (erp.records().salesOrders as Rec[]).filter(
      (o) => o.externalReference === 'ord_90002',
    );
    expect(mine).toHaveLength(1);
  });

  it('FindSalesOrderByExternalReference answers the order, or nothing when there is none', async () => {
    const found = await call('FindSalesOrderByExternalReference', {
      externalReference: 'ord_90001',
    });
    expect(found.salesOrder).toMatchObject({
      externalReference: 'ord_90001',
      customerId: 'cus_0009',
    });
    // Seeded orders came from the storefront, so they carry its order ids.
    const seeded = await call('FindSalesOrderByExternalReference', {
      externalReference: 'ord_00001',
    });
    expect(seeded.salesOrder).toMatchObject({ documentNumber: 'SO-00001' });
    const none = await raw(
      'FindSalesOrderByExternalReference',
      '<erp:externalReference>ord_nope</erp:externalReference>',
    );
    expect(none.status).toBe(200);
    expect(none.text).toMatch(
      /<erp:FindSalesOrderByExternalReferenceResponse><\/erp:FindSalesOrderByExternalReferenceResponse>/,
    );
  });

  it('CancelSalesOrder releases the reserved stock; cancelling again is a no-op success', async () => {
    const before = totalReserved(await stockOf('SKU-00022'));
    const created = await call('CreateSalesOrder', {
      customerId: 'cus_0009',
      line: [{ itemCode: 'SKU-00022', quantity: 2 }],
      externalReference: 'ord_90003',
    });
    const documentNumber = created.salesOrder.documentNumber as string;
    expect(totalReserved(await stockOf('SKU-00022'))).toBe(before + 2);

    const cancelled = await call('CancelSalesOrder', {
      documentNumber,
      reason: 'storefront order cancelled',
    });
    expect(cancelled.salesOrder).toMatchObject({ documentNumber, status: 'cancelled' });
    expect(totalReserved(await stockOf('SKU-00022'))).toBe(before);
    const again = await call('CancelSalesOrder', { documentNumber });
    expect(again.salesOrder).toMatchObject({ documentNumber, status: 'cancelled' });
    expect(totalReserved(await stockOf('SKU-00022'))).toBe(before);

    const records = erp.records();
    expect(
      (records.salesOrders as Rec[]).find((o) => o.documentNumber === documentNumber),
    ).toMatchObject({ applied: { CreateSalesOrder: 1, CancelSalesOrder: 1 }, reservations: [] });
    const movements = (records.inventoryMovements as Rec[]).filter(
      (m) => m.documentNumber === documentNumber,
    );
    expect(
      movements.filter((m) => m.kind === 'reservation').reduce((n, m) => n + m.quantity, 0),
    ).toBe(2);
    expect(movements.filter((m) => m.kind === 'release').reduce((n, m) => n + m.quantity, 0)).toBe(
      2,
    );
  });

  it('CancelSalesOrder refuses unknown and shipped orders with Client faults', async () => {
    const unknown = await raw(
      'CancelSalesOrder',
      '<erp:documentNumber>SO-99999</erp:documentNumber>',
    );
    expect(unknown.text).toContain('<t:code>UNKNOWN_ORDER</t:code>');
    const shipped = (await call('ListSalesOrders', { status: 'shipped', maxResults: 1 }))
      .salesOrder[0].documentNumber as string;
    const refused = await raw(
      'CancelSalesOrder',
      `<erp:documentNumber>${shipped}</erp:documentNumber>`,
    );
    expect(refused.status).toBe(500);
    expect(refused.text).toContain('<faultcode>soap:Client</faultcode>');
    expect(refused.text).toContain('<t:code>ORDER_SHIPPED</t:code>');
  });

  it('UpdateItem changes the weight and bumps the row version; a stale row version is a Client.Conflict fault', async () => {
    const item = (await call('GetItem', { itemCode: 'SKU-00030' })).item as Rec;
    const rowVersion = BigInt(item.attributes.rowVersion as string);
    const updated = (
      await call('UpdateItem', {
        itemCode: 'SKU-00030',
        weightKg: '1.25',
        expectedRowVersion: rowVersion.toString(),
      })
    ).item as Rec;
    expect(Number(updated.weightKg)).toBe(1.25);
    expect(updated.attributes.rowVersion).toBe((rowVersion + 1n).toString());
    expect(Number(((await call('GetItem', { itemCode: 'SKU-00030' })).item as Rec).weightKg)).toBe(
      1.25,
    );

    const stale = await raw(
      'UpdateItem',
      `<erp:itemCode>SKU-00030</erp:itemCode><erp:weightKg>2</erp:weightKg><erp:expectedRowVersion>${rowVersion}</erp:expectedRowVersion>`,
    );
    expect(stale.text).toContain('<faultcode>soap:Client.Conflict</faultcode>');
    expect(stale.text).toContain('<t:code>ROW_VERSION_CONFLICT</t:code>');
    // The same values again are no write.
    await call('UpdateItem', { itemCode: 'SKU-00030', weightKg: '1.250' });
    expect((erp.records().items as Rec[]).find((i) => i.itemCode === 'SKU-00030')).toMatchObject({
      weightKg: '1.250',
      applied: { UpdateItem: 1 },
    });

    for (const [inner, code] of [
      ['<erp:itemCode>SKU-00030</erp:itemCode>', 'MISSING_FIELD'],
      ['<erp:itemCode>SKU-00030</erp:itemCode><erp:weightKg>-1</erp:weightKg>', 'BAD_WEIGHT'],
      ['<erp:itemCode>SKU-00030</erp:itemCode><erp:status>gone</erp:status>', 'BAD_STATUS'],
      ['<erp:itemCode>SKU-99999</erp:itemCode><erp:weightKg>1</erp:weightKg>', 'UNKNOWN_ITEM'],
    ] as const) {
      expect((await raw('UpdateItem', inner)).text).toContain(`<t:code>${code}</t:code>`);
    }
  });

  it('UpdateItem is applied once per requestId; the same requestId with other values is a fault', async () => {
    const first = (
      await call('UpdateItem', { itemCode: 'SKU-00031', weightKg: '3.5', requestId: 'upd-31' })
    ).item as Rec;
    // Another writer changes it; a late repeat of the first message must not set it back.
    await call('UpdateItem', { itemCode: 'SKU-00031', weightKg: '4' });
    const again = (
      await call('UpdateItem', { itemCode: 'SKU-00031', weightKg: '3.5', requestId: 'upd-31' })
    ).item as Rec;
    expect(again).toEqual(first);
    expect((erp.records().items as Rec[]).find((i) => i.itemCode === 'SKU-00031')).toMatchObject({
      weightKg: '4.000',
      applied: { UpdateItem: 2 },
    });
    const other = await raw(
      'UpdateItem',
      '<erp:itemCode>SKU-00031</erp:itemCode><erp:weightKg>5</erp:weightKg><erp:requestId>upd-31</erp:requestId>',
    );
    expect(other.text).toContain('<faultcode>soap:Client.DuplicateRequestId</faultcode>');
    expect(other.text).toContain('<t:code>DUPLICATE_REQUEST_ID</t:code>');
  });

  it('AdjustInventory is applied once per requestId; the same requestId with other values is a fault', async () => {
    const onHand = async (): Promise<number> =>
      (await stockOf('SKU-00040')).find((row) => row.warehouse === 'WH-EAST')?.onHand as number;
    const before = await onHand();
    const args = {
      itemCode: 'SKU-00040',
      warehouse: 'WH-EAST',
      quantityDelta: 5,
      reason: 'received',
      requestId: 'msg-0001',
    };
    const first = (await call('AdjustInventory', args)).adjustment as Rec;
    const again = (await call('AdjustInventory', args)).adjustment as Rec;
    expect(again.documentNumber).toBe(first.documentNumber);
    expect(again.requestId).toBe('msg-0001');
    expect(await onHand()).toBe(before + 5);

    const other = await raw(
      'AdjustInventory',
      '<erp:itemCode>SKU-00040</erp:itemCode><erp:warehouse>WH-EAST</erp:warehouse><erp:quantityDelta>7</erp:quantityDelta><erp:reason>received</erp:reason><erp:requestId>msg-0001</erp:requestId>',
    );
    expect(other.text).toContain('<faultcode>soap:Client.DuplicateRequestId</faultcode>');
    expect(other.text).toContain(`<t:documentNumber>${first.documentNumber}</t:documentNumber>`);
    expect(await onHand()).toBe(before + 5);

    // Without a requestId, as before: every call is a new adjustment.
    await call('AdjustInventory', { ...args, requestId: undefined });
    expect(await onHand()).toBe(before + 10);
    const adjustments = (erp.records().adjustments as Rec[]).filter(
      (a) => a.itemCode === 'SKU-00040',
    );
    expect(adjustments.map((a) => [a.requestId, a.applied])).toEqual([
      ['msg-0001', { AdjustInventory: 1 }],
      [null, { AdjustInventory: 1 }],
    ]);
  });

  it('refuses oversized references and message ids with Client faults, applying nothing', async () => {
    const before = erp.records().writes as Rec[];
    expect(
      (await raw('CreateSalesOrder', salesOrderXml('r'.repeat(65), 'SKU-00021', 1))).text,
    ).toContain('<t:code>BAD_EXTERNAL_REFERENCE</t:code>');
    const longId =
      '<erp:itemCode>SKU-00040</erp:itemCode><erp:warehouse>WH-EAST</erp:warehouse><erp:quantityDelta>1</erp:quantityDelta><erp:reason>received</erp:reason>' +
      `<erp:requestId>${'m'.repeat(129)}</erp:requestId>`;
    expect((await raw('AdjustInventory', longId)).text).toContain(
      '<t:code>BAD_REQUEST_ID</t:code>',
    );
    expect((await raw('FindSalesOrderByExternalReference', '')).text).toContain(
      '<t:code>MISSING_FIELD</t:code>',
    );
    expect((await raw('CancelSalesOrder', '')).text).toContain('<t:code>MISSING_FIELD</t:code>');
    expect(erp.records().writes).toHaveLength(before.length);
  });
});
