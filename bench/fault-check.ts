/**
 * The fault run's verdict (issue 10 §3): each system's own write log
 * (GET /__admin/records) compared with the write journal and with what the
 * client was told. Pure: it reads three lists and counts, so the bench and
 * its small test (test/integration/writes/fault-run.test.ts) judge alike.
 *
 * A write is linked to what each system applied by the keys the executor
 * derives from its id (gateway/writes/keys.ts: `swb-<writeId>-<step>-do`):
 * the storefront and billing log the key they received, the erp logs the
 * storefront order id as the sales order's external reference and the
 * step key as an adjustment's request id.
 */

/** One entry of a demo system's write log (demo/common/records.ts). */
export interface AppliedEntry {
  readonly operation: string;
  readonly id: string;
  readonly idempotencyKey?: string;
  readonly externalReference?: string;
  readonly requestId?: string;
}

/** GET /__admin/records, the write logs only. */
export type SystemsRecords = Readonly<
  Record<'storefront' | 'erp' | 'billing', { readonly writes: readonly AppliedEntry[] }>
>;

/** What the check needs of a journal write (gateway/writes/model.ts: Write). */
export interface JournalWrite {
  readonly id: string;
  readonly mutation: string;
  readonly state: string;
  readonly idempotencyKey: string | null;
}

/** What the client was last told for one of its idempotency keys. */
export interface ToldOutcome {
  readonly key: string;
  /** "succeeded": data without errors; otherwise the error code it ended on. */
  readonly outcome: 'succeeded' | string;
  /** The write id from `extensions.write` (or the error's `writeId`), when the answer named one. */
  readonly writeId?: string;
}

export interface FaultRunCounts {
  readonly writes: number;
  readonly byState: Readonly<Record<string, number>>;
  /** Writes the client was told succeeded that some system does not hold (or holds undone), or whose journal write did not succeed. */
  readonly lost: number;
  /** Writes some system applied more than once (two orders, two sales orders, two invoices, two adjustments for one write). */
  readonly doubled: number;
  /** Writes neither complete everywhere nor undone everywhere that are not in the dead-letter queue. */
  readonly incompleteOutsideDeadLetters: number;
  /** Writes still in flight after the run settled. */
  readonly unsettled: number;
  /** Records a system holds that no journal write explains. */
  readonly untracked: number;
  /** Client keys with more than one journal write. */
  readonly keysWithTwoWrites: number;
  /** Dead-lettered writes (every one of them is a write that is not complete or not undone everywhere, or could not be told apart). */
  readonly deadLettered: number;
  /** Human-readable reasons for each non-zero failure count, at most 20. */
  readonly problems: readonly string[];
  /** The ids of the writes those reasons name, for a closer look in the journal. */
  readonly suspects: readonly string[];
}

const stepKeyOf = (writeId: string, index: number): string => `swb-${writeId}-${index}-do`;

/** What one write left in the three systems: how often each create was applied and whether it stands (not undone). */
interface Footprint {
  readonly applied: readonly number[];
  readonly standing: readonly boolean[];
}

