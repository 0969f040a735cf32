/**
 * The BillingService RPCs. Each takes the request as @grpc/proto-loader
 * decodes it (camelCase, int64 as strings, enums as names) and answers in the
 * same shape, or fails with a gRPC status and a short reason.
 */
import { status as Status } from '@grpc/grpc-js';
import { CURRENCY } from '../common/catalogue.js';
import { RpcFailure } from './failure.js';
import { createBillingIdempotency } from './idempotency.js';
import {
  addInvoice,
  invoiceTotal,
  type BillingStore,
  type PaymentMethod,
  type StoredInvoice,
  type StoredPayment,
} from './store.js';
import { invoiceToWire, paymentToWire, priceToWire, timestamp } from './wire.js';

export { RpcFailure };

const fail = (code: Status, message: string): never => {
  throw new RpcFailure(code, message);
};

/** At most this many SKUs in one BatchGetPrices call. */
const MAX_BATCH_SKUS = 1000;
const MINOR_UNITS = /^-?\d+$/;
/** A SKU billing may price: what the other systems call an item code. */
const SKU = /^[A-Za-z0-9._-]{1,64}$/;

type Wire = Record<string, unknown>;

function text(request: Wire, field: string): string {
  const value = request[field];
  return typeof value === 'string' ? value : '';
}

function amountOf(request: Wire, field: string, currency: string): bigint {
  const value = request[field] as Wire | null | undefined;
  if (value === null || value === undefined)
    return fail(Status.INVALID_ARGUMENT, `${field} is required`);
  const minor = value.amountMinor;
  if (typeof minor !== 'string' || !MINOR_UNITS.test(minor))
    return fail(Status.INVALID_ARGUMENT, `${field}.amount_minor is not an integer`);
  const amount = BigInt(minor);
  if (amount <= 0n) return fail(Status.INVALID_ARGUMENT, `${field}.amount_minor must be positive`);
  if (value.currency !== currency)
    return fail(Status.INVALID_ARGUMENT, `${field}.currency must be ${currency}`);
  return amount;
}

export type EventKind = 'KIND_CREATED' | 'KIND_PAID' | 'KIND_REFUNDED';

/**
 * The handlers, bound to one store; `emit` publishes an invoice event to
 * watchers. Writes take the call's idempotency-key metadata, if any.
 */
