/**
 * Fault modes of the demo systems, set through the admin endpoint as a test
 * or benchmark would (POST /__admin/misbehave): misbehaviour scoped to some
 * operations, rejectNext (a permanent refusal, nothing applied), and the
 * after-apply modes (the write is applied, then the caller gets a transient
 * failure, no answer, or half an answer and a cut connection). Each system is
 * called over its own protocol; each check reads the system's records to see
 * what was in fact applied. Counts, never timings: a hung call is ended by
 * the client's own deadline.
 */
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { dirname, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdmin, type AdminServer } from '../../../demo/index.js';
import { startSystems, track, useHarness, type Systems } from '../../harness/index.js';

useHarness();

type Rec = Record<string, any>;
type Unary = (
  request: Rec,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: Rec) => void,
) => void;

let systems: Systems;
let admin: AdminServer;
let billing: grpc.Client & Record<string, any>;

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
  admin = track(await startAdmin({ systems: systems.list }), 'admin');
  const contract = systems.billing.contract;
  const definition = loadSync(contract, {
    includeDirs: [resolve(dirname(contract), '../..')],
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const Service = (grpc.loadPackageDefinition(definition) as any).billing.v1
    .BillingService as grpc.ServiceClientConstructor;
  billing = new Service(systems.billing.url, grpc.credentials.createInsecure()) as grpc.Client &
    Record<string, any>;
});

afterAll(() => {
  billing?.close();
});

async function misbehave(settings: Rec): Promise<{ status: number; body: Rec }> {
  const response = await fetch(`${admin.url}/__admin/misbehave`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  return { status: response.status, body: (await response.json()) as Rec };
}

async function recordsOf(system: string): Promise<Rec> {
  return (await (await fetch(`${admin.url}/__admin/records?system=${system}`)).json()) as Rec;
}

const writesOf = async (system: string, operation: string): Promise<number> =>
  ((await recordsOf(system)).writes as Rec[]).filter((w) => w.operation === operation).length;

/** How a call ended: its status, or the error that ended it before a full answer. */
async function outcome(
  run: () => Promise<{ status: number; text: string }>,
): Promise<{ status?: number; text?: string; error?: string }> {
  try {
    return await run();
  } catch (error) {
    return { error: (error as Error).name };
  }
}

// --- storefront (REST) ---

const order = { customerId: 'cus_0002', lines: [{ sku: 'SKU-00001', quantity: 1 }] };

function placeOrder(key?: string, signal?: AbortSignal): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== undefined) headers['idempotency-key'] = key;
  return fetch(`${systems.storefront.url}/orders`, {
    method: 'POST',
    headers,
    body: JSON.stringify(order),
    signal,
  }).then(async (r) => ({ status: r.status, text: await r.text() }));
}

const readProduct = async (): Promise<number> =>
  (await fetch(`${systems.storefront.url}/products/prod_00001`)).status;

// --- erp (SOAP) ---

function soap(
  operation: string,
  inner: string,
  signal?: AbortSignal,
): Promise<{ status: number; text: string }> {
  const body =
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:erp="http://switchboard.example/erp" xmlns:t="http://switchboard.example/erp/types">' +
    `<soap:Body><erp:${operation}>${inner}</erp:${operation}></soap:Body></soap:Envelope>`;
  return fetch(systems.erp.url, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: `"http://switchboard.example/erp/${operation}"`,
    },
    body,
    signal,
  }).then(async (r) => ({
    status: r.status,
    text: await r.text(),
  }));
}

const salesOrder = (reference: string): string =>
  `<erp:customerId>cus_0002</erp:customerId><erp:line><t:itemCode>SKU-00001</t:itemCode><t:quantity>1</t:quantity></erp:line><erp:externalReference>${reference}</erp:externalReference>`;

const ordersWithReference = async (reference: string): Promise<number> =>
  ((await recordsOf('erp')).salesOrders as Rec[]).filter((o) => o.externalReference === reference)
    .length;

// --- billing (gRPC) ---

