/** Billing's stored records in the wire shape @grpc/proto-loader expects (camelCase, int64 as strings). */
import { invoiceTotal, type StoredInvoice, type StoredMoney, type StoredPayment } from './store.js';

export function money(amountMinor: bigint, currency: string): Record<string, unknown> {
  return { amountMinor: amountMinor.toString(), currency };
}

export function timestamp(ms: number): Record<string, unknown> {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

export function priceToWire(
  sku: string,
  price: StoredMoney & { validFromMs: number; compareAtMinor?: bigint },
): Record<string, unknown> {
  return {
    sku,
    unitPrice: money(price.amountMinor, price.currency),
    validFrom: timestamp(price.validFromMs),
    compareAtMinor:
      price.compareAtMinor === undefined ? null : { value: price.compareAtMinor.toString() },
  };
}

export function invoiceToWire(invoice: StoredInvoice): Record<string, unknown> {
  return {
    id: invoice.id,
    orderId: invoice.orderId,
    customerId: invoice.customerId,
    status: `INVOICE_STATUS_${invoice.status}`,
    lines: invoice.lines.map((line) => ({
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: money(line.unitPriceMinor, invoice.currency),
      total: money(line.unitPriceMinor * BigInt(line.quantity), invoice.currency),
    })),
    total: money(invoiceTotal(invoice), invoice.currency),
    captured: money(invoice.capturedMinor, invoice.currency),
    refunded: money(invoice.refundedMinor, invoice.currency),
    metadata: invoice.metadata,
    createdAt: timestamp(invoice.createdAtMs),
    paymentTerms: { seconds: String(invoice.paymentTermsSeconds), nanos: 0 },
    ...(invoice.purchaseOrder === undefined ? {} : { purchaseOrder: invoice.purchaseOrder }),
    ...(invoice.attributes === undefined ? {} : { attributes: invoice.attributes }),
  };
}

export function paymentToWire(payment: StoredPayment): Record<string, unknown> {
  const status =
    payment.refundedMinor === 0n
      ? 'CAPTURED'
      : payment.refundedMinor === payment.amountMinor
        ? 'REFUNDED'
        : 'PARTIALLY_REFUNDED';
  return {
    id: payment.id,
    invoiceId: payment.invoiceId,
    amount: money(payment.amountMinor, payment.currency),
    refunded: money(payment.refundedMinor, payment.currency),
    status: `PAYMENT_STATUS_${status}`,
    ...payment.method,
    capturedAt: timestamp(payment.capturedAtMs),
  };
}
