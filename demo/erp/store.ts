/**
 * The erp's own records, copied from the shared catalogue: items by item
 * code (the SKU), stock per warehouse, sales orders and inventory
 * adjustments. Pure in-memory logic; the SOAP layer lives in server.ts.
 */
import { catalogue, WAREHOUSES, type CatalogueProduct } from '../common/catalogue.js';
import { createWriteLog, type SystemRecords, type WriteLog } from '../common/records.js';

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
  /** The caller's id for the order (the storefront order id): a natural key, unique across sales orders. */
  externalReference: string | null;
  lines: ErpOrderLine[];
  /** Stock this order holds, per warehouse; released when it is cancelled. */
  reservations: Array<{ itemCode: string; warehouse: Warehouse; quantity: number }>;
  cancelledAt: string | null;
}

/** A change to stock: an adjustment, or stock reserved or released by a sales order. */
export interface ErpMovement {
  kind: 'adjustment' | 'reservation' | 'release';
  /** The adjustment's or the sales order's document number. */
  documentNumber: string;
  itemCode: string;
  warehouse: Warehouse;
  quantity: number;
  requestId?: string;
  at: string;
}

export interface ErpAdjustment {
  documentNumber: string;
  createdAt: string;
  itemCode: string;
  warehouse: Warehouse;
  quantityDelta: number;
  reason: string;
  onHandAfter: number;
  /** The caller's message id: a repeat with the same one is answered this adjustment, not applied again. */
  requestId: string | null;
}

/**
 * Bad input from a client: becomes a soap:Client fault with `code` in the
 * detail; `subcode` refines the faultcode (soap:Client.<subcode>) and
 * `documentNumber` names the record that caused it (a duplicate's original).
 */
export class ErpClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extra: { subcode?: string; documentNumber?: string } = {},
  ) {
    super(message);
  }
}

const ROW_VERSION_BASE = 9_007_199_254_740_993n; // 2^53 + 1
export const MAX_LINE_QUANTITY = 1000;

/** What UpdateItem may change; absent fields stay as they are. */
export interface ErpItemUpdate {
  description?: string;
  category?: string;
  weightKg?: string;
  status?: ErpItem['status'];
  /** When given, the update is refused unless the item still has this row version (optimistic locking). */
  expectedRowVersion?: bigint;
  /** The message id: a repeat with the same one and the same values answers the first update, not applied again. */
  requestId?: string;
}

