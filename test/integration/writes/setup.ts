/**
 * A gateway over the three demo systems with the unified schema's write
 * mutations, its journal in a fresh SQLite file (or the PostgreSQL given),
 * and quick retries, for the write tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SwitchboardConfig } from '../../../gateway/index.js';
import { track, unifiedDemoConfig, type Systems } from '../../harness/index.js';

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
  timeoutMs?: Partial<Record<'storefront' | 'erp' | 'billing', number>>,
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
