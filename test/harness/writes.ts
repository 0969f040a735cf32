/**
 * The write tests' set-up: a gateway over the three demo systems with the
 * unified schema's write mutations, its journal in a fresh SQLite file (or
 * the PostgreSQL given) and quick retries (`writesConfig`), the placeOrder
 * document and input they send, and `startWriteFixture`, the systems, that
 * gateway and each system's own records of an order, started in one call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SwitchboardConfig } from '../../gateway/index.js';
import type { DemoSystemName } from '../../demo/index.js';
import { track } from './cleanup.js';
import { unifiedDemoConfig } from './demo-config.js';
import { startGatewayOn, type TestGateway } from './gateway.js';
import { recordsReader, type RecordsReader } from './order-records.js';
import { startSystems, type Systems } from './systems.js';

/** The storefront and billing apply a write once per idempotency key, so the pipeline may retry their writes (the erp's writes are made safe by lookup). */
export const WRITE_PIPELINE = {
  retry: { baseDelayMs: 1, maxDelayMs: 20 },
  breaker: { enabled: false },
  cache: { enabled: false },
  sources: {
    storefront: { honoursIdempotencyKeys: true },
    billing: { honoursIdempotencyKeys: true },
  },
} as const satisfies SwitchboardConfig['pipeline'];

/** A temporary folder for journals, removed with the test file. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'swb-writes-'));
  track({ close: async () => rmSync(dir, { recursive: true, force: true }) }, `temp dir ${dir}`);
  return dir;
}

export function writesConfig(
  systems: Systems,
  writes: SwitchboardConfig['writes'],
  overrides: Partial<SwitchboardConfig> = {},
  timeoutMs?: Partial<Record<DemoSystemName, number>>,
): SwitchboardConfig {
  return unifiedDemoConfig(
    systems,
    { pipeline: WRITE_PIPELINE, writes: { recoveryIntervalMs: 0, ...writes }, ...overrides },
    timeoutMs === undefined ? {} : { timeoutMs },
  );
}

export const PLACE_ORDER = `mutation($input: PlaceOrderInput!) {
  placeOrder(input: $input) { id status customer { id } invoices { id status } lines { sku quantity } }
}`;

export function orderInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customerId: 'cus_0001',
    lines: [
      { sku: 'SKU-00001', quantity: 2 },
      { sku: 'SKU-00002', quantity: 1 },
    ],
    ...overrides,
  };
}

/** What `startWriteFixture` started; all of it is tracked, so `useHarness()` stops it. */
export interface WriteFixture {
  /** All three demo systems. */
  readonly systems: Systems;
  /** The gateway under test: `writesConfig` with its own journal. */
  readonly gateway: TestGateway;
  /** That gateway's journal (SQLite), for a test that reads its audit trail. */
  readonly journalPath: string;
  /**
   * Each system's own records of an order. Its reader (one more gateway)
   * starts on the first read, so a file that never reads one pays nothing.
   */
  readonly records: RecordsReader;
  /**
   * Another gateway on the same systems, with a journal of its own:
   * `overrides` and per-source deadlines (ms) as `writesConfig` takes them.
   */
  startGateway(
    overrides?: Partial<SwitchboardConfig>,
    timeoutMs?: Partial<Record<DemoSystemName, number>>,
  ): Promise<TestGateway>;
}

/**
 * The three demo systems and a write gateway over them, for a test file's
 * `beforeAll`.
 *
 * @example
 * beforeAll(async () => ({ systems, gateway, records } = await startWriteFixture()));
 */
export async function startWriteFixture(): Promise<WriteFixture> {
  const systems = await startSystems();
  const startGateway: WriteFixture['startGateway'] = (overrides, timeoutMs) =>
    startGatewayOn(
      writesConfig(systems, { sqlitePath: `${tempDir()}/journal.db` }, overrides, timeoutMs),
    );
  const journalPath = `${tempDir()}/journal.db`;
  const gateway = await startGatewayOn(writesConfig(systems, { sqlitePath: journalPath }));
  // Started once, by the first read; startGatewayOn tracks its gateway, so useHarness() stops it.
  let reader: Promise<RecordsReader> | undefined;
  const read = (): Promise<RecordsReader> => (reader ??= recordsReader(systems));
  const records: RecordsReader = {
    order: async (orderId) => (await read()).order(orderId),
    ordersOf: async (customerId) => (await read()).ordersOf(customerId),
    cancelledSalesOrders: async (orderId) => (await read()).cancelledSalesOrders(orderId),
    close: async () => {
      if (reader !== undefined) await (await reader).close();
    },
  };
  return { systems, gateway, journalPath, records, startGateway };
}
