/**
 * Each demo system's own records of an order, read over its own protocol
 * through a gateway's per-source endpoints (no read cache, no retries), so a
 * test checks what the systems hold, not what the writing gateway answered.
 */
import { demoConfig, startGatewayOn, type Systems, type TestGateway } from '../../harness/index.js';

export interface OrderRecords {
  /** The storefront's order status, or null when it has no such order. */
  readonly storefront: string | null;
  /** The erp's sales orders that carry the storefront order id (as their note or external reference). */
  readonly erp: number;
  /** Billing's invoices of the order, by status. */
  readonly billing: readonly string[];
}

export interface RecordsReader {
  order(orderId: string): Promise<OrderRecords>;
  /** Every storefront order of the customer, newest first. */
  ordersOf(customerId: string): Promise<Array<{ id: string; status: string }>>;
  /** The erp sales orders of the storefront order that were cancelled. */
  cancelledSalesOrders(orderId: string): Promise<number>;
  /** The erp sales orders of a customer. */
  salesOrdersOf(customerId: string): Promise<Array<{ documentNumber: string; note: string | null; status: string }>>;
  close(): Promise<void>;
}

export async function recordsReader(systems: Systems): Promise<RecordsReader> {
  const reader: TestGateway = await startGatewayOn(demoConfig(systems, { pipeline: { cache: { enabled: false }, retry: { maxAttempts: 1 } } }));
  const ask = async (system: string, query: string, variables: Record<string, unknown>): Promise<any> => {
    const response = await reader.graphql(query, variables, { path: `/graphql/${system}` });
    if (response.body.errors !== undefined) throw new Error(`${system}: ${JSON.stringify(response.body.errors)}`);
    return response.body.data;
  };
  const salesOrdersOf = async (customerId: string) => (await ask('erp', 'query($c: String) { listSalesOrders(customerId: $c, maxResults: 500) { documentNumber note status } }', { c: customerId })).listSalesOrders ?? [];
  return {
    async order(orderId) {
      const storefront = await ask('storefront', 'query($id: String!) { getOrder(orderId: $id) { id status customerId } }', { id: orderId }).catch(() => ({ getOrder: null }));
      const customerId = storefront.getOrder?.customerId as string | undefined;
      const sales = customerId === undefined ? [] : (await salesOrdersOf(customerId)).filter((order: { note: string | null }) => order.note === orderId);
      const invoices = (await ask('billing', 'query($o: String) { listInvoices(orderId: $o) { invoices { id status } } }', { o: orderId })).listInvoices?.invoices ?? [];
      return { storefront: storefront.getOrder?.status ?? null, erp: sales.length, billing: invoices.map((invoice: { status: string }) => invoice.status) };
    },
    async ordersOf(customerId) {
      return (await ask('storefront', 'query($c: String!) { listCustomerOrders(customerId: $c) { items { id status } } }', { c: customerId })).listCustomerOrders.items;
    },
    salesOrdersOf,
    close: () => reader.close(),
  };
}
