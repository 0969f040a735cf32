/**
 * updateProduct over the three real demo systems (issue 10): each field goes
 * to the system that owns it (@owner), and only those systems are called;
 * a refusal sets back what was changed before it, last first; the caller's
 * key applies the change once. Checked in each system's own records and
 * call counts, and in the journal's audit trail.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteJournal, type WriteJournal } from '../../../gateway/writes/index.js';
import {
  startWriteFixture,
  track,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';

useHarness();
let systems: Systems;
let gateway: TestGateway;
let journal: WriteJournal;

beforeAll(async () => {
  const fixture = await startWriteFixture();
  ({ systems, gateway } = fixture);
  journal = await createSqliteJournal({ path: fixture.journalPath });
  track(journal, 'journal reader');
});
afterEach(() => {
  for (const system of systems.list) system.misbehaviour.set({});
});

const UPDATE = `mutation($sku: ID!, $input: UpdateProductInput!) {
  updateProduct(sku: $sku, input: $input) { sku title description }
}`;

async function update(
  sku: string,
  input: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<any> {
  return (await gateway.graphql(UPDATE, { sku, input }, { headers })).body;
}

/** Every write each system applied to this product (the storefront logs its product id). */
function applied(sku: string, productId: string): Record<string, Record<string, number>> {
  const count = (system: 'storefront' | 'erp' | 'billing', id: string) => {
    const counts: Record<string, number> = {};
    for (const write of systems[system].records().writes)
      if (write.id === id) counts[write.operation] = (counts[write.operation] ?? 0) + 1;
    return counts;
  };
  return {
    storefront: count('storefront', productId),
    billing: count('billing', sku),
    erp: count('erp', sku),
  };
}

/** The product as each system answers it now (the read cache is off in these tests). */
async function held(sku: string): Promise<{ title: string; price: string; weightKg: string }> {
  const answer = await gateway.graphql(
    'query($sku: ID!) { product(sku: $sku) { title price { amount } weightKg } }',
    { sku },
  );
  const product = answer.body.data.product;
  return { title: product.title, price: product.price.amount, weightKg: product.weightKg };
}

const ALL = {
  title: 'Trail runner, second edition',
  price: { amountMinor: '4321', currencyCode: 'USD' },
  weightKg: '1.234',
};

describe('updateProduct', () => {
  it('changes each field in the system that owns it, once, and answers the product', async () => {
    systems.resetCounts();
    const body = await update('SKU-00101', ALL);
    expect(body.errors).toBeUndefined();
    expect(body.data.updateProduct).toMatchObject({ sku: 'SKU-00101', title: ALL.title });
    expect(
      body.extensions.write.steps.map((step: any) => [step.system, step.operation, step.state]),
    ).toEqual([
      ['storefront', 'getProductBySku', 'succeeded'],
      ['storefront', 'updateProduct', 'succeeded'],
      ['billing', 'getPrice', 'succeeded'],
      ['billing', 'setPrice', 'succeeded'],
      ['erp', 'getItem', 'succeeded'],
      ['erp', 'updateItem', 'succeeded'],
    ]);
    expect(applied('SKU-00101', 'prod_00101')).toEqual({
      storefront: { updateProduct: 1 },
      billing: { SetPrice: 1 },
      erp: { UpdateItem: 1 },
    });
    expect(await held('SKU-00101')).toEqual({
      title: ALL.title,
      price: '43.21',
      weightKg: '1.234',
    });
  });

  it('with only a title, calls only the storefront', async () => {
    systems.resetCounts();
    const body = await update('SKU-00102', { title: 'Only the title' });
    expect(body.errors).toBeUndefined();
    expect(body.data.updateProduct.title).toBe('Only the title');
    expect(systems.counts()).toEqual({
      storefront: { getProductBySku: 1, updateProduct: 1 },
      erp: {},
      billing: {},
    });
    // Only the price: billing alone, and no storefront answer to give.
    systems.resetCounts();
    const price = await update('SKU-00102', { price: { amountMinor: '999', currencyCode: 'USD' } });
    expect(price.errors).toBeUndefined();
    expect(price.data.updateProduct).toBeNull();
    expect(systems.counts()).toEqual({
      storefront: {},
      erp: {},
      billing: { GetPrice: 1, SetPrice: 1 },
    });
  });

  it('a weight the erp cannot hold is refused at the edge, before any system is called', async () => {
    systems.resetCounts();
    for (const [weightKg, constraint] of [
      ['1.23456', 'pattern'],
      ['1000000', 'max'],
      ['-1', 'min'],
    ] as const) {
      const body = await update('SKU-00102', { title: 'Never written', weightKg });
      expect(body.data?.updateProduct ?? null, weightKg).toBeNull();
      expect(body.errors?.[0]?.extensions, weightKg).toMatchObject({
        code: 'BAD_USER_INPUT',
        constraint,
      });
    }
    expect(systems.totals()).toEqual({ storefront: 0, erp: 0, billing: 0 });
  });

  it('the same Idempotency-Key twice changes the product once', async () => {
    const headers = { 'idempotency-key': `update-${Date.now()}` };
    const first = await update('SKU-00103', ALL, headers);
    expect(first.errors).toBeUndefined();
    systems.resetCounts();
    const again = await update('SKU-00103', ALL, headers);
    expect(again.data.updateProduct).toEqual(first.data.updateProduct);
    expect(again.extensions.write).toMatchObject({ id: first.extensions.write.id, replayed: true });
    expect(systems.totals()).toEqual({ storefront: 0, erp: 0, billing: 0 });
    expect(applied('SKU-00103', 'prod_00103')).toEqual({
      storefront: { updateProduct: 1 },
      billing: { SetPrice: 1 },
      erp: { UpdateItem: 1 },
    });
  });
});

