/**
 * One function per erp operation: request content in, response Body content
 * out. Bad input throws ErpClientError, which the server answers as a
 * soap:Client fault.
 */
import { leaf } from './soap-xml.js';
import { textOf } from './soap-xml.js';
import { ErpClientError, type ErpAdjustment, type ErpItem, type ErpSalesOrder, type ErpStock, type ErpStore } from './store.js';

type Handler = (store: ErpStore, body: Record<string, unknown>) => string;

const required = (body: Record<string, unknown>, name: string): string => {
  const value = textOf(body[name]);
  if (value === undefined || value === null || value === '') throw new ErpClientError('MISSING_FIELD', `${name} is required.`);
  return value;
};

const optional = (body: Record<string, unknown>, name: string): string | undefined => textOf(body[name]) ?? undefined;

const codes = (body: Record<string, unknown>): string[] => {
  const raw = body.itemCode;
  const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((value) => textOf(value) ?? '');
  if (list.length === 0) throw new ErpClientError('MISSING_FIELD', 'itemCode is required.');
  if (list.length > 1000) throw new ErpClientError('TOO_MANY', 'At most 1000 item codes per call.');
  return list;
};

const integer = (raw: string, name: string): number => {
  if (!/^[+-]?\d{1,9}$/.test(raw.trim())) throw new ErpClientError('BAD_QUANTITY', `${name} must be a whole number.`);
  return Number(raw);
};

const item = (name: string, i: ErpItem): string =>
  `<erp:${name} rowVersion="${i.rowVersion}">${leaf('itemCode', i.itemCode)}${leaf('description', i.description)}${leaf('category', i.category)}${leaf('weightKg', i.weightKg)}${leaf('status', i.status)}${leaf('discontinuedAt', i.discontinuedAt)}</erp:${name}>`;

const stockRow = (s: ErpStock): string =>
  `<erp:stockLevel>${leaf('itemCode', s.itemCode)}${leaf('warehouse', s.warehouse)}${leaf('onHand', s.onHand)}${leaf('reserved', s.reserved)}${leaf('available', s.onHand - s.reserved)}</erp:stockLevel>`;

const order = (o: ErpSalesOrder): string =>
  `<erp:salesOrder>${leaf('documentNumber', o.documentNumber)}${leaf('createdAt', o.createdAt)}${leaf('customerId', o.customerId)}${leaf('status', o.status)}${o.note === null ? '' : leaf('note', o.note)}` +
  o.lines.map((l) => `<t:line>${leaf('itemCode', l.itemCode)}${leaf('quantity', l.quantity)}${leaf('lineNumber', l.lineNumber)}</t:line>`).join('') +
  `${leaf('totalQuantity', o.lines.reduce((sum, l) => sum + l.quantity, 0))}</erp:salesOrder>`;

const adjustment = (a: ErpAdjustment): string =>
  `<erp:adjustment>${leaf('documentNumber', a.documentNumber)}${leaf('createdAt', a.createdAt)}${leaf('itemCode', a.itemCode)}${leaf('warehouse', a.warehouse)}${leaf('quantityDelta', a.quantityDelta)}${leaf('reason', a.reason)}${leaf('onHandAfter', a.onHandAfter)}</erp:adjustment>`;

const REASONS = new Set(['received', 'damaged', 'counted', 'returned']);
const STATUSES = new Set(['pending', 'paid', 'shipped', 'cancelled']);

export const HANDLERS: Readonly<Record<string, Handler>> = {
  GetItem(store, body) {
    const code = required(body, 'itemCode');
    const found = store.item(code);
    if (!found) throw new ErpClientError('UNKNOWN_ITEM', `Item ${code.slice(0, 64)} does not exist.`);
    return `<erp:GetItemResponse>${item('item', found)}</erp:GetItemResponse>`;
  },
  GetItems(store, body) {
    const found = codes(body).flatMap((code) => store.item(code) ?? []);
    return `<erp:GetItemsResponse>${found.map((i) => item('item', i)).join('')}</erp:GetItemsResponse>`;
  },
  GetStockLevels(store, body) {
    const warehouse = optional(body, 'warehouse');
    const rows = codes(body).flatMap((code) => store.stock(code)).filter((row) => warehouse === undefined || row.warehouse === warehouse);
    return `<erp:GetStockLevelsResponse>${rows.map(stockRow).join('')}</erp:GetStockLevelsResponse>`;
  },
  CreateSalesOrder(store, body) {
    const rawLines = Array.isArray(body.line) ? body.line : [];
    const lines = rawLines.map((line) => {
      const record = (typeof line === 'object' && line !== null ? line : {}) as Record<string, unknown>;
      return { itemCode: required(record, 'itemCode'), quantity: integer(required(record, 'quantity'), 'quantity') };
    });
    const note = textOf(body.note);
    const created = store.createOrder({ customerId: required(body, 'customerId'), lines, note: note ?? null });
    return `<erp:CreateSalesOrderResponse>${order(created)}</erp:CreateSalesOrderResponse>`;
  },
  GetSalesOrder(store, body) {
    const found = store.order(required(body, 'documentNumber'));
    return `<erp:GetSalesOrderResponse>${found ? order(found) : ''}</erp:GetSalesOrderResponse>`;
  },
  ListSalesOrders(store, body) {
    const status = optional(body, 'status');
    if (status !== undefined && !STATUSES.has(status)) throw new ErpClientError('BAD_STATUS', 'status is not an OrderStatus.');
    const max = optional(body, 'maxResults');
    const found = store.orders({ customerId: optional(body, 'customerId'), status, maxResults: max === undefined ? undefined : integer(max, 'maxResults') });
    return `<erp:ListSalesOrdersResponse>${found.map(order).join('')}</erp:ListSalesOrdersResponse>`;
  },
  AdjustInventory(store, body) {
    const reason = required(body, 'reason');
    if (!REASONS.has(reason)) throw new ErpClientError('BAD_REASON', 'reason is not an AdjustmentReason.');
    const done = store.adjust({ itemCode: required(body, 'itemCode'), warehouse: required(body, 'warehouse'), quantityDelta: integer(required(body, 'quantityDelta'), 'quantityDelta'), reason });
    return `<erp:AdjustInventoryResponse>${adjustment(done)}</erp:AdjustInventoryResponse>`;
  },
};