export function createHandlers(
  store: BillingStore,
  emit: (kind: EventKind, invoice: StoredInvoice) => void,
) {
  const invoiceOr404 = (id: string): StoredInvoice =>
    store.invoices.get(id) ?? fail(Status.NOT_FOUND, `no invoice ${id}`);
  const idempotency = createBillingIdempotency();

  function createInvoice(request: Wire, key?: string): StoredInvoice {
    const orderId = text(request, 'orderId');
    if (orderId === '') fail(Status.INVALID_ARGUMENT, 'order_id is required');
    if (store.invoicesByOrder.has(orderId))
      fail(Status.ALREADY_EXISTS, `order ${orderId} already has an invoice`);
    const lines = Array.isArray(request.lines) ? (request.lines as Wire[]) : [];
    if (lines.length === 0) fail(Status.INVALID_ARGUMENT, 'an invoice needs at least one line');
    const stored = lines.map((line) => {
      const sku = text(line, 'sku');
      const quantity = typeof line.quantity === 'number' ? line.quantity : 0;
      if (quantity <= 0) fail(Status.INVALID_ARGUMENT, `quantity of ${sku} must be positive`);
      const override = line.unitPriceMinorOverride;
      if (typeof override === 'string') return { sku, quantity, unitPriceMinor: BigInt(override) };
      const price =
        store.prices.get(sku) ?? fail(Status.INVALID_ARGUMENT, `billing does not price ${sku}`);
      return { sku, quantity, unitPriceMinor: price.amountMinor };
    });
    const terms = request.paymentTerms as Wire | null | undefined;
    const invoice: StoredInvoice = {
      id: `inv_${String(store.nextInvoice++).padStart(5, '0')}`,
      orderId,
      customerId: text(request, 'customerId'),
      status: 'OPEN',
      lines: stored,
      currency: CURRENCY,
      capturedMinor: 0n,
      refundedMinor: 0n,
      metadata: (request.metadata as Record<string, string> | undefined) ?? {},
      createdAtMs: Date.now(),
      paymentTermsSeconds: terms ? Number(terms.seconds) : 30 * 86_400,
      purchaseOrder: typeof request.purchaseOrder === 'string' ? request.purchaseOrder : undefined,
      attributes: request.attributes ?? undefined,
    };
    addInvoice(store, invoice);
    store.writes.applied('CreateInvoice', invoice.id, {
      idempotencyKey: key,
      externalReference: orderId,
    });
    emit('KIND_CREATED', invoice);
    return invoice;
  }

  return {
    GetPrice(request: Wire): Wire {
      const sku = text(request, 'sku');
      if (sku === '') fail(Status.INVALID_ARGUMENT, 'sku is required');
      const price =
        store.prices.get(sku) ?? fail(Status.NOT_FOUND, `billing does not price ${sku}`);
      return priceToWire(sku, price);
    },

    BatchGetPrices(request: Wire): Wire {
      const skus = Array.isArray(request.skus) ? (request.skus as string[]) : [];
      if (skus.length > MAX_BATCH_SKUS)
        fail(Status.INVALID_ARGUMENT, `at most ${MAX_BATCH_SKUS} skus per call`);
      const prices = skus.flatMap((sku) => {
        const price = store.prices.get(sku);
        return price ? [priceToWire(sku, price)] : [];
      });
      return { prices };
    },

    CreateInvoice: (request: Wire, key?: string): Wire =>
      idempotency.run('CreateInvoice', key, request, () =>
        invoiceToWire(createInvoice(request, key)),
      ),

    ImportInvoices(requests: Wire[]): Wire {
      for (const request of requests) createInvoice(request);
      return { created: requests.length };
    },

    GetInvoice: (request: Wire): Wire => invoiceToWire(invoiceOr404(text(request, 'id'))),

    FindInvoiceByOrder(request: Wire): Wire {
      const orderId = text(request, 'orderId');
      if (orderId === '') fail(Status.INVALID_ARGUMENT, 'order_id is required');
      const id = store.invoicesByOrder.get(orderId)?.[0];
      return invoiceToWire(
        id === undefined
          ? fail(Status.NOT_FOUND, `no invoice for order ${orderId}`)
          : invoiceOr404(id),
      );
    },

    ListInvoices(request: Wire): Wire {
      const orderId = text(request, 'orderId');
      const customerId = text(request, 'customerId');
      if (orderId === '' && customerId === '')
        fail(Status.INVALID_ARGUMENT, 'order_id or customer_id is required');
      const invoices =
        orderId !== ''
          ? (store.invoicesByOrder.get(orderId) ?? []).map(
              (id) => store.invoices.get(id) as StoredInvoice,
            )
          : [...store.invoices.values()].filter((invoice) => invoice.customerId === customerId);
      return { invoices: invoices.map(invoiceToWire) };
    },

    CapturePayment: (request: Wire, key?: string): Wire =>
      idempotency.run('CapturePayment', key, request, () => capturePayment(request, key)),
    RefundPayment: (request: Wire, key?: string): Wire =>
      idempotency.run('RefundPayment', key, request, () => refundPayment(request, key)),
    VoidInvoice: (request: Wire, key?: string): Wire =>
      idempotency.run('VoidInvoice', key, request, () => voidInvoice(request, key)),
    RefundInvoice: (request: Wire, key?: string): Wire =>
      idempotency.run('RefundInvoice', key, request, () => refundInvoice(request, key)),
    SetPrice: (request: Wire, key?: string): Wire =>
      idempotency.run('SetPrice', key, request, () => setPrice(request, key)),

    /** True when a keyed write with this idempotency-key would be answered from the kept answer, applying nothing. */
    knowsKey: (key: string | undefined): boolean => idempotency.knows(key),

    eventOf(kind: EventKind, invoice: StoredInvoice, sequence: bigint): Wire {
      return {
        kind,
        invoiceId: invoice.id,
        invoice: invoiceToWire(invoice),
        at: timestamp(Date.now()),
        sequence: sequence.toString(),
      };
    },
  };

  function capturePayment(request: Wire, idempotencyKey: string | undefined): Wire {
    const invoice = invoiceOr404(text(request, 'invoiceId'));
    const amount = amountOf(request, 'amount', invoice.currency);
    const method =
      request.method === 'card' || request.method === 'bankTransfer'
        ? request.method
        : fail(Status.INVALID_ARGUMENT, 'a payment method (card or bank_transfer) is required');
    if (invoice.status !== 'OPEN')
      fail(
        Status.FAILED_PRECONDITION,
        `invoice ${invoice.id} is ${invoice.status.toLowerCase()}, not open`,
      );
    const outstanding = invoiceTotal(invoice) - invoice.capturedMinor;
    if (amount > outstanding)
      fail(
        Status.FAILED_PRECONDITION,
        `capture of ${amount} exceeds the ${outstanding} outstanding`,
      );
    const payment: StoredPayment = {
      id: `pay_${String(store.nextPayment++).padStart(5, '0')}`,
      invoiceId: invoice.id,
      amountMinor: amount,
      refundedMinor: 0n,
      currency: invoice.currency,
      method: { [method]: request[method] as Wire } as PaymentMethod,
      capturedAtMs: Date.now(),
    };
    store.payments.set(payment.id, payment);
    invoice.capturedMinor += amount;
    if (invoice.capturedMinor === invoiceTotal(invoice)) invoice.status = 'PAID';
    store.writes.applied('CapturePayment', payment.id, {
      idempotencyKey,
      externalReference: invoice.orderId,
    });
    emit('KIND_PAID', invoice);
    return paymentToWire(payment);
  }

  function refundPayment(request: Wire, idempotencyKey: string | undefined): Wire {
    const id = text(request, 'paymentId');
    const payment = store.payments.get(id) ?? fail(Status.NOT_FOUND, `no payment ${id}`);
    const amount = amountOf(request, 'amount', payment.currency);
    const refundable = payment.amountMinor - payment.refundedMinor;
    if (amount > refundable)
      fail(
        Status.FAILED_PRECONDITION,
        `refund of ${amount} exceeds the ${refundable} still captured`,
      );
    payment.refundedMinor += amount;
    const invoice = invoiceOr404(payment.invoiceId);
    invoice.refundedMinor += amount;
    invoice.status =
      invoice.refundedMinor === invoice.capturedMinor ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    store.refunds.push({
      paymentId: payment.id,
      invoiceId: invoice.id,
      amountMinor: amount,
      reason: text(request, 'reason'),
      idempotencyKey: idempotencyKey ?? null,
      atMs: Date.now(),
    });
    store.writes.applied('RefundPayment', payment.id, {
      idempotencyKey,
      externalReference: invoice.orderId,
    });
    emit('KIND_REFUNDED', invoice);
    return paymentToWire(payment);
  }

  /** Refunds what is still captured on each of the invoice's payments; nothing left answers it unchanged. */
  function refundInvoice(request: Wire, idempotencyKey: string | undefined): Wire {
    const invoice = invoiceOr404(text(request, 'invoiceId'));
    const payments = [...store.payments.values()].filter(
      (payment) => payment.invoiceId === invoice.id && payment.amountMinor > payment.refundedMinor,
    );
    if (payments.length === 0) return invoiceToWire(invoice);
    for (const payment of payments) {
      const amount = payment.amountMinor - payment.refundedMinor;
      payment.refundedMinor += amount;
      invoice.refundedMinor += amount;
      store.refunds.push({
        paymentId: payment.id,
        invoiceId: invoice.id,
        amountMinor: amount,
        reason: text(request, 'reason'),
        idempotencyKey: idempotencyKey ?? null,
        atMs: Date.now(),
      });
    }
    invoice.status =
      invoice.refundedMinor === invoice.capturedMinor ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    store.writes.applied('RefundInvoice', invoice.id, {
      idempotencyKey,
      externalReference: invoice.orderId,
    });
    emit('KIND_REFUNDED', invoice);
    return invoiceToWire(invoice);
  }

  function voidInvoice(request: Wire, idempotencyKey: string | undefined): Wire {
    const invoice = invoiceOr404(text(request, 'invoiceId'));
    if (invoice.status === 'VOID') return invoiceToWire(invoice);
    if (invoice.status !== 'OPEN' || invoice.capturedMinor > 0n) {
      fail(
        Status.FAILED_PRECONDITION,
        `invoice ${invoice.id} is ${invoice.status.toLowerCase()} with money captured; refund its payments instead of voiding it`,
      );
    }
    invoice.status = 'VOID';
    const reason = text(request, 'reason');
    if (reason !== '') invoice.metadata = { ...invoice.metadata, voidReason: reason.slice(0, 500) };
    store.writes.applied('VoidInvoice', invoice.id, {
      idempotencyKey,
      externalReference: invoice.orderId,
    });
    return invoiceToWire(invoice);
  }

  function setPrice(request: Wire, idempotencyKey: string | undefined): Wire {
    const sku = text(request, 'sku');
    if (!SKU.test(sku))
      fail(
        Status.INVALID_ARGUMENT,
        'sku must be 1 to 64 letters, digits, dots, dashes or underscores',
      );
    const amount = amountOf(request, 'amount', CURRENCY);
    const before = store.prices.get(sku);
    if (before !== undefined && before.amountMinor === amount) return priceToWire(sku, before);
    const price = {
      amountMinor: amount,
      currency: CURRENCY,
      validFromMs: Date.now(),
      ...(before?.compareAtMinor === undefined ? {} : { compareAtMinor: before.compareAtMinor }),
    };
    store.prices.set(sku, price);
    store.priceChanges.push({
      sku,
      fromMinor: before?.amountMinor ?? null,
      toMinor: amount,
      currency: CURRENCY,
      idempotencyKey: idempotencyKey ?? null,
      atMs: price.validFromMs,
    });
    store.writes.applied('SetPrice', sku, { idempotencyKey });
    return priceToWire(sku, price);
  }
}
