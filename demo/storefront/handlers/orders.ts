/** listOrders, createOrder, getOrder, updateOrderStatus, cancelOrder. */
import type { Order, OrderStatus } from '../model.js';
import { lookup, paginate, parseKeyList } from '../pagination.js';
import { conflict, notFound } from '../problem.js';
import type { RequestContext, Route } from '../router.js';
import { parseCancellation, parseNewOrder, parseStatusUpdate } from '../validate.js';
import { filterByChannel, parseOrderStatusFilter } from './customers.js';

/** Orders only move forward; cancelled is reached through cancelOrder and is final. */
const RANK: Readonly<Record<Exclude<OrderStatus, 'cancelled'>, number>> = {
  pending: 0,
  paid: 1,
  shipped: 2,
};

function orderOf({ params, store }: RequestContext): Order {
  const order = store.orderById(params.orderId ?? '');
  if (!order) throw notFound(`Order ${(params.orderId ?? '').slice(0, 40)}`);
  return order;
}

export const orderRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/orders',
    operationId: 'listOrders',
    cache: 'private',
    handle({ query, store }) {
      const ids = parseKeyList(query, 'ids');
      if (ids) return { status: 200, body: lookup(ids, store.orderById) };
      const status = parseOrderStatusFilter(query);
      return {
        status: 200,
        body: paginate(
          filterByChannel(
            query,
            status ? store.orders.filter((order) => order.status === status) : store.orders,
          ),
          query,
        ),
      };
    },
  },
  {
    method: 'POST',
    path: '/orders',
    operationId: 'createOrder',
    handle({ body, store, now, idempotencyKey }) {
      const order = store.addOrder(parseNewOrder(body, store), now);
      store.writes.applied('createOrder', order.id, { idempotencyKey });
      return { status: 201, body: order, headers: { location: `/orders/${order.id}` } };
    },
  },
  {
    method: 'GET',
    path: '/orders/{orderId}',
    operationId: 'getOrder',
    cache: 'private',
    handle: (ctx) => ({ status: 200, body: orderOf(ctx) }),
  },
  {
    method: 'PATCH',
    path: '/orders/{orderId}',
    operationId: 'updateOrderStatus',
    handle(ctx) {
      const order = orderOf(ctx);
      const next = parseStatusUpdate(ctx.body);
      if (order.status === next) return { status: 200, body: order };
      if (order.status === 'cancelled')
        throw conflict(`Order ${order.id} is cancelled and cannot become ${next}.`);
      if (RANK[next] < RANK[order.status])
        throw conflict(`Order ${order.id} is ${order.status} and cannot go back to ${next}.`);
      order.status = next;
      order.updatedAt = ctx.now.toISOString();
      if (next === 'shipped') order.shippedAt = order.updatedAt;
      ctx.store.writes.applied('updateOrderStatus', order.id, {
        idempotencyKey: ctx.idempotencyKey,
      });
      return { status: 200, body: order };
    },
  },
  {
    method: 'POST',
    path: '/orders/{orderId}/cancel',
    operationId: 'cancelOrder',
    handle(ctx) {
      const order = orderOf(ctx);
      const reason = parseCancellation(ctx.body);
      if (order.status === 'cancelled') return { status: 200, body: order };
      if (order.status === 'shipped')
        throw conflict(`Order ${order.id} has shipped and can no longer be cancelled.`);
      order.status = 'cancelled';
      order.updatedAt = ctx.now.toISOString();
      order.cancelledAt = order.updatedAt;
      order.cancellationReason = reason;
      ctx.store.writes.applied('cancelOrder', order.id, { idempotencyKey: ctx.idempotencyKey });
      return { status: 200, body: order };
    },
  },
];