describe('updateProduct when a system refuses', () => {
  it('storefront refuses: nothing changed anywhere, nothing after it called', async () => {
    const before = await held('SKU-00104');
    systems.resetCounts();
    systems.storefront.misbehaviour.set({ operations: ['updateProduct'], rejectNext: 1 });
    const body = await update('SKU-00104', ALL);
    expect(body.errors[0].extensions).toMatchObject({
      code: 'WRITE_FAILED',
      state: 'compensated',
      system: 'storefront',
      step: 2,
      undone: [],
    });
    expect(systems.totals()).toMatchObject({ erp: 0, billing: 0 });
    expect(applied('SKU-00104', 'prod_00104')).toEqual({ storefront: {}, billing: {}, erp: {} });
    expect(await held('SKU-00104')).toEqual(before);
  });

  it('billing refuses: the storefront change is set back', async () => {
    const before = await held('SKU-00105');
    systems.resetCounts();
    systems.billing.misbehaviour.set({ operations: ['SetPrice'], rejectNext: 1 });
    const body = await update('SKU-00105', ALL);
    expect(body.errors[0].extensions).toMatchObject({
      code: 'WRITE_FAILED',
      state: 'compensated',
      system: 'billing',
      step: 4,
      undone: [{ step: 2, system: 'storefront', operation: 'updateProduct' }],
    });
    expect(systems.totals().erp).toBe(0);
    // Changed, then changed back: two applied writes, and the title it had.
    expect(applied('SKU-00105', 'prod_00105')).toEqual({
      storefront: { updateProduct: 2 },
      billing: {},
      erp: {},
    });
    expect(await held('SKU-00105')).toEqual(before);
  });

  it('erp refuses: billing then the storefront are set back, last first', async () => {
    const before = await held('SKU-00106');
    systems.erp.misbehaviour.set({ operations: ['UpdateItem'], rejectNext: 1 });
    const body = await update('SKU-00106', ALL);
    const extensions = body.errors[0].extensions;
    expect(extensions).toMatchObject({
      code: 'WRITE_FAILED',
      state: 'compensated',
      system: 'erp',
      step: 6,
    });
    expect(applied('SKU-00106', 'prod_00106')).toEqual({
      storefront: { updateProduct: 2 },
      billing: { SetPrice: 2 },
      erp: {},
    });
    expect(await held('SKU-00106')).toEqual(before);
    const undone = (await journal.audit({ writeId: extensions.writeId }))
      .filter((entry) => entry.event === 'step' && entry.step?.state === 'compensated')
      .map((entry) => entry.step?.operation);
    expect(undone).toEqual(['setPrice', 'updateProduct']);
  });
});