export function checkFaultRun(
  records: SystemsRecords,
  writes: readonly JournalWrite[],
  told: readonly ToldOutcome[],
): FaultRunCounts {
  const problems: string[] = [];
  const suspects: string[] = [];
  const problem = (text: string, writeId?: string): void => {
    if (problems.length < 20) problems.push(text);
    if (writeId !== undefined && suspects.length < 20) suspects.push(writeId);
  };
  const storefront = records.storefront.writes;
  const erp = records.erp.writes;
  const billing = records.billing.writes;
  const cancelledOrders = new Set(
    storefront.filter((entry) => entry.operation === 'cancelOrder').map((entry) => entry.id),
  );
  const cancelledSales = new Set(
    erp.filter((entry) => entry.operation === 'CancelSalesOrder').map((entry) => entry.id),
  );
  const voided = new Set(
    billing.filter((entry) => entry.operation === 'VoidInvoice').map((entry) => entry.id),
  );
  const byKey = <T extends AppliedEntry>(
    entries: readonly T[],
    operation: string,
    field: 'idempotencyKey' | 'externalReference' | 'requestId',
  ): Map<string, T[]> => {
    const map = new Map<string, T[]>();
    for (const entry of entries) {
      const key = entry[field];
      if (entry.operation !== operation || key === undefined) continue;
      map.set(key, [...(map.get(key) ?? []), entry]);
    }
    return map;
  };
  const orders = byKey(storefront, 'createOrder', 'idempotencyKey');
  const salesOrders = byKey(erp, 'CreateSalesOrder', 'externalReference');
  const invoices = byKey(billing, 'CreateInvoice', 'idempotencyKey');
  const adjustments = byKey(erp, 'AdjustInventory', 'requestId');
  const explained = new Set<string>();

  const footprintOf = (write: JournalWrite): Footprint => {
    if (write.mutation === 'adjustInventory') {
      const key = stepKeyOf(write.id, 0);
      explained.add(`erp:${key}`);
      const applied = adjustments.get(key)?.length ?? 0;
      return { applied: [applied], standing: [applied > 0] };
    }
    const orderKey = stepKeyOf(write.id, 0);
    const invoiceKey = stepKeyOf(write.id, 2);
    explained.add(`storefront:${orderKey}`);
    explained.add(`billing:${invoiceKey}`);
    const created = orders.get(orderKey) ?? [];
    const sales = created.flatMap((order) => {
      explained.add(`erp:${order.id}`);
      return salesOrders.get(order.id) ?? [];
    });
    const billed = invoices.get(invoiceKey) ?? [];
    return {
      applied: [created.length, sales.length, billed.length],
      standing: [
        created.some((order) => !cancelledOrders.has(order.id)),
        sales.some((sale) => !cancelledSales.has(sale.id)),
        billed.some((invoice) => !voided.has(invoice.id)),
      ],
    };
  };

  const byState: Record<string, number> = {};
  const footprints = new Map<string, Footprint>();
  let doubled = 0;
  let incompleteOutsideDeadLetters = 0;
  let unsettled = 0;
  for (const write of writes) {
    byState[write.state] = (byState[write.state] ?? 0) + 1;
    const footprint = footprintOf(write);
    footprints.set(write.id, footprint);
    if (footprint.applied.some((times) => times > 1)) {
      doubled += 1;
      problem(`write ${write.id} applied ${footprint.applied.join('/')} times`, write.id);
    }
    const everywhere = footprint.standing.every(Boolean);
    const nowhere = footprint.standing.every((standing) => !standing);
    if (['planned', 'running', 'compensating', 'replaying'].includes(write.state)) {
      unsettled += 1;
      problem(`write ${write.id} is still ${write.state}`, write.id);
    } else if (
      (write.state === 'succeeded' && !everywhere) ||
      (write.state === 'compensated' && !nowhere)
    ) {
      incompleteOutsideDeadLetters += 1;
      problem(
        `write ${write.id} is ${write.state} but stands in ${footprint.standing.map(String).join('/')}`,
        write.id,
      );
    }
  }

  const untracked =
    storefront.filter(
      (entry) =>
        entry.operation === 'createOrder' &&
        !explained.has(`storefront:${entry.idempotencyKey ?? ''}`),
    ).length +
    erp.filter(
      (entry) =>
        (entry.operation === 'CreateSalesOrder' &&
          !explained.has(`erp:${entry.externalReference ?? ''}`)) ||
        (entry.operation === 'AdjustInventory' && !explained.has(`erp:${entry.requestId ?? ''}`)),
    ).length +
    billing.filter(
      (entry) =>
        entry.operation === 'CreateInvoice' &&
        !explained.has(`billing:${entry.idempotencyKey ?? ''}`),
    ).length;
  if (untracked > 0) problem(`${untracked} records no journal write explains`);

  const writesOfKey = new Map<string, JournalWrite[]>();
  for (const write of writes)
    if (write.idempotencyKey !== null)
      writesOfKey.set(write.idempotencyKey, [
        ...(writesOfKey.get(write.idempotencyKey) ?? []),
        write,
      ]);
  const keysWithTwoWrites = [...writesOfKey.values()].filter((list) => list.length > 1).length;

  let lost = 0;
  for (const answer of told) {
    if (answer.outcome !== 'succeeded') continue;
    const [write] = writesOfKey.get(answer.key) ?? [];
    const footprint = write === undefined ? undefined : footprints.get(write.id);
    const holds =
      write !== undefined &&
      write.state === 'succeeded' &&
      (answer.writeId === undefined || answer.writeId === write.id) &&
      footprint !== undefined &&
      footprint.applied.every((times) => times === 1) &&
      footprint.standing.every(Boolean);
    if (!holds) {
      lost += 1;
      problem(
        `key ${answer.key} was answered as a success but is ${write?.state ?? 'not journaled'}`,
        write?.id,
      );
    }
  }

  return {
    writes: writes.length,
    byState,
    lost,
    doubled,
    incompleteOutsideDeadLetters,
    unsettled,
    untracked,
    keysWithTwoWrites,
    deadLettered: byState['dead-lettered'] ?? 0,
    problems,
    suspects,
  };
}
