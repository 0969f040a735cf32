/**
 * The erp's own records, copied from the shared catalogue: items by item
 * code (the SKU), stock per warehouse, sales orders and inventory
 * adjustments. Pure in-memory logic; the SOAP layer lives in server.ts.
 */
import { catalogue, WAREHOUSES, type CatalogueProduct } from '../common/catalogue.js';

export type Warehouse = (typeof WAREHOUSES)[number];

export interface ErpItem {
  itemCode: string;
  description: string;
  category: string;
  /** Exact decimal string, 3 places. */
  weightKg: string;
  status: CatalogueProduct['status'];
  discontinuedAt: string | null;
  /** Past 2^53 on purpose: clients must keep xs:long exact. */
  rowVersion: bigint;
}

export interface ErpStock {
  itemCode: string;
  warehouse: Warehouse;
  onHand: number;
  reserved: number;
}

export interface ErpOrderLine {
  lineNumber: number;
  itemCode: string;
  quantity: number;
}

export interface ErpSalesOrder {
  documentNumber: string;
  createdAt: string;
  customerId: string;
  status: 'pending' | 'paid' | 'shipped' | 'cancelled';
  note: string | null;
  lines: ErpOrderLine[];
}

export interface ErpAdjustment {
  documentNumber: string;
  createdAt: string;
  itemCode: string;
  warehouse: Warehouse;
  quantityDelta: number;
  reason: string;
  onHandAfter: number;
}

/** Bad input from a client: becomes a soap:Client fault with `code` in the detail. */
export class ErpClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ROW_VERSION_BASE = 9_007_199_254_740_993n; // 2^53 + 1
export const MAX_LINE_QUANTITY = 1000;

export interface ErpStore {
  item(code: string): ErpItem | undefined;
  stock(code: string): ErpStock[];
  order(documentNumber: string): ErpSalesOrder | undefined;
  orders(filter: { customerId?: string; status?: string; maxResults?: number }): ErpSalesOrder[];
  createOrder(input: { customerId: string; lines: Array<{ itemCode: string; quantity: number }>; note: string | null }): ErpSalesOrder;
  adjust(input: { itemCode: string; warehouse: string; quantityDelta: number; reason: string }): ErpAdjustment;
}

export function createErpStore(): ErpStore {
  const seed = catalogue();
  const items = new Map<string, ErpItem>();
  seed.products.forEach((product, index) => {
    items.set(product.sku, {
      itemCode: product.sku,
      description: product.title,
      category: product.category,
      weightKg: (product.weightGrams / 1000).toFixed(3),
      status: product.status,
      discontinuedAt: product.status === 'archived' ? product.createdAt : null,
      rowVersion: ROW_VERSION_BASE + BigInt(index),
    });
  });
  const stock = new Map<string, ErpStock[]>();
  for (const row of seed.stock) {
    const rows = stock.get(row.sku) ?? [];
    rows.push({ itemCode: row.sku, warehouse: row.warehouse, onHand: row.onHand, reserved: row.reserved });
    stock.set(row.sku, rows);
  }
  const orders = new Map<string, ErpSalesOrder>();
  for (const order of seed.orders) {
    const documentNumber = `SO-${order.id.slice(4)}`;
    orders.set(documentNumber, {
      documentNumber,
      createdAt: order.createdAt,
      customerId: order.customerId,
      status: order.status,
      note: null,
      lines: order.lines.map((line, i) => ({ lineNumber: i + 1, itemCode: line.sku, quantity: line.quantity })),
    });
  }
  let nextOrder = seed.orders.length + 1;
  let nextAdjustment = 1;

  const requireItem = (code: string): ErpItem => {
    const item = items.get(code);
    if (!item) throw new ErpClientError('UNKNOWN_ITEM', `Item ${code.slice(0, 64)} does not exist.`);
    return item;
  };
  const requireWarehouse = (name: string): Warehouse => {
    if (!(WAREHOUSES as readonly string[]).includes(name)) throw new ErpClientError('UNKNOWN_WAREHOUSE', `Warehouse ${name.slice(0, 32)} does not exist.`);
    return name as Warehouse;
  };

  return {
    item: (code) => items.get(code),
    stock: (code) => stock.get(code) ?? [],
    order: (documentNumber) => orders.get(documentNumber),
    orders({ customerId, status, maxResults }) {
      const all = [...orders.values()].filter((o) => (customerId === undefined || o.customerId === customerId) && (status === undefined || o.status === status));
      all.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.documentNumber.localeCompare(a.documentNumber));
      return all.slice(0, Math.max(0, Math.min(maxResults ?? 50, 500)));
    },
    createOrder({ customerId, lines, note }) {
      if (customerId.trim() === '') throw new ErpClientError('BAD_CUSTOMER', 'customerId must not be empty.');
      if (lines.length === 0) throw new ErpClientError('NO_LINES', 'A sales order needs at least one line.');
      for (const line of lines) {
        requireItem(line.itemCode);
        if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_LINE_QUANTITY) {
          throw new ErpClientError('BAD_QUANTITY', `Quantity must be a whole number from 1 to ${MAX_LINE_QUANTITY}.`);
        }
      }
      const documentNumber = `SO-${String(nextOrder).padStart(5, '0')}`;
      nextOrder += 1;
      const order: ErpSalesOrder = {
        documentNumber,
        createdAt: new Date().toISOString(),
        customerId,
        status: 'pending',
        note,
        lines: lines.map((line, i) => ({ lineNumber: i + 1, itemCode: line.itemCode, quantity: line.quantity })),
      };
      orders.set(documentNumber, order);
      return order;
    },
    adjust({ itemCode, warehouse, quantityDelta, reason }) {
      requireItem(itemCode);
      const wh = requireWarehouse(warehouse);
      if (!Number.isInteger(quantityDelta) || quantityDelta === 0 || Math.abs(quantityDelta) > 100_000) {
        throw new ErpClientError('BAD_QUANTITY', 'quantityDelta must be a non-zero whole number of at most 100000.');
      }
      const row = (stock.get(itemCode) ?? []).find((r) => r.warehouse === wh);
      if (!row) throw new ErpClientError('UNKNOWN_ITEM', `Item ${itemCode} has no stock row in ${wh}.`);
      if (row.onHand + quantityDelta < 0) throw new ErpClientError('NEGATIVE_STOCK', 'The adjustment would leave negative stock.');
      row.onHand += quantityDelta;
      const adjustment: ErpAdjustment = {
        documentNumber: `ADJ-${String(nextAdjustment).padStart(6, '0')}`,
        createdAt: new Date().toISOString(),
        itemCode,
        warehouse: wh,
        quantityDelta,
        reason,
        onHandAfter: row.onHand,
      };
      nextAdjustment += 1;
      return adjustment;
    },
  };
}
