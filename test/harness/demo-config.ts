/**
 * The demo's gateway configuration for tests: one source per started system,
 * each pointed at that system's contract file and URL, exactly as
 * switchboard.config.ts points at the launched demo.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SwitchboardConfig } from '../../gateway/index.js';
import type { Source } from '../../sources/common/index.js';
import { createGrpcSource } from '../../sources/grpc/index.js';
import { createRestSource } from '../../sources/rest/index.js';
import { createSoapSource } from '../../sources/soap/index.js';
import type { DemoSystemName } from '../../demo/index.js';
import { track } from './cleanup.js';
import type { Systems } from './systems.js';

/**
 * @param overrides replace top-level sections (limits, playground...); `sources` too, to add one.
 * Logging is silent unless overridden, so test output shows only test results.
 * The per-source endpoints are served read-write, as in the demo, unless overridden.
 */
export function demoConfig(
  systems: Systems,
  overrides: Partial<SwitchboardConfig> = {},
): SwitchboardConfig {
  const sources: Array<Promise<Source>> = [];
  if (systems.has('storefront')) {
    sources.push(
      createRestSource({
        name: 'storefront',
        contract: systems.storefront.contract,
        url: systems.storefront.url,
      }),
    );
  }
  if (systems.has('erp')) {
    sources.push(
      createSoapSource({ name: 'erp', contract: systems.erp.contract, url: systems.erp.url }),
    );
  }
  if (systems.has('billing')) {
    sources.push(
      createGrpcSource({
        name: 'billing',
        contract: systems.billing.contract,
        url: systems.billing.url,
      }),
    );
  }
  return {
    sources,
    logging: { level: 'silent' },
    endpoints: { sources: 'read-write' },
    auth: DEMO_AUTH,
    ...overrides,
  };
}

/** The unified commerce schema of the repository, by absolute path. */
export const COMMERCE_SCHEMA = fileURLToPath(
  new URL('../../schema/commerce.graphql', import.meta.url),
);

/**
 * The demo as `npm start` serves it: the unified schema at /graphql and the
 * same batch declarations and read cache TTLs as switchboard.config.ts (keep
 * the two equal), so tests count the calls a real deployment makes.
 * @param overrides as for demoConfig; `schema` too, to bind a fixture schema instead.
 */
export function unifiedDemoConfig(
  systems: Systems,
  overrides: Partial<SwitchboardConfig> = {},
  options: {
    /** Per-source call deadline, in ms, e.g. to make one system time out. */ timeoutMs?: Partial<
      Record<DemoSystemName, number>
    >;
  } = {},
): SwitchboardConfig {
  const timeout = (name: DemoSystemName): { timeoutMs?: number } =>
    options.timeoutMs?.[name] === undefined ? {} : { timeoutMs: options.timeoutMs[name] };
  const sources: Array<Promise<Source>> = [];
  if (systems.has('storefront')) {
    sources.push(
      createRestSource({
        name: 'storefront',
        contract: systems.storefront.contract,
        url: systems.storefront.url,
        healthPath: '/products?limit=1',
        ...timeout('storefront'),
        batch: {
          getProduct: {
            via: 'listProducts',
            key: 'productId',
            listArgument: 'ids',
            itemKey: 'id',
            resultPath: 'items',
          },
          getProductBySku: {
            via: 'listProducts',
            key: 'sku',
            listArgument: 'skus',
            itemKey: 'sku',
            resultPath: 'items',
          },
          getCustomer: {
            via: 'listCustomers',
            key: 'customerId',
            listArgument: 'ids',
            itemKey: 'id',
            resultPath: 'items',
          },
          getOrder: {
            via: 'listOrders',
            key: 'orderId',
            listArgument: 'ids',
            itemKey: 'id',
            resultPath: 'items',
          },
        },
      }),
    );
  }
  if (systems.has('erp')) {
    sources.push(
      createSoapSource({
        name: 'erp',
        contract: systems.erp.contract,
        url: systems.erp.url,
        ...timeout('erp'),
        batch: {
          getItem: { via: 'getItems', key: 'itemCode', itemKey: 'itemCode' },
          getStockLevels: { key: 'itemCode', itemKey: 'itemCode', many: true },
        },
      }),
    );
  }
  if (systems.has('billing')) {
    sources.push(
      createGrpcSource({
        name: 'billing',
        contract: systems.billing.contract,
        url: systems.billing.url,
        ...timeout('billing'),
        batch: {
          getPrice: {
            via: 'batchGetPrices',
            key: 'sku',
            listArgument: 'skus',
            itemKey: 'sku',
            resultPath: 'prices',
            maxKeys: 1000,
          },
        },
      }),
    );
  }
  return {
    sources,
    schema: COMMERCE_SCHEMA,
    logging: { level: 'silent' },
    endpoints: { sources: 'read-write' },
    // As switchboard.config.ts (keep the two equal): read cache TTLs for the erp's and billing's reads.
    pipeline: DEMO_PIPELINE,
    auth: DEMO_AUTH,
    // The schema declares writes, so the gateway opens a journal: in a folder of the test's own, never the checkout's .switchboard/.
    writes: { sqlitePath: testJournalPath() },
    ...overrides,
  };
}

/** A fresh journal file in a temporary folder, removed when the test file's harness closes (after the gateway that used it). */
function testJournalPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'swb-journal-'));
  track(
    { close: async () => rmSync(dir, { recursive: true, force: true }) },
    `journal folder ${dir}`,
  );
  return join(dir, 'journal.db');
}

/** Every scope the demo schema names: anonymous callers in the demo hold them all (the storefront frontend's view). */
export const DEMO_ANONYMOUS_SCOPES = [
  'catalog:read',
  'prices:read',
  'inventory:read',
  'customers:read',
  'orders:read',
  'invoices:read',
  'orders:write',
  'inventory:write',
  'payments:write',
  'catalog:write',
];

/** The `auth` section of switchboard.config.ts (keep the two equal): anonymous callers get the storefront frontend's scopes. */
export const DEMO_AUTH = {
  anonymousScopes: DEMO_ANONYMOUS_SCOPES,
} as const satisfies SwitchboardConfig['auth'];

/** The `pipeline` section of switchboard.config.ts; pass `{ pipeline: {} }` in `overrides` for no cache TTLs. */
export const DEMO_PIPELINE = {
  sources: {
    storefront: { honoursIdempotencyKeys: true },
    erp: {
      operations: {
        getStockLevels: { cache: { ttlMs: 5_000, staleIfErrorMs: 300_000 } },
        getItem: { cache: { ttlMs: 60_000, staleIfErrorMs: 3_600_000 } },
      },
    },
    billing: {
      honoursIdempotencyKeys: true,
      operations: { getPrice: { cache: { ttlMs: 60_000, staleIfErrorMs: 3_600_000 } } },
    },
  },
} as const satisfies SwitchboardConfig['pipeline'];

/**
 * `overrides` for a test whose subject is the calls a query makes without the
 * read cache (batching, prefetch, partial results): every answer goes to its backend.
 */
export const NO_READ_CACHE = {
  pipeline: { cache: { enabled: false } },
} as const satisfies Partial<SwitchboardConfig>;