function rpc(
  method: string,
  request: Rec,
  options: { key?: string; deadlineMs?: number } = {},
): Promise<Rec> {
  const metadata = new grpc.Metadata();
  if (options.key !== undefined) metadata.set('idempotency-key', options.key);
  return new Promise((done, fail) => {
    (billing[method] as Unary).call(
      billing,
      request,
      metadata,
      { deadline: Date.now() + (options.deadlineMs ?? 10_000) },
      (error, response) => (error ? fail(error) : done(response as Rec)),
    );
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return grpc.status[(error as grpc.ServiceError).code] as string;
  }
}

const invoice = (orderId: string): Rec => ({
  orderId,
  customerId: 'cus_0002',
  lines: [{ sku: 'SKU-00001', quantity: 1 }],
});
const invoicesFor = async (orderId: string): Promise<Rec[]> =>
  ((await recordsOf('billing')).invoices as Rec[]).filter((i) => i.orderId === orderId);

describe('misbehave settings', () => {
  it('refuses unknown keys and bad operation lists with a sentence, and lists the new modes', async () => {
    const typo = await misbehave({ system: 'erp', failAfterAply: 1 });
    expect(typo.status).toBe(400);
    expect(typo.body.error).toContain('Unknown setting "failAfterAply"');
    for (const mode of [
      'operations',
      'rejectNext',
      'failAfterApply',
      'hangAfterApply',
      'dropAfterApply',
    ])
      expect(typo.body.error).toContain(mode);
    for (const bad of [
      { operations: 'CreateSalesOrder' },
      { operations: [1] },
      { operations: [''] },
      { rejectNext: -1 },
      { dropAfterApply: 'yes' },
    ]) {
      const refused = await misbehave({ system: 'erp', ...bad });
      expect(refused.status).toBe(400);
      expect(typeof refused.body.error).toBe('string');
    }
    const ok = await misbehave({ system: 'erp', operations: ['CreateSalesOrder'], rejectNext: 1 });
    expect(ok.body.misbehaviour).toMatchObject({
      operations: ['CreateSalesOrder'],
      rejectNext: 1,
      failAfterApply: 0,
    });
    await misbehave({ system: 'erp' });
  });

  it('scoped unavailability fails those operations only, and health stays up', async () => {
    await misbehave({ system: 'storefront', unavailable: true, operations: ['createOrder'] });
    expect((await fetch(`${systems.storefront.url}/health`)).status).toBe(200);
    expect(await readProduct()).toBe(200);
    expect((await placeOrder()).status).toBe(503);
    await misbehave({ system: 'storefront' });
  });
});

describe('storefront faults', () => {
  it('failNext scoped to createOrder fails that write and not the reads around it', async () => {
    await misbehave({
      system: 'storefront',
      operations: ['createOrder'],
      failNext: 1,
      retryAfterMs: 0,
    });
    expect(await readProduct()).toBe(200);
    expect((await placeOrder()).status).toBe(503);
    expect(await readProduct()).toBe(200);
    expect((await placeOrder()).status).toBe(201);
  });

  it('rejectNext refuses with 422 problem+json, and nothing is applied', async () => {
    const before = await writesOf('storefront', 'createOrder');
    await misbehave({ system: 'storefront', operations: ['createOrder'], rejectNext: 1 });
    const refused = await placeOrder('reject-1');
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.text).type).toMatch(/\/rejected$/);
    expect(await writesOf('storefront', 'createOrder')).toBe(before);
  });

  it('failAfterApply: 503, yet the order exists; a retry with the key gets it, still one order', async () => {
    const before = await writesOf('storefront', 'createOrder');
    await misbehave({
      system: 'storefront',
      operations: ['createOrder'],
      failAfterApply: 1,
      retryAfterMs: 0,
    });
    expect((await placeOrder('after-1')).status).toBe(503);
    expect(await writesOf('storefront', 'createOrder')).toBe(before + 1);
    const retry = await placeOrder('after-1');
    expect(retry.status).toBe(201);
    expect(await writesOf('storefront', 'createOrder')).toBe(before + 1);
  });

  it('hangAfterApply: no answer (the client gives up), yet the order exists', async () => {
    const before = await writesOf('storefront', 'createOrder');
    await misbehave({ system: 'storefront', operations: ['createOrder'], hangAfterApply: 1 });
    const hung = await outcome(() => placeOrder('hang-1', AbortSignal.timeout(1_000)));
    expect(hung.error).toBe('TimeoutError');
    expect(await writesOf('storefront', 'createOrder')).toBe(before + 1);
    expect((await placeOrder('hang-1')).status).toBe(201);
    expect(await writesOf('storefront', 'createOrder')).toBe(before + 1);
  });

  it('dropAfterApply: the answer starts and the connection is cut, yet the order exists', async () => {
    const before = await writesOf('storefront', 'createOrder');
    await misbehave({ system: 'storefront', operations: ['createOrder'], dropAfterApply: 1 });
    const dropped = await outcome(() => placeOrder('drop-1'));
    expect(dropped.error).toBe('TypeError'); // undici: "terminated" while reading the body
    expect(await writesOf('storefront', 'createOrder')).toBe(before + 1);
    expect((await placeOrder('drop-1')).status).toBe(201);
    expect(await writesOf('storefront', 'createOrder')).toBe(before + 1);
  });
});

