/**
 * The write log every demo system keeps, so a test can ask a system of
 * record "how many times was this write applied?" and assert exactly once
 * (GET /__admin/records, `DemoSystem.records()`).
 *
 * Only writes that changed something are logged: an idempotent replay, a
 * natural-key refusal or a no-op (cancelling a cancelled order) is not an
 * application and leaves no entry.
 */

/** One write a system applied. */
export interface AppliedWrite {
  /** 1, 2, 3… in the order the system applied its writes. */
  seq: number;
  /** The operation as its contract names it: "createOrder", "CancelSalesOrder", "CapturePayment". */
  operation: string;
  /** The record it created or changed: an order id, a document number, an invoice id, a SKU. */
  id: string;
  /** The key the caller sent with it (storefront Idempotency-Key, billing idempotency-key metadata). */
  idempotencyKey?: string;
  /** The caller's own reference to what it wrote: the erp's externalReference (the storefront order id), billing's order id. */
  externalReference?: string;
  /** The erp's message id (AdjustInventory requestId): a repeat with it is applied once. */
  requestId?: string;
  /** When it was applied, RFC 3339. */
  at: string;
}

export interface WriteLog {
  /** Logs one applied write. */
  applied(
    operation: string,
    id: string,
    extra?: {
      idempotencyKey?: string | undefined;
      externalReference?: string | undefined;
      requestId?: string | undefined;
    },
  ): void;
  /** Every applied write, oldest first. */
  list(): AppliedWrite[];
  /** `{ "<operation>": n }` for the writes applied to one record. */
  countsOf(id: string): Record<string, number>;
  /** The ids of every record written, in first-written order. */
  ids(): string[];
}

export function createWriteLog(now: () => Date = () => new Date()): WriteLog {
  const writes: AppliedWrite[] = [];
  const byId = new Map<string, Record<string, number>>();
  return {
    applied(operation, id, extra = {}) {
      const write: AppliedWrite = {
        seq: writes.length + 1,
        operation,
        id,
        at: now().toISOString(),
      };
      if (extra.idempotencyKey !== undefined) write.idempotencyKey = extra.idempotencyKey;
      if (extra.externalReference !== undefined) write.externalReference = extra.externalReference;
      if (extra.requestId !== undefined) write.requestId = extra.requestId;
      writes.push(write);
      const counts = byId.get(id) ?? {};
      counts[operation] = (counts[operation] ?? 0) + 1;
      byId.set(id, counts);
    },
    list: () => writes.map((write) => ({ ...write })),
    countsOf: (id) => ({ ...byId.get(id) }),
    ids: () => [...byId.keys()],
  };
}

/**
 * What GET /__admin/records answers for one system: its write log and, per
 * kind of record, every record written since start (seeded records that were
 * never written are left out), each with `applied`: `{ "<operation>": n }`.
 */
export interface SystemRecords {
  system: string;
  writes: AppliedWrite[];
  [kind: string]: unknown;
}
