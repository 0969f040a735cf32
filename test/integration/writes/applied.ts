/**
 * What each demo system applied for one storefront order, from the
 * system's own write log (DemoSystem.records()): `{ operation: times }`.
 * Only writes that changed something are logged, so a replayed key or a
 * natural-key match that was not applied again does not count.
 */
import type { Systems } from '../../harness/index.js';

export interface Applied {
  readonly storefront: Record<string, number>;
  readonly erp: Record<string, number>;
  readonly billing: Record<string, number>;
}

function count(operations: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const operation of operations) counts[operation] = (counts[operation] ?? 0) + 1;
  return counts;
}

/** Every write applied for storefront order `orderId` in each system. */
export function appliedFor(systems: Systems, orderId: string): Applied {
  const storefront = systems.storefront.records().writes.filter((write) => write.id === orderId);
  const erpWrites = systems.erp.records().writes;
  const salesOrders = new Set(
    erpWrites
      .filter(
        (write) => write.operation === 'CreateSalesOrder' && write.externalReference === orderId,
      )
      .map((write) => write.id),
  );
  const billingWrites = systems.billing.records().writes;
  const invoices = new Set(
    billingWrites
      .filter((write) => write.operation === 'CreateInvoice' && write.externalReference === orderId)
      .map((write) => write.id),
  );
  return {
    storefront: count(storefront.map((write) => write.operation)),
    erp: count(
      erpWrites.filter((write) => salesOrders.has(write.id)).map((write) => write.operation),
    ),
    billing: count(
      billingWrites.filter((write) => invoices.has(write.id)).map((write) => write.operation),
    ),
  };
}

/** A placed order: each system applied its create once. */
export const PLACED: Applied = {
  storefront: { createOrder: 1 },
  erp: { CreateSalesOrder: 1 },
  billing: { CreateInvoice: 1 },
};
