import { buildASTSchema, print, visit, type ASTNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBilling } from '../../../../demo/billing/index.js';
import type { DemoSystem } from '../../../../demo/common/system.js';
import { SourceError, type Source } from '../../../../sources/common/index.js';
import { createGrpcSource } from '../../../../sources/grpc/index.js';

let billing: DemoSystem;
let source: Source;

const BATCH = {
  getPrice: {
    via: 'batchGetPrices',
    key: 'sku',
    listArgument: 'skus',
    resultPath: 'prices',
    itemKey: 'sku',
  },
};

function op(name: string) {
  const operation = source.operations.get(name);
  if (!operation) throw new Error(`no operation ${name}`);
  return operation;
}

async function failure(promise: Promise<unknown>): Promise<SourceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    return error as SourceError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  billing = await startBilling();
  source = await createGrpcSource({
    name: 'billing',
    contract: billing.contract,
    url: billing.url,
    deadlineMs: 2000,
    batch: BATCH,
  });
});

afterAll(async () => {
  await source?.close();
  await billing?.close();
});

describe('gRPC source against the demo billing', () => {
  it('maps RPCs to queries, mutations and a subscription, and warns about client streaming', () => {
    const kinds = Object.fromEntries(
      [...source.operations.values()].map((operation) => [operation.name, operation.kind]),
    );
    expect(kinds).toEqual({
      getPrice: 'query',
      batchGetPrices: 'query',
      createInvoice: 'mutation',
      getInvoice: 'query',
      listInvoices: 'query',
      findInvoiceByOrder: 'query',
      capturePayment: 'mutation',
      refundPayment: 'mutation',
      refundInvoice: 'mutation',
      voidInvoice: 'mutation',
      setPrice: 'mutation',
      watchInvoiceEvents: 'subscription',
      ping: 'query',
    });
    expect(op('capturePayment').idempotent).toBe(false);
    expect(op('getPrice').idempotent).toBe(true);
    expect(source.warnings.map((warning) => warning.path)).toEqual([
      'billing.v1.BillingService.ImportInvoices',
    ]);
    expect(() => buildASTSchema(source.typeDefs)).not.toThrow();
  });

  it('answers prices for many SKUs in one backend call through the declared batch', async () => {
    billing.counter.reset();
    const keys = ['SKU-00001', 'SKU-00002', 'SKU-99999', 'SKU-00010'];
    const prices = (await op('getPrice').batch?.invokeMany(keys, {})) as Array<Record<
      string,
      any
    > | null>;
    expect(billing.counter.snapshot()).toEqual({ BatchGetPrices: 1 });
    expect(prices.map((price) => price?.sku ?? null)).toEqual([
      'SKU-00001',
      'SKU-00002',
      null,
      'SKU-00010',
    ]);
    expect(prices[0]?.unitPrice.amountMinor).toMatch(/^\d+$/);
    expect(prices[0]?.validFrom).toBe('2026-01-01T00:00:00Z');
    // Every tenth SKU carries the Int64Value wrapper, the others leave it null.
    expect(prices[0]?.compareAtMinor).toMatch(/^\d+$/);
    expect(prices[1]?.compareAtMinor).toBeNull();
  });

  it('creates an invoice and reads it back, with maps, Struct, Duration and proto3 optional', async () => {
    const created = (await op('createInvoice').invoke(
      {
        orderId: 'ord_grpc_1',
        customerId: 'cus_0001',
        lines: [{ sku: 'SKU-00005', quantity: 2 }],
        metadata: [{ key: 'channel', value: 'mobile' }],
        paymentTerms: 'PT72H',
        attributes: { giftWrap: true, note: 'ring twice', tags: ['a', 1] },
      },
      {},
    )) as Record<string, any>;
    expect(created.status).toBe('INVOICE_STATUS_OPEN');
    expect(created.purchaseOrder).toBeNull();
    const read = (await op('getInvoice').invoke({ id: created.id }, {})) as Record<string, any>;
    expect(read).toEqual(created);
    expect(read.metadata).toEqual([{ key: 'channel', value: 'mobile' }]);
    expect(read.paymentTerms).toBe('259200s');
    expect(read.attributes).toEqual({ giftWrap: true, note: 'ring twice', tags: ['a', 1] });
    expect(read.lines).toHaveLength(1);
    expect(BigInt(read.total.amountMinor)).toBe(BigInt(read.lines[0].unitPrice.amountMinor) * 2n);
    expect(read.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    const listed = (await op('listInvoices').invoke({ orderId: 'ord_grpc_1' }, {})) as Record<
      string,
      any
    >;
    expect(listed.invoices.map((invoice: Record<string, any>) => invoice.id)).toEqual([created.id]);
  });

  it('captures then refunds with int64 amounts past 2^53 exactly, sending the idempotency key', async () => {
    const big = '9007199254740993';
    const invoice = (await op('createInvoice').invoke(
      {
        orderId: 'ord_grpc_big',
        lines: [{ sku: 'SKU-00006', quantity: 1, unitPriceMinorOverride: big }],
        purchaseOrder: 'PO-7',
      },
      {},
    )) as Record<string, any>;
    expect(invoice.total.amountMinor).toBe(big);
    expect(invoice.purchaseOrder).toBe('PO-7');
    const args = {
      invoiceId: invoice.id,
      amount: { amountMinor: big, currency: 'USD' },
      method: { card: { brand: 'visa', last4: '4242', expMonth: 1, expYear: 2031 } },
    };
    billing.counter.reset();
    const payment = (await op('capturePayment').invoke(args, {
      idempotencyKey: 'grpc-capture-1',
    })) as Record<string, any>;
    const again = (await op('capturePayment').invoke(args, {
      idempotencyKey: 'grpc-capture-1',
    })) as Record<string, any>;
    expect(billing.counter.snapshot()).toEqual({ CapturePayment: 2 });
    expect(again.id).toBe(payment.id); // the backend saw the same key and captured once
    expect(payment.amount.amountMinor).toBe(big);
    expect(payment.method).toEqual({
      card: { brand: 'visa', last4: '4242', expMonth: 1, expYear: 2031 },
    });
    expect(payment.status).toBe('PAYMENT_STATUS_CAPTURED');

    const tooMuch = await failure(
      op('refundPayment').invoke(
        { paymentId: payment.id, amount: { amountMinor: '9007199254740994', currency: 'USD' } },
        {},
      ),
    );
    expect(tooMuch.code).toBe('SOURCE_REJECTED');
    expect(tooMuch.details).toEqual({ grpcCode: 'FAILED_PRECONDITION' });
    const refunded = (await op('refundPayment').invoke(
      { paymentId: payment.id, amount: { amountMinor: big, currency: 'USD' } },
      {},
    )) as Record<string, any>;
    expect(refunded.refunded.amountMinor).toBe(big);
    expect(refunded.status).toBe('PAYMENT_STATUS_REFUNDED');
    const after = (await op('getInvoice').invoke({ id: invoice.id }, {})) as Record<string, any>;
    expect(after.status).toBe('INVOICE_STATUS_REFUNDED');
    expect(after.refunded.amountMinor).toBe(big);
  });

  it('enforces exactly one member of a oneof before calling the backend', async () => {
    billing.counter.reset();
    const both = await failure(
      op('capturePayment').invoke(
        { invoiceId: 'inv_00001', method: { card: { last4: '1' }, bankTransfer: { iban: 'X' } } },
        {},
      ),
    );
    expect(both.code).toBe('SOURCE_BAD_INPUT');
    expect(both.safeMessage).toContain('exactly one of card, bankTransfer');
    const none = await failure(
      op('capturePayment').invoke({ invoiceId: 'inv_00001', method: {} }, {}),
    );
    expect(none.code).toBe('SOURCE_BAD_INPUT');
    const unknown = await failure(op('getPrice').invoke({ sku: 'SKU-00001', colour: 'red' }, {}));
    expect(unknown.safeMessage).toContain('colour');
    expect(billing.counter.total()).toBe(0);
  });

  it('surfaces NOT_FOUND, ALREADY_EXISTS and INVALID_ARGUMENT as SourceErrors with the backend reason in the message', async () => {
    const missing = await failure(op('getInvoice').invoke({ id: 'inv_nope' }, {}));
    expect(missing).toMatchObject({
      code: 'SOURCE_NOT_FOUND',
      source: 'billing',
      operation: 'getInvoice',
      retryable: false,
      details: { grpcCode: 'NOT_FOUND' },
    });
    expect(missing.safeMessage).toMatch(
      /^billing found nothing for getInvoice \(gRPC NOT_FOUND\): .*inv_nope/,
    );
    const exists = await failure(
      op('createInvoice').invoke(
        { orderId: 'ord_00001', lines: [{ sku: 'SKU-00001', quantity: 1 }] },
        {},
      ),
    );
    expect(exists).toMatchObject({
      code: 'SOURCE_REJECTED',
      details: { grpcCode: 'ALREADY_EXISTS' },
    });
    const invalid = await failure(op('getPrice').invoke({ sku: '' }, {}));
    expect(invalid).toMatchObject({
      code: 'SOURCE_REJECTED',
      details: { grpcCode: 'INVALID_ARGUMENT' },
    });
  });

  it('turns a slow backend into SOURCE_TIMEOUT and misbehaviour into the matching codes', async () => {
    const quick = await createGrpcSource({
      name: 'billing',
      contract: billing.contract,
      url: billing.url,
      deadlineMs: 50,
    });
    try {
      billing.misbehaviour.set({ latencyMs: 300 });
      const late = await failure(
        quick.operations.get('getPrice')!.invoke({ sku: 'SKU-00001' }, {}),
      );
      expect(late).toMatchObject({
        code: 'SOURCE_TIMEOUT',
        retryable: true,
        details: { grpcCode: 'DEADLINE_EXCEEDED' },
      });
      billing.misbehaviour.set({ unavailable: true });
      expect(await failure(op('getPrice').invoke({ sku: 'SKU-00001' }, {}))).toMatchObject({
        code: 'SOURCE_UNAVAILABLE',
        retryable: true,
      });
      billing.misbehaviour.set({ rateLimited: true });
      expect(await failure(op('getPrice').invoke({ sku: 'SKU-00001' }, {}))).toMatchObject({
        code: 'SOURCE_RATE_LIMITED',
        retryAfterMs: 1000,
      });
      billing.misbehaviour.set({ errorRate: 1 });
      expect(await failure(op('getPrice').invoke({ sku: 'SKU-00001' }, {}))).toMatchObject({
        code: 'SOURCE_UNAVAILABLE',
        details: { grpcCode: 'INTERNAL' },
      });
    } finally {
      billing.misbehaviour.set({});
      await quick.close();
    }
  });

  it('delivers server-stream events through subscribe() and cancels the call on return', async () => {
    const iterator = op('watchInvoiceEvents').subscribe!({}, {})[Symbol.asyncIterator]();
    const first = iterator.next();
    // The stream is open once billing has counted it; then an invoice triggers the event.
    while (!billing.counter.snapshot().WatchInvoiceEvents)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const created = (await op('createInvoice').invoke(
      { orderId: 'ord_grpc_stream', lines: [{ sku: 'SKU-00007', quantity: 1 }] },
      {},
    )) as Record<string, any>;
    await op('capturePayment').invoke(
      {
        invoiceId: created.id,
        amount: created.total,
        method: { bankTransfer: { iban: 'DE89', reference: 'r1' } },
      },
      {},
    );
    const one = (await first) as IteratorResult<Record<string, any>>;
    const two = (await iterator.next()) as IteratorResult<Record<string, any>>;
    expect(one.value.kind).toBe('KIND_CREATED');
    expect(one.value.invoice.id).toBe(created.id);
    expect(two.value.kind).toBe('KIND_PAID');
    expect(BigInt(two.value.sequence)).toBe(BigInt(one.value.sequence) + 1n);
    expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
    expect((await iterator.next()).done).toBe(true);
  });

  it('calls an Empty → Empty RPC as a no-argument Boolean field', async () => {
    expect(await op('ping').invoke({}, {})).toBe(true);
  });

  it('reads the same operations and types through server reflection', async () => {
    const reflected = await createGrpcSource({
      name: 'billing',
      url: billing.url,
      reflection: true,
      batch: BATCH,
    });
    try {
      const summary = (s: Source) =>
        [...s.operations.values()].map(
          (o) => `${o.name}:${o.kind}:${o.idempotent}:${o.batch?.key ?? ''}`,
        );
      expect(summary(reflected)).toEqual(summary(source));
      expect(reflected.warnings).toEqual(source.warnings);
      // Descriptors from reflection carry no comments; everything else is the same.
      const withoutDescriptions = (s: Source) =>
        print(
          visit(s.typeDefs, {
            enter: (node: ASTNode) =>
              'description' in node && node.description
                ? { ...node, description: undefined }
                : undefined,
          }),
        );
      expect(withoutDescriptions(reflected)).toEqual(withoutDescriptions(source));
      expect(await reflected.operations.get('getPrice')!.invoke({ sku: 'SKU-00002' }, {})).toEqual(
        await op('getPrice').invoke({ sku: 'SKU-00002' }, {}),
      );
    } finally {
      await reflected.close();
    }
  });

  it('reports health, and closes twice', async () => {
    expect((await source.health()).ok).toBe(true);
    try {
      // billing serves grpc.health.v1 and reports NOT_SERVING while it is made unavailable.
      billing.misbehaviour.set({ unavailable: true });
      const down = await source.health();
      expect(down).toMatchObject({ ok: false, message: 'billing reports that it is not serving.' });
    } finally {
      billing.misbehaviour.set({});
    }
    const other = await createGrpcSource({
      name: 'billing',
      contract: billing.contract,
      url: billing.url,
    });
    await other.close();
    await other.close();
    expect((await other.health()).ok).toBe(false);
    expect(
      await failure(other.operations.get('getPrice')!.invoke({ sku: 'SKU-00001' }, {})),
    ).toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
  });
});
