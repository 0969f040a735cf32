/**
 * One function per erp operation: request content in, response Body content
 * out. Bad input throws ErpClientError, which the server answers as a
 * soap:Client fault.
 */
import { leaf } from './soap-xml.js';
import { textOf } from './soap-xml.js';
import {
  ErpClientError,
  type ErpAdjustment,
  type ErpItem,
  type ErpItemUpdate,
  type ErpSalesOrder,
  type ErpStock,
  type ErpStore,
} from './store.js';

type Handler = (store: ErpStore, body: Record<string, unknown>) => string;

const required = (body: Record<string, unknown>, name: string): string => {
  const value = textOf(body[name]);
  if (value === undefined || value === null || value === '')
    throw new ErpClientError('MISSING_FIELD', `${name} is required.`);
  return value;
};

const optional = (body: Record<string, unknown>, name: string): string | undefined =>
  textOf(body[name]) ?? undefined;

const codes = (body: Record<string, unknown>): string[] => {
  const raw = body.itemCode;
  const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(
    (value) => textOf(value) ?? '',
  );
  if (list.length === 0) throw new ErpClientError('MISSING_FIELD', 'itemCode is required.');
  if (list.length > 1000) throw new ErpClientError('TOO_MANY', 'At most 1000 item codes per call.');
  return list;
};

const integer = (raw: string, name: string): number => {
  if (!/^[+-]?\d{1,9}$/.test(raw.trim()))
    throw new ErpClientError('BAD_QUANTITY', `${name} must be a whole number.`);
  return Number(raw);
};

const item = (name: string, i: ErpItem): string =>
  `<erp:${name} rowVersion="${i.rowVersion}">${leaf('itemCode', i.itemCode)}${leaf('description', i.description)}${leaf('category', i.category)}${leaf('weightKg', i.weightKg)}${leaf('status', i.status)}${leaf('discontinuedAt', i.discontinuedAt)}</erp:${name}>`;

const stockRow = (s: ErpStock): string =>
  `<erp:stockLevel>${leaf('itemCode', s.itemCode)}${leaf('warehouse', s.warehouse)}${leaf('onHand', s.onHand)}${leaf('reserved', s.reserved)}${leaf('available', s.onHand - s.reserved)}</erp:stockLevel>`;

const order = (o: ErpSalesOrder): string =>
  `<erp:salesOrder>${leaf('documentNumber', o.documentNumber)}${leaf('createdAt', o.createdAt)}${leaf('customerId', o.customerId)}${o.externalReference === null ? '' : leaf('externalReference', o.externalReference)}${leaf('status', o.status)}${o.note === null ? '' : leaf('note', o.note)}` +
  o.lines
    .map(
      (l) =>
        `<t:line>${leaf('itemCode', l.itemCode)}${leaf('quantity', l.quantity)}${leaf('lineNumber', l.lineNumber)}</t:line>`,
    )
    .join('') +
  `${leaf(
    'totalQuantity',
    o.lines.reduce((sum, l) => sum + l.quantity, 0),
  )}</erp:salesOrder>`;

const adjustment = (a: ErpAdjustment): string =>
  `<erp:adjustment>${leaf('documentNumber', a.documentNumber)}${leaf('createdAt', a.createdAt)}${leaf('itemCode', a.itemCode)}${leaf('warehouse', a.warehouse)}${leaf('quantityDelta', a.quantityDelta)}${leaf('reason', a.reason)}${leaf('onHandAfter', a.onHandAfter)}${a.requestId === null ? '' : leaf('requestId', a.requestId)}</erp:adjustment>`;

const REASONS = new Set(['received', 'damaged', 'counted', 'returned']);
const ITEM_STATUSES = new Set(['active', 'draft', 'archived']);
const WEIGHT = /^\d{1,6}(\.\d{1,3})?$/;
const ROW_VERSION = /^\d{1,19}$/;

/** An optional free-text element, trimmed; `max` characters at most. */
const optionalText = (
  body: Record<string, unknown>,
  name: string,
  max: number,
): string | undefined => {
  const value = optional(body, name);
  if (value === undefined) return undefined;
  if (value.trim() === '' || value.length > max)
    throw new ErpClientError('BAD_FIELD', `${name} must be 1 to ${max} characters.`);
  return value.trim();
};

function itemUpdateOf(body: Record<string, unknown>): ErpItemUpdate {
  const update: ErpItemUpdate = {};
  const description = optionalText(body, 'description', 200);
  if (description !== undefined) update.description = description;
  const category = optionalText(body, 'category', 64);
  if (category !== undefined) update.category = category;
  const weight = optional(body, 'weightKg');
  if (weight !== undefined) {
    if (!WEIGHT.test(weight.trim()))
      throw new ErpClientError(
        'BAD_WEIGHT',
        'weightKg must be a decimal of at most 3 places from 0 to 999999.999.',
      );
    update.weightKg = Number(weight.trim()).toFixed(3);
  }
  const status = optional(body, 'status');
  if (status !== undefined) {
    if (!ITEM_STATUSES.has(status))
      throw new ErpClientError('BAD_STATUS', 'status is not an ItemStatus.');
    update.status = status as ErpItem['status'];
  }
  const expected = optional(body, 'expectedRowVersion');
  if (expected !== undefined) {
    if (!ROW_VERSION.test(expected.trim()))
      throw new ErpClientError('BAD_ROW_VERSION', 'expectedRowVersion must be a whole number.');
    update.expectedRowVersion = BigInt(expected.trim());
  }
  if (Object.keys(update).filter((key) => key !== 'expectedRowVersion').length === 0) {
    throw new ErpClientError(
      'MISSING_FIELD',
      'Give at least one of description, category, weightKg and status.',
    );
  }
  return update;
}
const STATUSES = new Set(['pending', 'paid', 'shipped', 'cancelled']);

