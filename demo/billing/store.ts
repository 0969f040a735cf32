/**
 * Billing's state: prices, invoices and payments, seeded from the shared
 * catalogue. Amounts are bigint minor units here and decimal strings on the
 * wire, so totals past 2^53 stay exact end to end.
 */
import { catalogue, CURRENCY } from '../common/catalogue.js';

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

export type PaymentMethod = { card: Record<string, unknown> } | { bankTransfer: Record<string, unknown> };

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
  /** Payment ids by idempotency key, so a retried capture is applied once. */
  capturesByKey: Map<string, string>;
  nextInvoice: number;
  nextPayment: number;
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
    capturesByKey: new Map(),
    nextInvoice: seed.orders.length + 1,
    nextPayment: 1,
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