export interface ErpStore {
  item(code: string): ErpItem | undefined;
  stock(code: string): ErpStock[];
  order(documentNumber: string): ErpSalesOrder | undefined;
  orderByExternalReference(reference: string): ErpSalesOrder | undefined;
  orders(filter: { customerId?: string; status?: string; maxResults?: number }): ErpSalesOrder[];
  /** Creates a pending order and reserves its stock; a second order with the same externalReference is refused (DUPLICATE_EXTERNAL_REFERENCE). */
  createOrder(input: {
    customerId: string;
    lines: Array<{ itemCode: string; quantity: number }>;
    note: string | null;
    externalReference: string | null;
  }): ErpSalesOrder;
  /** Cancels and releases the order's stock; a cancelled order is answered unchanged, a shipped one refused. */
  cancelOrder(documentNumber: string, reason: string | null): ErpSalesOrder;
  updateItem(itemCode: string, update: ErpItemUpdate): ErpItem;
  /** Applies an adjustment once per requestId: a repeat answers the first adjustment. */
  adjust(input: {
    itemCode: string;
    warehouse: string;
    quantityDelta: number;
    reason: string;
    requestId: string | null;
  }): ErpAdjustment;
  /**
   * True when `requestId` was already used for this write, so a repeat is
   * answered without applying anything (the first result, or
   * DUPLICATE_REQUEST_ID for other values).
   */
  knowsRequestId(operation: 'AdjustInventory' | 'UpdateItem', requestId: string): boolean;
  /** The write log and every record written, for GET /__admin/records. */
  records(): SystemRecords;
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
    rows.push({
      itemCode: row.sku,
      warehouse: row.warehouse,
      onHand: row.onHand,
      reserved: row.reserved,
    });
    stock.set(row.sku, rows);
  }
  const orders = new Map<string, ErpSalesOrder>();
  const byReference = new Map<string, ErpSalesOrder>();
  for (const order of seed.orders) {
    const documentNumber = `SO-${order.id.slice(4)}`;
    const seeded: ErpSalesOrder = {
      documentNumber,
      createdAt: order.createdAt,
      customerId: order.customerId,
      status: order.status,
      note: null,
      // Seeded orders came from the storefront too, so they carry its order id.
      externalReference: order.id,
      lines: order.lines.map((line, i) => ({
        lineNumber: i + 1,
        itemCode: line.sku,
        quantity: line.quantity,
      })),
      // The seed's reserved quantities are not tied to orders, so seeded orders release nothing.
      reservations: [],
      cancelledAt: null,
    };
    orders.set(documentNumber, seeded);
    byReference.set(order.id, seeded);
  }
  let nextOrder = seed.orders.length + 1;
  let nextAdjustment = 1;
  const writes: WriteLog = createWriteLog();
  const movements: ErpMovement[] = [];
  const adjustments = new Map<string, ErpAdjustment>();
  const itemUpdatesByRequest = new Map<string, { item: ErpItem; fingerprint: string }>();
  const adjustmentsByRequest = new Map<
    string,
    { adjustment: ErpAdjustment; fingerprint: string }
  >();
  const move = (movement: Omit<ErpMovement, 'at'>): void =>
    void movements.push({ ...movement, at: new Date().toISOString() });

  /**
   * Reserves `quantity` of an item from the warehouses with the most available
   * first. What no warehouse has is backordered (not reserved), as an erp
   * takes an order it cannot yet fill rather than refusing it.
   */
  const reserve = (
    documentNumber: string,
    itemCode: string,
    quantity: number,
  ): ErpSalesOrder['reservations'] => {
    const rows = [...(stock.get(itemCode) ?? [])].sort(
      (a, b) =>
        b.onHand - b.reserved - (a.onHand - a.reserved) || a.warehouse.localeCompare(b.warehouse),
    );
    const taken: ErpSalesOrder['reservations'] = [];
    let left = quantity;
    for (const row of rows) {
      const take = Math.min(left, Math.max(0, row.onHand - row.reserved));
      if (take === 0) continue;
      row.reserved += take;
      left -= take;
      taken.push({ itemCode, warehouse: row.warehouse, quantity: take });
      move({
        kind: 'reservation',
        documentNumber,
        itemCode,
        warehouse: row.warehouse,
        quantity: take,
      });
      if (left === 0) break;
    }
    return taken;
  };

  const requireItem = (code: string): ErpItem => {
    const item = items.get(code);
    if (!item)
      throw new ErpClientError('UNKNOWN_ITEM', `Item ${code.slice(0, 64)} does not exist.`);
    return item;
  };
  /** UpdateItem without its message id: the values given change; the same values again change nothing. */
  const applyItemUpdate = (itemCode: string, update: ErpItemUpdate): ErpItem => {
    const item = requireItem(itemCode);
    if (update.expectedRowVersion !== undefined && update.expectedRowVersion !== item.rowVersion) {
      throw new ErpClientError(
        'ROW_VERSION_CONFLICT',
        `Item ${itemCode} has row version ${item.rowVersion}, not ${update.expectedRowVersion}; read it again.`,
        { subcode: 'Conflict' },
      );
    }
    const next = {
      ...item,
      ...Object.fromEntries(
        Object.entries(update).filter(
          ([key, value]) => key !== 'expectedRowVersion' && value !== undefined,
        ),
      ),
    } as ErpItem;
    if (update.status !== undefined && update.status !== item.status)
      next.discontinuedAt = update.status === 'archived' ? new Date().toISOString() : null;
    const changed = (['description', 'category', 'weightKg', 'status'] as const).some(
      (key) => next[key] !== item[key],
    );
    // The same values again change nothing, so the row version stays and nothing is logged.
    if (!changed) return item;
    next.rowVersion = item.rowVersion + 1n;
    items.set(itemCode, next);
    writes.applied('UpdateItem', itemCode);
    return next;
  };
  const requireWarehouse = (name: string): Warehouse => {
    if (!(WAREHOUSES as readonly string[]).includes(name))
      throw new ErpClientError(
        'UNKNOWN_WAREHOUSE',
        `Warehouse ${name.slice(0, 32)} does not exist.`,
      );
    return name as Warehouse;
  };

  return {
    item: (code) => items.get(code),
    stock: (code) => stock.get(code) ?? [],
    order: (documentNumber) => orders.get(documentNumber),
    orderByExternalReference: (reference) => byReference.get(reference),
    knowsRequestId: (operation, requestId) =>
      (operation === 'AdjustInventory' ? adjustmentsByRequest : itemUpdatesByRequest).has(
        requestId,
      ),
    orders({ customerId, status, maxResults }) {
      const all = [...orders.values()].filter(
        (o) =>
          (customerId === undefined || o.customerId === customerId) &&
          (status === undefined || o.status === status),
      );
      all.sort(
        (a, b) =>
          b.createdAt.localeCompare(a.createdAt) ||
          b.documentNumber.localeCompare(a.documentNumber),
      );
      return all.slice(0, Math.max(0, Math.min(maxResults ?? 50, 500)));
    },
    createOrder({ customerId, lines, note, externalReference }) {
      if (customerId.trim() === '')
        throw new ErpClientError('BAD_CUSTOMER', 'customerId must not be empty.');
      if (
        externalReference !== null &&
        (externalReference.trim() === '' || externalReference.length > 64)
      ) {
        throw new ErpClientError(
          'BAD_EXTERNAL_REFERENCE',
          'externalReference must be 1 to 64 characters.',
        );
      }
      const earlier = externalReference === null ? undefined : byReference.get(externalReference);
      if (earlier) {
        throw new ErpClientError(
          'DUPLICATE_EXTERNAL_REFERENCE',
          `Sales order ${earlier.documentNumber} already has external reference ${externalReference}; find it with FindSalesOrderByExternalReference.`,
          {
            subcode: 'DuplicateExternalReference',
            documentNumber: earlier.documentNumber,
          },
        );
      }
      if (lines.length === 0)
        throw new ErpClientError('NO_LINES', 'A sales order needs at least one line.');
      for (const line of lines) {
        requireItem(line.itemCode);
        if (
          !Number.isInteger(line.quantity) ||
          line.quantity < 1 ||
          line.quantity > MAX_LINE_QUANTITY
        ) {
          throw new ErpClientError(
            'BAD_QUANTITY',
            `Quantity must be a whole number from 1 to ${MAX_LINE_QUANTITY}.`,
          );
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
        externalReference,
        lines: lines.map((line, i) => ({
          lineNumber: i + 1,
          itemCode: line.itemCode,
          quantity: line.quantity,
        })),
        reservations: [],
        cancelledAt: null,
      };
      order.reservations = lines.flatMap((line) =>
        reserve(documentNumber, line.itemCode, line.quantity),
      );
      orders.set(documentNumber, order);
      if (externalReference !== null) byReference.set(externalReference, order);
      writes.applied('CreateSalesOrder', documentNumber, {
        externalReference: externalReference ?? undefined,
      });
      return order;
    },
    cancelOrder(documentNumber, reason) {
      const order = orders.get(documentNumber);
      if (!order)
        throw new ErpClientError(
          'UNKNOWN_ORDER',
          `Sales order ${documentNumber.slice(0, 32)} does not exist.`,
        );
      if (order.status === 'cancelled') return order;
      if (order.status === 'shipped')
        throw new ErpClientError(
          'ORDER_SHIPPED',
          `Sales order ${order.documentNumber} has shipped and can no longer be cancelled.`,
        );
      for (const held of order.reservations) {
        const row = (stock.get(held.itemCode) ?? []).find((r) => r.warehouse === held.warehouse);
        if (row) row.reserved = Math.max(0, row.reserved - held.quantity);
        move({
          kind: 'release',
          documentNumber,
          itemCode: held.itemCode,
          warehouse: held.warehouse,
          quantity: held.quantity,
        });
      }
      order.reservations = [];
      order.status = 'cancelled';
      order.cancelledAt = new Date().toISOString();
      if (reason !== null)
        order.note =
          order.note === null ? `Cancelled: ${reason}` : `${order.note}\nCancelled: ${reason}`;
      writes.applied('CancelSalesOrder', documentNumber, {
        externalReference: order.externalReference ?? undefined,
      });
      return order;
    },
    updateItem(itemCode, { requestId, ...update }) {
      const fingerprint = JSON.stringify([itemCode, update], (_key, value: unknown) =>
        typeof value === 'bigint' ? value.toString() : value,
      );
      const earlier = requestId === undefined ? undefined : itemUpdatesByRequest.get(requestId);
      if (earlier) {
        if (earlier.fingerprint !== fingerprint)
          throw new ErpClientError(
            'DUPLICATE_REQUEST_ID',
            `requestId ${requestId} was already used for another item update; use a new requestId for a new update.`,
            { subcode: 'DuplicateRequestId' },
          );
        return earlier.item;
      }
      if (requestId !== undefined && (requestId.trim() === '' || requestId.length > 128))
        throw new ErpClientError('BAD_REQUEST_ID', 'requestId must be 1 to 128 characters.');
      const updated = applyItemUpdate(itemCode, update);
      if (requestId !== undefined)
        itemUpdatesByRequest.set(requestId, { item: updated, fingerprint });
      return updated;
    },
    adjust({ itemCode, warehouse, quantityDelta, reason, requestId }) {
      const fingerprint = JSON.stringify([itemCode, warehouse, quantityDelta, reason]);
      const earlier = requestId === null ? undefined : adjustmentsByRequest.get(requestId);
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) {
          throw new ErpClientError(
            'DUPLICATE_REQUEST_ID',
            `requestId ${requestId} was already used for another adjustment (${earlier.adjustment.documentNumber}); use a new requestId for a new adjustment.`,
            {
              subcode: 'DuplicateRequestId',
              documentNumber: earlier.adjustment.documentNumber,
            },
          );
        }
        return earlier.adjustment;
      }
      if (requestId !== null && (requestId.trim() === '' || requestId.length > 128))
        throw new ErpClientError('BAD_REQUEST_ID', 'requestId must be 1 to 128 characters.');
      requireItem(itemCode);
      const wh = requireWarehouse(warehouse);
      if (
        !Number.isInteger(quantityDelta) ||
        quantityDelta === 0 ||
        Math.abs(quantityDelta) > 100_000
      ) {
        throw new ErpClientError(
          'BAD_QUANTITY',
          'quantityDelta must be a non-zero whole number of at most 100000.',
        );
      }
      const row = (stock.get(itemCode) ?? []).find((r) => r.warehouse === wh);
      if (!row)
        throw new ErpClientError('UNKNOWN_ITEM', `Item ${itemCode} has no stock row in ${wh}.`);
      if (row.onHand + quantityDelta < 0)
        throw new ErpClientError('NEGATIVE_STOCK', 'The adjustment would leave negative stock.');
      row.onHand += quantityDelta;
      const adjustment: ErpAdjustment = {
        documentNumber: `ADJ-${String(nextAdjustment).padStart(6, '0')}`,
        createdAt: new Date().toISOString(),
        itemCode,
        warehouse: wh,
        quantityDelta,
        reason,
        onHandAfter: row.onHand,
        requestId,
      };
      nextAdjustment += 1;
      adjustments.set(adjustment.documentNumber, adjustment);
      if (requestId !== null) adjustmentsByRequest.set(requestId, { adjustment, fingerprint });
      move({
        kind: 'adjustment',
        documentNumber: adjustment.documentNumber,
        itemCode,
        warehouse: wh,
        quantity: quantityDelta,
        ...(requestId === null ? {} : { requestId }),
      });
      writes.applied('AdjustInventory', adjustment.documentNumber, {
        requestId: requestId ?? undefined,
      });
      return adjustment;
    },
    records() {
      const written = writes.ids();
      return {
        system: 'erp',
        writes: writes.list(),
        salesOrders: written.flatMap((id) => {
          const order = orders.get(id);
          if (!order) return [];
          const {
            documentNumber,
            externalReference,
            customerId,
            status,
            createdAt,
            cancelledAt,
            reservations,
          } = order;
          return [
            {
              documentNumber,
              externalReference,
              customerId,
              status,
              createdAt,
              cancelledAt,
              lines: order.lines.map(({ itemCode, quantity }) => ({ itemCode, quantity })),
              reservations,
              applied: writes.countsOf(id),
            },
          ];
        }),
        items: written.flatMap((id) => {
          const item = items.get(id);
          if (!item) return [];
          return [
            {
              itemCode: item.itemCode,
              description: item.description,
              category: item.category,
              weightKg: item.weightKg,
              status: item.status,
              rowVersion: item.rowVersion.toString(),
              applied: writes.countsOf(id),
            },
          ];
        }),
        adjustments: written.flatMap((id) => {
          const adjustment = adjustments.get(id);
          return adjustment ? [{ ...adjustment, applied: writes.countsOf(id) }] : [];
        }),
        inventoryMovements: movements.map((movement) => ({ ...movement })),
      };
    },
  };
}