describe('erp faults', () => {
  it('failNext scoped to CreateSalesOrder: a Server.Unavailable fault for it, reads answered', async () => {
    await misbehave({ system: 'erp', operations: ['CreateSalesOrder'], failNext: 1 });
    expect((await soap('GetItem', '<erp:itemCode>SKU-00001</erp:itemCode>')).status).toBe(200);
    const failed = await soap('CreateSalesOrder', salesOrder('ord_70001'));
    expect(failed.status).toBe(503);
    expect(failed.text).toContain('soap:Server.Unavailable');
    expect(await ordersWithReference('ord_70001')).toBe(0);
    expect((await soap('CreateSalesOrder', salesOrder('ord_70001'))).status).toBe(200);
  });

  it('rejectNext: a Client.Rejected fault, nothing applied', async () => {
    await misbehave({ system: 'erp', operations: ['CreateSalesOrder'], rejectNext: 1 });
    const refused = await soap('CreateSalesOrder', salesOrder('ord_70002'));
    expect(refused.status).toBe(500);
    expect(refused.text).toContain('<faultcode>soap:Client.Rejected</faultcode>');
    expect(refused.text).toContain('<t:code>REJECTED</t:code>');
    expect(await ordersWithReference('ord_70002')).toBe(0);
  });

  it('failAfterApply: a Server fault, yet the order exists; the retry meets the natural key and the lookup finds it', async () => {
    await misbehave({ system: 'erp', operations: ['CreateSalesOrder'], failAfterApply: 1 });
    const failed = await soap('CreateSalesOrder', salesOrder('ord_70003'));
    expect(failed.status).toBe(503);
    expect(failed.text).toContain('soap:Server.Unavailable');
    expect(await ordersWithReference('ord_70003')).toBe(1);
    expect((await soap('CreateSalesOrder', salesOrder('ord_70003'))).text).toContain(
      'DUPLICATE_EXTERNAL_REFERENCE',
    );
    expect(
      (
        await soap(
          'FindSalesOrderByExternalReference',
          '<erp:externalReference>ord_70003</erp:externalReference>',
        )
      ).text,
    ).toContain('<t:externalReference>ord_70003</t:externalReference>');
    expect(await ordersWithReference('ord_70003')).toBe(1);
  });

  it('hangAfterApply and dropAfterApply: no full answer, yet each order exists once', async () => {
    await misbehave({ system: 'erp', operations: ['CreateSalesOrder'], hangAfterApply: 1 });
    expect(
      (
        await outcome(() =>
          soap('CreateSalesOrder', salesOrder('ord_70004'), AbortSignal.timeout(1_000)),
        )
      ).error,
    ).toBe('TimeoutError');
    expect(await ordersWithReference('ord_70004')).toBe(1);

    await misbehave({ system: 'erp', operations: ['CreateSalesOrder'], dropAfterApply: 1 });
    expect((await outcome(() => soap('CreateSalesOrder', salesOrder('ord_70005')))).error).toBe(
      'TypeError',
    );
    expect(await ordersWithReference('ord_70005')).toBe(1);
  });

  it('AdjustInventory after apply: the retry with the same requestId is not applied again', async () => {
    const adjust =
      '<erp:itemCode>SKU-00002</erp:itemCode><erp:warehouse>WH-WEST</erp:warehouse><erp:quantityDelta>4</erp:quantityDelta><erp:reason>counted</erp:reason><erp:requestId>fault-msg-1</erp:requestId>';
    await misbehave({ system: 'erp', operations: ['AdjustInventory'], failAfterApply: 1 });
    expect((await soap('AdjustInventory', adjust)).status).toBe(503);
    expect((await soap('AdjustInventory', adjust)).status).toBe(200);
    const mine = ((await recordsOf('erp')).adjustments as Rec[]).filter(
      (a) => a.requestId === 'fault-msg-1',
    );
    expect(mine).toEqual([
      expect.objectContaining({ quantityDelta: 4, applied: { AdjustInventory: 1 } }),
    ]);
  });
});

