/**
 * Each demo system's own records of an order, read over its own protocol
 * through a gateway's per-source endpoints (no read cache, no retries), so a
 * test checks what the systems hold, not what the writing gateway answered.
 */
import { demoConfig } from './demo-config.js';
import { startGatewayOn, type TestGateway } from './gateway.js';
import type { Systems } from './systems.js';

export interface OrderRecords {
  /** The storefront's order status, or null when it has no such order. */
  readonly storefront: string | null;
  /** The erp's sales orders for it (by external reference) that are not cancelled. */
  readonly erp: number;
  /** Billing's invoices of the order that are not void, by status. */
  readonly billing: readonly string[];
}

export interface RecordsReader {
  order(orderId: string): Promise<OrderRecords>;
  /** Every storefront order of the customer. */
  ordersOf(customerId: string): Promise<Array<{ id: string; status: string }>>;
  /** The erp sales orders of the storefront order that were cancelled. */
  cancelledSalesOrders(orderId: string): Promise<number>;
  close(): Promise<void>;
}

export async function recordsReader(systems: Systems): Promise<RecordsReader> {
  const reader: TestGateway = await startGatewayOn(
    demoConfig(systems, { pipeline: { cache: { enabled: false }, retry: { maxAttempts: 1 } } }),
  );
  const ask = async (
    system: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<any> => {
    const response = await reader.graphql(query, variables, { path: `/graphql/${system}` });
    if (response.body.errors !== undefined)
      throw new Error(`${system}: ${JSON.stringify(response.body.errors)}`);
    return response.body.data;
  };
  const salesOrder = async (orderId: string): Promise<{ status: string } | null> =>
    (
      await ask(
        'erp',
        'query($r: String!) { findSalesOrderByExternalReference(externalReference: $r) { documentNumber status } }',
        { r: orderId },
      )
    ).findSalesOrderByExternalReference ?? null;
  return {
    async order(orderId) {
      const storefront = await ask(
        'storefront',
        'query($id: String!) { getOrder(orderId: $id) { id status } }',
        { id: orderId },
      ).catch(() => ({ getOrder: null }));
      const sales = await salesOrder(orderId);
      const invoices =
        (
          await ask(
            'billing',
            'query($o: String) { listInvoices(orderId: $o) { invoices { id status } } }',
            { o: orderId },
          )
        ).listInvoices?.invoices ?? [];
      return {
        storefront: storefront.getOrder?.status ?? null,
        erp: sales !== null && sales.status !== 'CANCELLED' ? 1 : 0,
        billing: invoices
          .map((invoice: { status: string }) => invoice.status)
          .filter((status: string) => status !== 'INVOICE_STATUS_VOID'),
      };
    },
    async ordersOf(customerId) {
      return (
        await ask(
          'storefront',
          'query($c: String!) { listCustomerOrders(customerId: $c, limit: 100) { items { id status } } }',
          { c: customerId },
        )
      ).listCustomerOrders.items;
    },
    async cancelledSalesOrders(orderId) {
      const sales = await salesOrder(orderId);
      return sales?.status === 'CANCELLED' ? 1 : 0;
    },
    close: () => reader.close(),
  };
}
