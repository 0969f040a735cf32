/** listCustomers, createCustomer, getCustomer, listCustomerOrders. Customer data is private to the caller. */
import type { OrderStatus } from '../model.js';
import { lookup, paginate, parseKeyList } from '../pagination.js';
import { badRequest, conflict, notFound } from '../problem.js';
import type { Route } from '../router.js';
import { parseNewCustomer } from '../validate.js';

export const ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'paid', 'shipped', 'cancelled'];

/** The `status` filter of order lists; `undefined` when absent, 400 when unknown. */
export function parseOrderStatusFilter(query: URLSearchParams): OrderStatus | undefined {
  const status = query.get('status');
  if (status === null) return undefined;
  if (!ORDER_STATUSES.includes(status as OrderStatus))
    throw badRequest(`status must be one of ${ORDER_STATUSES.join(', ')}.`);
  return status as OrderStatus;
}

/**
 * The `channel` filter of order lists: only orders placed through that
 * partner. Scoping the query here, not filtering a page afterwards, keeps
 * page sizes and cursors free of other partners' orders.
 */
export function filterByChannel<T extends { channel: string | null }>(
  query: URLSearchParams,
  orders: readonly T[],
): readonly T[] {
  const channel = query.get('channel');
  return channel === null ? orders : orders.filter((order) => order.channel === channel);
}

export const customerRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/customers',
    operationId: 'listCustomers',
    cache: 'private',
    handle({ query, store }) {
      const ids = parseKeyList(query, 'ids');
      if (ids) return { status: 200, body: lookup(ids, store.customerById) };
      const email = query.get('email');
      if (email !== null) {
        const customer = store.customerByEmail(email.trim());
        return { status: 200, body: { items: customer ? [customer] : [], nextCursor: null } };
      }
      return { status: 200, body: paginate(store.customers, query) };
    },
  },
  {
    method: 'POST',
    path: '/customers',
    operationId: 'createCustomer',
    handle({ body, store, now, idempotencyKey }) {
      const input = parseNewCustomer(body);
      if (store.customerByEmail(input.email))
        throw conflict('A customer with this email address already exists.');
      const customer = store.addCustomer(input, now);
      store.writes.applied('createCustomer', customer.id, { idempotencyKey });
      return { status: 201, body: customer, headers: { location: `/customers/${customer.id}` } };
    },
  },
  {
    method: 'GET',
    path: '/customers/{customerId}',
    operationId: 'getCustomer',
    cache: 'private',
    handle({ params, store }) {
      const customer = store.customerById(params.customerId ?? '');
      if (!customer) throw notFound(`Customer ${(params.customerId ?? '').slice(0, 40)}`);
      return { status: 200, body: customer };
    },
  },
  {
    method: 'GET',
    path: '/customers/{customerId}/orders',
    operationId: 'listCustomerOrders',
    cache: 'private',
    handle({ params, query, store }) {
      const customerId = params.customerId ?? '';
      if (!store.customerById(customerId)) throw notFound(`Customer ${customerId.slice(0, 40)}`);
      const status = parseOrderStatusFilter(query);
      const orders = filterByChannel(query, store.ordersOfCustomer(customerId));
      return {
        status: 200,
        body: paginate(status ? orders.filter((order) => order.status === status) : orders, query),
      };
    },
  },
];