describe('billing faults', () => {
  it('failNext scoped to CreateInvoice: UNAVAILABLE for it, reads answered', async () => {
    await misbehave({ system: 'billing', operations: ['CreateInvoice'], failNext: 1 });
    expect(await codeOf(rpc('GetPrice', { sku: 'SKU-00001' }))).toBe('OK');
    expect(await codeOf(rpc('CreateInvoice', invoice('ord_60001')))).toBe('UNAVAILABLE');
    expect(await invoicesFor('ord_60001')).toHaveLength(0);
    expect(await codeOf(rpc('CreateInvoice', invoice('ord_60001')))).toBe('OK');
  });

  it('rejectNext: INVALID_ARGUMENT, nothing applied', async () => {
    await misbehave({ system: 'billing', operations: ['CreateInvoice'], rejectNext: 1 });
    expect(await codeOf(rpc('CreateInvoice', invoice('ord_60002'), { key: 'rej-1' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await invoicesFor('ord_60002')).toHaveLength(0);
  });

  it('failAfterApply on CapturePayment: UNAVAILABLE, yet captured; the retry with the key answers the same payment', async () => {
    const open = await rpc('CreateInvoice', invoice('ord_60003'));
    const capture = {
      invoiceId: open.id,
      amount: open.total,
      card: { brand: 'visa', last4: '4242', expMonth: 1, expYear: 2031 },
    };
    await misbehave({ system: 'billing', operations: ['CapturePayment'], failAfterApply: 1 });
    expect(await codeOf(rpc('CapturePayment', capture, { key: 'cap-fault-1' }))).toBe(
      'UNAVAILABLE',
    );
    const paid = await rpc('CapturePayment', capture, { key: 'cap-fault-1' });
    const payments = ((await recordsOf('billing')).payments as Rec[]).filter(
      (p) => p.invoiceId === open.id,
    );
    expect(payments).toEqual([
      expect.objectContaining({ id: paid.id, applied: { CapturePayment: 1 } }),
    ]);
  });

  it('hangAfterApply: the caller hits its deadline, yet the invoice exists; the key replays it', async () => {
    await misbehave({ system: 'billing', operations: ['CreateInvoice'], hangAfterApply: 1 });
    expect(
      await codeOf(
        rpc('CreateInvoice', invoice('ord_60004'), { key: 'hang-inv-1', deadlineMs: 1_000 }),
      ),
    ).toBe('DEADLINE_EXCEEDED');
    expect(await invoicesFor('ord_60004')).toHaveLength(1);
    expect(await codeOf(rpc('CreateInvoice', invoice('ord_60004'), { key: 'hang-inv-1' }))).toBe(
      'OK',
    );
    expect((await invoicesFor('ord_60004'))[0]).toMatchObject({ applied: { CreateInvoice: 1 } });
  });

  it('dropAfterApply: the connection is cut after the headers, yet the invoice exists; the key replays it', async () => {
    await misbehave({ system: 'billing', operations: ['CreateInvoice'], dropAfterApply: 1 });
    const code = await codeOf(rpc('CreateInvoice', invoice('ord_60005'), { key: 'drop-inv-1' }));
    expect(['UNAVAILABLE', 'INTERNAL']).toContain(code);
    expect(await invoicesFor('ord_60005')).toHaveLength(1);
    expect(await codeOf(rpc('CreateInvoice', invoice('ord_60005'), { key: 'drop-inv-1' }))).toBe(
      'OK',
    );
    expect((await invoicesFor('ord_60005'))[0]).toMatchObject({ applied: { CreateInvoice: 1 } });
  });
});
