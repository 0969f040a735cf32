/**
 * Checks request bodies against the rules openapi.yaml states, collecting
 * every fault (with a JSON Pointer) before answering 422. Written by hand:
 * the rules that matter (SKU exists and is for sale, customer exists) need
 * the store, which a schema validator cannot see.
 */
import type { NewCustomer, NewOrder, OrderStatus, PaymentMethod } from './model.js';
import { badRequest, invalidBody, type FieldError } from './problem.js';
import type { StorefrontStore } from './store.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function requireObject(body: unknown): Json {
  if (body === undefined) throw badRequest('This operation needs a JSON body.');
  if (!isObject(body))
    throw invalidBody([{ pointer: '', detail: 'the body must be a JSON object.' }]);
  return body;
}

class Faults {
  readonly list: FieldError[] = [];
  add(pointer: string, detail: string): undefined {
    this.list.push({ pointer, detail });
    return undefined;
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw invalidBody(this.list);
  }
}

function text(
  faults: Faults,
  value: unknown,
  pointer: string,
  { min = 1, max, pattern, hint }: { min?: number; max: number; pattern?: RegExp; hint?: string },
): string | undefined {
  if (typeof value !== 'string')
    return faults.add(pointer, `${pointer.slice(1)} must be a string.`);
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max)
    return faults.add(pointer, `${pointer.slice(1)} must be ${min} to ${max} characters.`);
  if (pattern && !pattern.test(trimmed))
    return faults.add(pointer, `${pointer.slice(1)} ${hint ?? 'has the wrong format'}.`);
  return trimmed;
}

function optionalText(
  faults: Faults,
  value: unknown,
  pointer: string,
  rules: { max: number; pattern?: RegExp; hint?: string },
): string | null | undefined {
  if (value === undefined || value === null) return null;
  return text(faults, value, pointer, rules);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9][0-9]{6,14}$/;

export function parseNewCustomer(body: unknown): NewCustomer {
  const input = requireObject(body);
  const faults = new Faults();
  const email = text(faults, input.email, '/email', {
    max: 254,
    pattern: EMAIL,
    hint: 'must be an email address',
  });
  const firstName = text(faults, input.firstName, '/firstName', { max: 100 });
  const lastName = text(faults, input.lastName, '/lastName', { max: 100 });
  const phone = optionalText(faults, input.phone, '/phone', {
    max: 16,
    pattern: E164,
    hint: 'must be an E.164 number such as +15551234567',
  });
  faults.throwIfAny();
  return {
    email: email as string,
    firstName: firstName as string,
    lastName: lastName as string,
    phone: phone ?? null,
  };
}

export const MAX_ORDER_LINES = 50;
export const MAX_LINE_QUANTITY = 100;

function parsePayment(faults: Faults, value: unknown): PaymentMethod | undefined {
  if (value === undefined || value === null)
    return { type: 'invoice', termsDays: 30, purchaseOrder: null };
  if (!isObject(value)) return faults.add('/payment', 'payment must be an object.');
  switch (value.type) {
    case 'card': {
      const brand = value.brand;
      if (brand !== 'visa' && brand !== 'mastercard' && brand !== 'amex')
        faults.add('/payment/brand', 'payment.brand must be visa, mastercard or amex.');
      const last4 = text(faults, value.last4, '/payment/last4', {
        min: 4,
        max: 4,
        pattern: /^[0-9]{4}$/,
        hint: 'must be four digits',
      });
      return brand === 'visa' || brand === 'mastercard' || brand === 'amex'
        ? last4 === undefined
          ? undefined
          : { type: 'card', brand, last4 }
        : undefined;
    }
    case 'invoice': {
      const termsDays = value.termsDays;
      if (termsDays !== 14 && termsDays !== 30 && termsDays !== 60)
        return faults.add('/payment/termsDays', 'payment.termsDays must be 14, 30 or 60.');
      const purchaseOrder = optionalText(faults, value.purchaseOrder, '/payment/purchaseOrder', {
        max: 64,
      });
      return purchaseOrder === undefined
        ? undefined
        : { type: 'invoice', termsDays, purchaseOrder };
    }
    case 'gift_card': {
      const code = text(faults, value.code, '/payment/code', { min: 4, max: 32 });
      // Only the last four characters are kept, as the contract promises.
      return code === undefined ? undefined : { type: 'gift_card', code: `****${code.slice(-4)}` };
    }
    default:
      return faults.add('/payment/type', 'payment.type must be card, invoice or gift_card.');
  }
}

