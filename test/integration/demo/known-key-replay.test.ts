/**
 * Regression: a demo system took an injected fault before it looked at the
 * request's idempotency key, so the retry of a write it had already applied
 * could be refused (rejectNext) or failed (failNext, unavailable), which no
 * system that honours keys does. Now a keyed write whose key the system
 * knows is answered as the system always answers that key (the first result;
 * for the erp's externalReference, the duplicate fault naming the first
 * order) and faults wait for new work: the next new key still meets them.
 * Each system over its own protocol; counts its records, never timings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdmin, type AdminServer } from '../../../demo/index.js';
import {
  createBillingClient,
  rawErpCall,
  startSystems,
  track,
  useHarness,
  type BillingClient,
  type Systems,
} from '../../harness/index.js';

useHarness();

type Rec = Record<string, any>;

/** The faults a known key must not meet, each as set for one call (or a moment, for unavailable). */
const FAULTS = [
  { mode: 'rejectNext', settings: { rejectNext: 1 } },
  { mode: 'failNext', settings: { failNext: 1, retryAfterMs: 0 } },
  { mode: 'unavailable', settings: { unavailable: true, retryAfterMs: 0 } },
] as const;

let systems: Systems;
let admin: AdminServer;
let billing: BillingClient;

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp', 'billing']);
  admin = track(await startAdmin({ systems: systems.list }), 'admin');
  billing = createBillingClient(systems.billing);
});

afterAll(() => {
  billing?.close();
});

async function misbehave(system: string, settings: Rec): Promise<void> {
  const response = await fetch(`${admin.url}/__admin/misbehave`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ system, ...settings }),
  });
  expect(response.status).toBe(200);
}

const recordsOf = async (system: string): Promise<Rec> =>
  (await (await fetch(`${admin.url}/__admin/records?system=${system}`)).json()) as Rec;

/** How often the write log shows `operation` applied to `id`. */
const appliedTo = async (system: string, operation: string, id: string): Promise<number> =>
  ((await recordsOf(system)).writes as Rec[]).filter(
    (write) => write.operation === operation && write.id === id,
  ).length;

const writesOf = async (system: string, operation: string): Promise<number> =>
  ((await recordsOf(system)).writes as Rec[]).filter((write) => write.operation === operation)
    .length;

