/**
 * The storefront's in-memory records, copied from the shared catalogue at
 * start so every run begins from the same state. Ids are zero-padded and
 * handed out in increasing order, so each list stays sorted by id and a
 * cursor can be "the last id seen".
 */
import { catalogue, CURRENCY, type CatalogueOrder } from '../common/catalogue.js';
import { createWriteLog, type SystemRecords, type WriteLog } from '../common/records.js';
import type {
  Customer,
  Money,
  NewCustomer,
  NewOrder,
  Order,
  OrderLine,
  PaymentMethod,
  Product,
} from './model.js';

export interface StorefrontStore {
  readonly products: readonly Product[];
  readonly customers: readonly Customer[];
  readonly orders: readonly Order[];
  productById(id: string): Product | undefined;
  productBySku(sku: string): Product | undefined;
  customerById(id: string): Customer | undefined;
  customerByEmail(email: string): Customer | undefined;
  orderById(id: string): Order | undefined;
  ordersOfCustomer(customerId: string): readonly Order[];
  /** Adds a customer; the caller has checked the email is free. */
  addCustomer(input: NewCustomer, now: Date): Customer;
  /** Adds an order priced at today's shelf prices; the caller has checked every SKU and the customer. */
  addOrder(input: NewOrder, now: Date): Order;
  /** Every write applied since start; handlers log each change they make. */
  readonly writes: WriteLog;
  /** The write log and every record written, for GET /__admin/records. */
  records(): SystemRecords;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const DAY_MS = 86_400_000;

function sum(amounts: readonly Money[]): Money {
  return {
    amountMinor: amounts.reduce((total, money) => total + money.amountMinor, 0),
    currency: amounts[0]?.currency ?? CURRENCY,
  };
}

/** Seeded orders get a payment method by position, so each kind appears. */
function seededPayment(index: number): PaymentMethod {
  switch (index % 3) {
    case 0:
      return {
        type: 'card',
        brand: (['visa', 'mastercard', 'amex'] as const)[Math.floor(index / 3) % 3] ?? 'visa',
        last4: pad((index * 37) % 10_000, 4),
      };
    case 1:
      return {
        type: 'invoice',
        termsDays: 30,
        purchaseOrder: index % 2 === 0 ? `PO-${pad(index, 6)}` : null,
      };
    default:
      return { type: 'gift_card', code: `****${pad((index * 53) % 10_000, 4)}` };
  }
}

export function createStore(): StorefrontStore {
  const seed = catalogue();
  const priceBySku = new Map(
    seed.prices.map((price) => [
      price.sku,
      { amountMinor: Number(price.amountMinor), currency: price.currency },
    ]),
  );

  const products: Product[] = seed.products.map((product, index) => {
    const price = priceBySku.get(product.sku) ?? { amountMinor: 0, currency: CURRENCY };
    return {
      id: product.id,
      sku: product.sku,
      title: product.title,
      description: product.description,
      category: product.category,
      brand: product.brand,
      status: product.status,
      price,
      // Every seventh product is on sale, so both shapes of compareAtPrice appear.
      compareAtPrice:
        (index + 1) % 7 === 0
          ? { amountMinor: Math.round(price.amountMinor * 1.25), currency: price.currency }
          : null,
      variants: product.variants,
      images: product.images,
      createdAt: product.createdAt,
      updatedAt: product.createdAt,
    };
  });
  const productById = new Map(products.map((product) => [product.id, product]));
  const productBySku = new Map(products.map((product) => [product.sku, product]));

  const customers: Customer[] = seed.customers.map((customer) => ({ ...customer, phone: null }));
  const customerById = new Map(customers.map((customer) => [customer.id, customer]));
  const customerByEmail = new Map(
    customers.map((customer) => [customer.email.toLowerCase(), customer]),
  );

  const priceLines = (lines: ReadonlyArray<{ sku: string; quantity: number }>): OrderLine[] =>
    lines.map(({ sku, quantity }) => {
      const product = productBySku.get(sku);
      const unitPrice = product?.price ?? { amountMinor: 0, currency: CURRENCY };
      return {
        sku,
        quantity,
        title: product?.title ?? sku,
        unitPrice,
        lineTotal: { amountMinor: unitPrice.amountMinor * quantity, currency: unitPrice.currency },
      };
    });

  const seededOrder = (order: CatalogueOrder, index: number): Order => {
    const lines = priceLines(order.lines);
    const created = Date.parse(order.createdAt);
    return {
      id: order.id,
      customerId: order.customerId,
      status: order.status,
      lines,
      total: sum(lines.map((line) => line.lineTotal)),
      payment: seededPayment(index),
      note: null,
      createdAt: order.createdAt,
      updatedAt: order.createdAt,
      shippedAt: order.status === 'shipped' ? new Date(created + 2 * DAY_MS).toISOString() : null,
      cancelledAt:
        order.status === 'cancelled' ? new Date(created + 3_600_000).toISOString() : null,
      cancellationReason: null,
      channel: null,
    };
  };
  const orders: Order[] = seed.orders.map(seededOrder);
  const orderById = new Map(orders.map((order) => [order.id, order]));
  const ordersByCustomer = new Map<string, Order[]>();
  const index = (order: Order): void => {
    const list = ordersByCustomer.get(order.customerId);
    if (list) list.push(order);
    else ordersByCustomer.set(order.customerId, [order]);
  };
  orders.forEach(index);

  let nextCustomer = customers.length + 1;
  let nextOrder = orders.length + 1;
  const writes = createWriteLog();

  const written = <T>(
    find: (id: string) => T | undefined,
    shape: (record: T) => Record<string, unknown>,
  ) =>
    writes.ids().flatMap((id) => {
      const record = find(id);
      return record === undefined ? [] : [{ ...shape(record), applied: writes.countsOf(id) }];
    });

  return {
    writes,
    records: () => ({
      system: 'storefront',
      writes: writes.list(),
      orders: written(
        (id) => orderById.get(id),
        (o) => ({
          id: o.id,
          customerId: o.customerId,
          status: o.status,
          total: o.total,
          lines: o.lines.map(({ sku, quantity }) => ({ sku, quantity })),
          cancelledAt: o.cancelledAt,
        }),
      ),
      products: written(
        (id) => productById.get(id),
        (p) => ({
          id: p.id,
          sku: p.sku,
          title: p.title,
          description: p.description,
          updatedAt: p.updatedAt,
        }),
      ),
      customers: written(
        (id) => customerById.get(id),
        (c) => ({ id: c.id, email: c.email }),
      ),
    }),
    products,
    customers,
    orders,
    productById: (id) => productById.get(id),
    productBySku: (sku) => productBySku.get(sku),
    customerById: (id) => customerById.get(id),
    customerByEmail: (email) => customerByEmail.get(email.toLowerCase()),
    orderById: (id) => orderById.get(id),
    ordersOfCustomer: (customerId) => ordersByCustomer.get(customerId) ?? [],
    addCustomer(input, now) {
      const customer: Customer = {
        id: `cus_${pad(nextCustomer, 4)}`,
        ...input,
        createdAt: now.toISOString(),
      };
      nextCustomer += 1;
      customers.push(customer);
      customerById.set(customer.id, customer);
      customerByEmail.set(customer.email.toLowerCase(), customer);
      return customer;
    },
    addOrder(input, now) {
      const lines = priceLines(input.lines);
      const at = now.toISOString();
      const order: Order = {
        id: `ord_${pad(nextOrder, 5)}`,
        customerId: input.customerId,
        status: 'pending',
        lines,
        total: sum(lines.map((line) => line.lineTotal)),
        payment: input.payment,
        note: input.note,
        createdAt: at,
        updatedAt: at,
        shippedAt: null,
        cancelledAt: null,
        cancellationReason: null,
        channel: input.channel,
      };
      nextOrder += 1;
      orders.push(order);
      orderById.set(order.id, order);
      index(order);
      return order;
    },
  };
}
