/**
 * Billing's state: prices, invoices and payments, seeded from the shared
 * catalogue. Amounts are bigint minor units here and decimal strings on the
 * wire, so totals past 2^53 stay exact end to end.
 */
import { catalogue, CURRENCY } from '../common/catalogue.js';
import { createWriteLog, type SystemRecords, type WriteLog } from '../common/records.js';

export interface StoredMoney {
  amountMinor: bigint;
  currency: string;
}

export interface StoredLine {
  sku: string;
  quantity: number;
  unitPriceMinor: bigint;
}

export type InvoiceStatus = 'OPEN' | 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'VOID';
export type PaymentStatus = 'CAPTURED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';

export interface StoredInvoice {
  id: string;
  orderId: string;
  customerId: string;
  status: InvoiceStatus;
  lines: StoredLine[];
  currency: string;
  capturedMinor: bigint;
  refundedMinor: bigint;
  metadata: Record<string, string>;
  createdAtMs: number;
  paymentTermsSeconds: number;
  purchaseOrder?: string;
  /** google.protobuf.Struct as proto-loader gives it; passed through untouched. */
  attributes?: unknown;
}

export type PaymentMethod =
  { card: Record<string, unknown> } | { bankTransfer: Record<string, unknown> };

export interface StoredPayment {
  id: string;
  invoiceId: string;
  amountMinor: bigint;
  refundedMinor: bigint;
  currency: string;
  method: PaymentMethod;
  capturedAtMs: number;
}

/** Net 30: the payment terms of seeded invoices, in seconds. */
const DEFAULT_PAYMENT_TERMS_SECONDS = 30 * 86_400;

export function invoiceTotal(invoice: StoredInvoice): bigint {
  return invoice.lines.reduce((sum, line) => sum + line.unitPriceMinor * BigInt(line.quantity), 0n);
}

export interface BillingStore {
  prices: Map<string, StoredMoney & { validFromMs: number; compareAtMinor?: bigint }>;
  invoices: Map<string, StoredInvoice>;
  invoicesByOrder: Map<string, string[]>;
  payments: Map<string, StoredPayment>;
  nextInvoice: number;
  nextPayment: number;
  /** Every write applied since start. */
  writes: WriteLog;
  refunds: Array<{
    paymentId: string;
    invoiceId: string;
    amountMinor: bigint;
    reason: string;
    idempotencyKey: string | null;
    atMs: number;
  }>;
  priceChanges: Array<{
    sku: string;
    fromMinor: bigint | null;
    toMinor: bigint;
    currency: string;
    idempotencyKey: string | null;
    atMs: number;
  }>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The write log and every invoice, payment and price written since start, for GET /__admin/records; amounts as decimal strings. */
export function billingRecords(store: BillingStore): SystemRecords {
  const written = store.writes.ids();
  return {
    system: 'billing',
    writes: store.writes.list(),
    invoices: written.flatMap((id) => {
      const invoice = store.invoices.get(id);
      if (!invoice) return [];
      return [
        {
          id: invoice.id,
          orderId: invoice.orderId,
          customerId: invoice.customerId,
          status: invoice.status,
          totalMinor: invoiceTotal(invoice).toString(),
          capturedMinor: invoice.capturedMinor.toString(),
          refundedMinor: invoice.refundedMinor.toString(),
          currency: invoice.currency,
          applied: store.writes.countsOf(id),
        },
      ];
    }),
    payments: written.flatMap((id) => {
      const payment = store.payments.get(id);
      if (!payment) return [];
      return [
        {
          id: payment.id,
          invoiceId: payment.invoiceId,
          amountMinor: payment.amountMinor.toString(),
          refundedMinor: payment.refundedMinor.toString(),
          currency: payment.currency,
          applied: store.writes.countsOf(id),
        },
      ];
    }),
    refunds: store.refunds.map(({ atMs, ...refund }) => ({
      ...refund,
      amountMinor: refund.amountMinor.toString(),
      at: iso(atMs),
    })),
    priceChanges: store.priceChanges.map((change) => ({
      sku: change.sku,
      fromMinor: change.fromMinor === null ? null : change.fromMinor.toString(),
      toMinor: change.toMinor.toString(),
      currency: change.currency,
      idempotencyKey: change.idempotencyKey,
      at: iso(change.atMs),
    })),
  };
}

export function addInvoice(store: BillingStore, invoice: StoredInvoice): void {
  store.invoices.set(invoice.id, invoice);
  const ids = store.invoicesByOrder.get(invoice.orderId) ?? [];
  ids.push(invoice.id);
  store.invoicesByOrder.set(invoice.orderId, ids);
}

/** One invoice per catalogue order; paid and shipped orders also get a captured card payment. */
export function createBillingStore(): BillingStore {
  const seed = catalogue();
  const store: BillingStore = {
    prices: new Map(),
    invoices: new Map(),
    invoicesByOrder: new Map(),
    payments: new Map(),
    nextInvoice: seed.orders.length + 1,
    nextPayment: 1,
    writes: createWriteLog(),
    refunds: [],
    priceChanges: [],
  };
  seed.prices.forEach((price, index) => {
    store.prices.set(price.sku, {
      amountMinor: price.amountMinor,
      currency: price.currency,
      validFromMs: Date.UTC(2026, 0, 1),
      // Every tenth SKU is on sale, so the wrapper field is sometimes set and sometimes null.
      compareAtMinor: index % 10 === 0 ? (price.amountMinor * 5n) / 4n : undefined,
    });
  });
  for (const order of seed.orders) {
    const invoice: StoredInvoice = {
      id: order.id.replace('ord_', 'inv_'),
      orderId: order.id,
      customerId: order.customerId,
      status: order.status === 'cancelled' ? 'VOID' : order.status === 'pending' ? 'OPEN' : 'PAID',
      lines: order.lines.map((line) => ({
        sku: line.sku,
        quantity: line.quantity,
        unitPriceMinor: store.prices.get(line.sku)?.amountMinor ?? 0n,
      })),
      currency: CURRENCY,
      capturedMinor: 0n,
      refundedMinor: 0n,
      metadata: { channel: 'web' },
      createdAtMs: Date.parse(order.createdAt),
      paymentTermsSeconds: DEFAULT_PAYMENT_TERMS_SECONDS,
    };
    if (invoice.status === 'PAID') {
      invoice.capturedMinor = invoiceTotal(invoice);
      const id = `pay_${String(store.nextPayment++).padStart(5, '0')}`;
      store.payments.set(id, {
        id,
        invoiceId: invoice.id,
        amountMinor: invoice.capturedMinor,
        refundedMinor: 0n,
        currency: CURRENCY,
        method: { card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 } },
        capturedAtMs: invoice.createdAtMs + 60_000,
      });
    }
    addInvoice(store, invoice);
  }
  return store;
}
