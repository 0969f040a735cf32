/**
 * The storefront's writes as a system of record: Idempotency-Key on every
 * write (createOrder, cancelOrder, updateProduct), cancelling twice, and the
 * write records (GET /__admin/records) that count each write applied.
 * Real HTTP on 127.0.0.1; assertions count records and calls, never time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdmin, type AdminServer } from '../../../demo/index.js';
import type { DemoSystem } from '../../../demo/common/system.js';
import { startStorefront } from '../../../demo/storefront/index.js';

type Rec = Record<string, any>;

let storefront: DemoSystem;
let admin: AdminServer;

beforeAll(async () => {
  storefront = await startStorefront();
  admin = await startAdmin({ systems: [storefront] });
});

afterAll(async () => {
  await admin?.close();
  await storefront?.close();
});

async function send(
  method: string,
  path: string,
  body?: unknown,
  key?: string,
): Promise<{ status: number; headers: Headers; body: Rec }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (key !== undefined) headers['idempotency-key'] = key;
  const response = await fetch(`${storefront.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? {} : (JSON.parse(text) as Rec),
  };
}

async function records(): Promise<Rec> {
  const response = await fetch(`${admin.url}/__admin/records?system=storefront`);
  expect(response.status).toBe(200);
  return (await response.json()) as Rec;
}

const order = { customerId: 'cus_0003', lines: [{ sku: 'SKU-00002', quantity: 2 }] };

describe('storefront writes', () => {
  it('createOrder: the same key and body answer the first order again; no second order is placed', async () => {
    const first = await send('POST', '/orders', order, 'order-key-1');
    expect(first.status).toBe(201);
    const again = await send(
      'POST',
      '/orders',
      { lines: order.lines, customerId: order.customerId },
      'order-key-1',
    );
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);

    const mine = (await records()).orders.filter((o: Rec) => o.id === first.body.id);
    expect(mine).toEqual([
      expect.objectContaining({
        id: first.body.id,
        status: 'pending',
        applied: { createOrder: 1 },
      }),
    ]);
    expect(
      (await records()).writes.filter((w: Rec) => w.idempotencyKey === 'order-key-1'),
    ).toHaveLength(1);
  });

  it('createOrder: the same key with another body is 422 problem+json, and nothing is written', async () => {
    const before = (await records()).writes.length;
    const reused = await send('POST', '/orders', { ...order, note: 'different' }, 'order-key-1');
    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toBe('application/problem+json');
    expect(reused.body.type).toMatch(/idempotency-key-reused$/);
    expect((await records()).writes).toHaveLength(before);
  });

  it('cancelOrder: cancelling a cancelled order answers it again (200) and is applied once; the key replays', async () => {
    const placed = await send('POST', '/orders', order, 'order-key-2');
    const id = placed.body.id as string;
    const cancelled = await send(
      'POST',
      `/orders/${id}/cancel`,
      { reason: 'customer asked' },
      'cancel-key-2',
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      id,
      status: 'cancelled',
      cancellationReason: 'customer asked',
    });

    const replay = await send(
      'POST',
      `/orders/${id}/cancel`,
      { reason: 'customer asked' },
      'cancel-key-2',
    );
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(cancelled.body);
    const twice = await send('POST', `/orders/${id}/cancel`, undefined, 'cancel-key-3');
    expect(twice.status).toBe(200);
    expect(twice.body).toMatchObject({
      id,
      status: 'cancelled',
      cancelledAt: cancelled.body.cancelledAt,
    });
    const keyless = await send('POST', `/orders/${id}/cancel`);
    expect(keyless.status).toBe(200);

    const mine = (await records()).orders.find((o: Rec) => o.id === id);
    expect(mine).toMatchObject({
      status: 'cancelled',
      applied: { createOrder: 1, cancelOrder: 1 },
    });
  });

  it('updateProduct: changes title and description, honours the key, and is applied once', async () => {
    const update = { title: 'Renamed tee', description: 'Now with a new name.' };
    const first = await send('PATCH', '/products/prod_00005', update, 'product-key-1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: 'prod_00005', ...update });
    const replay = await send('PATCH', '/products/prod_00005', update, 'product-key-1');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const reused = await send('PATCH', '/products/prod_00005', { title: 'Other' }, 'product-key-1');
    expect(reused.status).toBe(422);
    // Setting what is already there is accepted and is no write.
    expect((await send('PATCH', '/products/prod_00005', { title: 'Renamed tee' })).status).toBe(
      200,
    );

    const read = await send('GET', '/products/prod_00005');
    expect(read.body).toMatchObject(update);
    const product = (await records()).products.find((p: Rec) => p.id === 'prod_00005');
    expect(product).toMatchObject({
      sku: 'SKU-00005',
      title: 'Renamed tee',
      applied: { updateProduct: 1 },
    });
  });

  it('updateProduct: refuses fields other systems own, empty updates and unknown products', async () => {
    const price = await send('PATCH', '/products/prod_00006', {
      title: 'x',
      price: { amountMinor: 1, currency: 'USD' },
    });
    expect(price.status).toBe(422);
    expect(price.body.errors).toEqual([expect.objectContaining({ pointer: '/price' })]);
    expect((await send('PATCH', '/products/prod_00006', {})).status).toBe(422);
    expect((await send('PATCH', '/products/prod_00006', { title: '' })).status).toBe(422);
    expect(
      (await send('PATCH', '/products/prod_00006', { description: 'x'.repeat(5001) })).status,
    ).toBe(422);
    expect((await send('PATCH', '/products/prod_99999', { title: 'x' })).status).toBe(404);
    expect((await records()).products.find((p: Rec) => p.id === 'prod_00006')).toBeUndefined();
  });

  it('answers records for every system, or one; an unknown system is a 400 naming the known ones', async () => {
    const all = (await (await fetch(`${admin.url}/__admin/records`)).json()) as Rec;
    expect(Object.keys(all)).toEqual(['storefront']);
    expect(all.storefront.system).toBe('storefront');
    expect(all.storefront.writes.map((w: Rec) => w.seq)).toEqual(
      all.storefront.writes.map((_: unknown, i: number) => i + 1),
    );
    const unknown = await fetch(`${admin.url}/__admin/records?system=crm`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Rec).error).toContain('Known: storefront');
  });
});