/** A valid order for `store`: the customer exists, every SKU exists once and is for sale, quantities are 1..100. */
export function parseNewOrder(body: unknown, store: StorefrontStore): NewOrder {
  const input = requireObject(body);
  const faults = new Faults();
  const customerId = text(faults, input.customerId, '/customerId', { max: 64 });
  if (customerId !== undefined && store.customerById(customerId) === undefined)
    faults.add('/customerId', `customer ${customerId} does not exist.`);
  const lines: NewOrder['lines'] = [];
  if (!Array.isArray(input.lines)) {
    faults.add('/lines', 'lines must be an array.');
  } else if (input.lines.length === 0 || input.lines.length > MAX_ORDER_LINES) {
    faults.add(
      '/lines',
      `an order needs 1 to ${MAX_ORDER_LINES} lines, got ${input.lines.length}.`,
    );
  } else {
    const seen = new Set<string>();
    input.lines.forEach((line: unknown, i) => {
      const at = `/lines/${i}`;
      if (!isObject(line)) return faults.add(at, `lines[${i}] must be an object.`);
      const sku = typeof line.sku === 'string' ? line.sku : undefined;
      const product = sku === undefined ? undefined : store.productBySku(sku);
      if (sku === undefined) faults.add(`${at}/sku`, `lines[${i}].sku must be a string.`);
      else if (product === undefined)
        faults.add(`${at}/sku`, `SKU ${sku.slice(0, 40)} does not exist.`);
      else if (product.status !== 'active')
        faults.add(`${at}/sku`, `SKU ${sku} is ${product.status} and cannot be ordered.`);
      else if (seen.has(sku)) faults.add(`${at}/sku`, `SKU ${sku} appears on more than one line.`);
      const quantity = line.quantity;
      const quantityOk =
        typeof quantity === 'number' &&
        Number.isInteger(quantity) &&
        quantity >= 1 &&
        quantity <= MAX_LINE_QUANTITY;
      if (!quantityOk)
        faults.add(
          `${at}/quantity`,
          `lines[${i}].quantity must be a whole number from 1 to ${MAX_LINE_QUANTITY}.`,
        );
      if (sku !== undefined) seen.add(sku);
      if (sku !== undefined && quantityOk) lines.push({ sku, quantity });
      return undefined;
    });
  }
  const payment = parsePayment(faults, input.payment);
  const note = optionalText(faults, input.note, '/note', { max: 500 });
  const channel = optionalText(faults, input.channel, '/channel', { max: 128 });
  faults.throwIfAny();
  return {
    customerId: customerId as string,
    lines,
    payment: payment as PaymentMethod,
    note: note ?? null,
    channel: channel ?? null,
  };
}

export function parseStatusUpdate(body: unknown): Extract<OrderStatus, 'paid' | 'shipped'> {
  const input = requireObject(body);
  if (input.status !== 'paid' && input.status !== 'shipped') {
    throw invalidBody([
      { pointer: '/status', detail: 'status must be paid or shipped; use cancelOrder to cancel.' },
    ]);
  }
  return input.status;
}

/** The optional cancellation body: `{ reason? }`; an empty body is fine. */
export function parseCancellation(body: unknown): string | null {
  if (body === undefined) return null;
  const input = requireObject(body);
  const faults = new Faults();
  const reason = optionalText(faults, input.reason, '/reason', { max: 500 });
  faults.throwIfAny();
  return reason ?? null;
}

/** The fields updateProduct may change; the storefront owns titles and descriptions only. */
export interface ProductUpdate {
  title?: string;
  description?: string;
}

const PRODUCT_FIELDS: ReadonlySet<string> = new Set(['title', 'description']);

/** `{ title?, description? }` with at least one; other fields (price, weight) are refused by name, since another system owns them. */
export function parseProductUpdate(body: unknown): ProductUpdate {
  const input = requireObject(body);
  const faults = new Faults();
  for (const key of Object.keys(input)) {
    if (!PRODUCT_FIELDS.has(key))
      faults.add(
        `/${key.slice(0, 40)}`,
        `${key.slice(0, 40)} cannot be changed here; the storefront owns title and description.`,
      );
  }
  const update: ProductUpdate = {};
  if (input.title !== undefined) update.title = text(faults, input.title, '/title', { max: 200 });
  if (input.description !== undefined)
    update.description = text(faults, input.description, '/description', { min: 0, max: 5000 });
  if (input.title === undefined && input.description === undefined && faults.list.length === 0)
    faults.add('', 'give title, description or both.');
  faults.throwIfAny();
  return update;
}