describe('storefront (REST): a known Idempotency-Key is replayed before any fault', () => {
  const placeOrder = async (key: string, quantity = 1): Promise<{ status: number; body: Rec }> => {
    const response = await fetch(`${systems.storefront.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({
        customerId: 'cus_0003',
        lines: [{ sku: 'SKU-00003', quantity }],
      }),
    });
    const replayed = response.headers.get('idempotent-replayed');
    return {
      status: response.status,
      body: { ...((await response.json()) as Rec), replayed },
    };
  };

  it.each(FAULTS)(
    '$mode: the retry gets the first order, a new key meets the fault',
    async ({ mode, settings }) => {
      const first = await placeOrder(`replay-sf-${mode}`);
      expect(first.status).toBe(201);
      await misbehave('storefront', { operations: ['createOrder'], ...settings });

      const again = await placeOrder(`replay-sf-${mode}`);
      expect(again).toEqual({ status: 201, body: { ...first.body, replayed: 'true' } });
      expect(await appliedTo('storefront', 'createOrder', first.body.id as string)).toBe(1);

      const before = await writesOf('storefront', 'createOrder');
      const fresh = await placeOrder(`replay-sf-${mode}-new`, 2);
      expect(fresh.status).toBe(mode === 'rejectNext' ? 422 : 503);
      expect(await writesOf('storefront', 'createOrder')).toBe(before);
      await misbehave('storefront', {});
    },
  );
});

describe('erp (SOAP): a known requestId or externalReference is answered before any fault', () => {
  const soap = (operation: string, inner: string) => rawErpCall(systems.erp.url, operation, inner);
  const adjustment = (requestId: string): string =>
    `<erp:itemCode>SKU-00003</erp:itemCode><erp:warehouse>WH-WEST</erp:warehouse><erp:quantityDelta>2</erp:quantityDelta><erp:reason>counted</erp:reason><erp:requestId>${requestId}</erp:requestId>`;
  const salesOrder = (reference: string): string =>
    `<erp:customerId>cus_0003</erp:customerId><erp:line><t:itemCode>SKU-00003</t:itemCode><t:quantity>1</t:quantity></erp:line><erp:externalReference>${reference}</erp:externalReference>`;
  const documentOf = (text: string): string =>
    /<t:documentNumber>([^<]+)<\/t:documentNumber>/.exec(text)?.[1] ?? 'none';
  const refusal = (mode: string): string =>
    mode === 'rejectNext' ? 'soap:Client.Rejected' : 'soap:Server.Unavailable';

  it.each(FAULTS)(
    '$mode: AdjustInventory with a known requestId answers the first adjustment',
    async ({ mode, settings }) => {
      const first = await soap('AdjustInventory', adjustment(`replay-erp-${mode}`));
      expect(first.status).toBe(200);
      await misbehave('erp', { operations: ['AdjustInventory'], ...settings });

      const again = await soap('AdjustInventory', adjustment(`replay-erp-${mode}`));
      expect(again.status).toBe(200);
      expect(documentOf(again.text)).toBe(documentOf(first.text));
      expect(await appliedTo('erp', 'AdjustInventory', documentOf(first.text))).toBe(1);

      const before = await writesOf('erp', 'AdjustInventory');
      const fresh = await soap('AdjustInventory', adjustment(`replay-erp-${mode}-new`));
      expect(fresh.text).toContain(refusal(mode));
      expect(await writesOf('erp', 'AdjustInventory')).toBe(before);
      await misbehave('erp', {});
    },
  );

  it.each(FAULTS)(
    '$mode: CreateSalesOrder with a known externalReference names the first order',
    async ({ mode, settings }) => {
      const first = await soap('CreateSalesOrder', salesOrder(`ord_replay_${mode}`));
      expect(first.status).toBe(200);
      await misbehave('erp', { operations: ['CreateSalesOrder'], ...settings });

      const again = await soap('CreateSalesOrder', salesOrder(`ord_replay_${mode}`));
      expect(again.text).toContain('DUPLICATE_EXTERNAL_REFERENCE');
      expect(again.text).toContain(documentOf(first.text));
      expect(await appliedTo('erp', 'CreateSalesOrder', documentOf(first.text))).toBe(1);

      const before = await writesOf('erp', 'CreateSalesOrder');
      const fresh = await soap('CreateSalesOrder', salesOrder(`ord_replay_${mode}_new`));
      expect(fresh.text).toContain(refusal(mode));
      expect(await writesOf('erp', 'CreateSalesOrder')).toBe(before);
      await misbehave('erp', {});
    },
  );
});

describe('billing (gRPC): a known idempotency-key is replayed before any fault', () => {
  const invoice = (orderId: string): Rec => ({
    orderId,
    customerId: 'cus_0003',
    lines: [{ sku: 'SKU-00003', quantity: 1 }],
  });

  it.each(FAULTS)(
    '$mode: CreateInvoice with a known key answers the first invoice',
    async ({ mode, settings }) => {
      const first = await billing.call('CreateInvoice', invoice(`ord_replay_${mode}`), {
        idempotencyKey: `replay-bill-${mode}`,
      });
      await misbehave('billing', { operations: ['CreateInvoice'], ...settings });

      const again = await billing.call('CreateInvoice', invoice(`ord_replay_${mode}`), {
        idempotencyKey: `replay-bill-${mode}`,
      });
      expect(again).toEqual(first);
      expect(await appliedTo('billing', 'CreateInvoice', first.id as string)).toBe(1);

      const before = await writesOf('billing', 'CreateInvoice');
      const fresh = await billing.statusOf(
        billing.call('CreateInvoice', invoice(`ord_replay_${mode}_new`), {
          idempotencyKey: `replay-bill-${mode}-new`,
        }),
      );
      expect(fresh.code).toBe(mode === 'rejectNext' ? 'INVALID_ARGUMENT' : 'UNAVAILABLE');
      expect(await writesOf('billing', 'CreateInvoice')).toBe(before);
      await misbehave('billing', {});
    },
  );
});