export const HANDLERS: Readonly<Record<string, Handler>> = {
  GetItem(store, body) {
    const code = required(body, 'itemCode');
    const found = store.item(code);
    if (!found)
      throw new ErpClientError('UNKNOWN_ITEM', `Item ${code.slice(0, 64)} does not exist.`);
    return `<erp:GetItemResponse>${item('item', found)}</erp:GetItemResponse>`;
  },
  GetItems(store, body) {
    const found = codes(body).flatMap((code) => store.item(code) ?? []);
    return `<erp:GetItemsResponse>${found.map((i) => item('item', i)).join('')}</erp:GetItemsResponse>`;
  },
  GetStockLevels(store, body) {
    const warehouse = optional(body, 'warehouse');
    const rows = codes(body)
      .flatMap((code) => store.stock(code))
      .filter((row) => warehouse === undefined || row.warehouse === warehouse);
    return `<erp:GetStockLevelsResponse>${rows.map(stockRow).join('')}</erp:GetStockLevelsResponse>`;
  },
  CreateSalesOrder(store, body) {
    const rawLines = Array.isArray(body.line) ? body.line : [];
    const lines = rawLines.map((line) => {
      const record = (typeof line === 'object' && line !== null ? line : {}) as Record<
        string,
        unknown
      >;
      return {
        itemCode: required(record, 'itemCode'),
        quantity: integer(required(record, 'quantity'), 'quantity'),
      };
    });
    const note = textOf(body.note);
    const externalReference = textOf(body.externalReference);
    const created = store.createOrder({
      customerId: required(body, 'customerId'),
      lines,
      note: note ?? null,
      externalReference: externalReference ?? null,
    });
    return `<erp:CreateSalesOrderResponse>${order(created)}</erp:CreateSalesOrderResponse>`;
  },
  FindSalesOrderByExternalReference(store, body) {
    const found = store.orderByExternalReference(required(body, 'externalReference'));
    return `<erp:FindSalesOrderByExternalReferenceResponse>${found ? order(found) : ''}</erp:FindSalesOrderByExternalReferenceResponse>`;
  },
  CancelSalesOrder(store, body) {
    const reason = optionalText(body, 'reason', 500);
    const cancelled = store.cancelOrder(required(body, 'documentNumber'), reason ?? null);
    return `<erp:CancelSalesOrderResponse>${order(cancelled)}</erp:CancelSalesOrderResponse>`;
  },
  UpdateItem(store, body) {
    const requestId = optional(body, 'requestId');
    const updated = store.updateItem(required(body, 'itemCode'), {
      ...itemUpdateOf(body),
      ...(requestId === undefined ? {} : { requestId }),
    });
    return `<erp:UpdateItemResponse>${item('item', updated)}</erp:UpdateItemResponse>`;
  },
  GetSalesOrder(store, body) {
    const found = store.order(required(body, 'documentNumber'));
    return `<erp:GetSalesOrderResponse>${found ? order(found) : ''}</erp:GetSalesOrderResponse>`;
  },
  ListSalesOrders(store, body) {
    const status = optional(body, 'status');
    if (status !== undefined && !STATUSES.has(status))
      throw new ErpClientError('BAD_STATUS', 'status is not an OrderStatus.');
    const max = optional(body, 'maxResults');
    const found = store.orders({
      customerId: optional(body, 'customerId'),
      status,
      maxResults: max === undefined ? undefined : integer(max, 'maxResults'),
    });
    return `<erp:ListSalesOrdersResponse>${found.map(order).join('')}</erp:ListSalesOrdersResponse>`;
  },
  AdjustInventory(store, body) {
    const reason = required(body, 'reason');
    if (!REASONS.has(reason))
      throw new ErpClientError('BAD_REASON', 'reason is not an AdjustmentReason.');
    const requestId = optional(body, 'requestId') ?? null;
    const done = store.adjust({
      itemCode: required(body, 'itemCode'),
      warehouse: required(body, 'warehouse'),
      quantityDelta: integer(required(body, 'quantityDelta'), 'quantityDelta'),
      reason,
      requestId,
    });
    return `<erp:AdjustInventoryResponse>${adjustment(done)}</erp:AdjustInventoryResponse>`;
  },
};

/**
 * True for a write whose key the erp already knows, which its handler answers
 * without applying anything: AdjustInventory or UpdateItem with a requestId
 * already used (the first result, or DUPLICATE_REQUEST_ID), CreateSalesOrder
 * with an externalReference already taken (DUPLICATE_EXTERNAL_REFERENCE
 * naming the first order). The server lets such a call pass its injected
 * faults, which are for new work only.
 */
export function isKnownWrite(
  store: ErpStore,
  operation: string,
  body: Record<string, unknown>,
): boolean {
  switch (operation) {
    case 'CreateSalesOrder': {
      const reference = textOf(body.externalReference);
      return (
        typeof reference === 'string' && store.orderByExternalReference(reference) !== undefined
      );
    }
    case 'AdjustInventory':
    case 'UpdateItem': {
      const requestId = optional(body, 'requestId');
      return requestId !== undefined && store.knowsRequestId(operation, requestId);
    }
    default:
      return false;
  }
}
