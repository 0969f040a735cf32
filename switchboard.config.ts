/**
 * The demo's default config: the gateway in front of the demo systems of
 * record, known only by their contract files and URLs. Secrets, when a
 * backend needs them, come from environment variables read here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from './gateway/index.js';
import { createRestSource } from './sources/rest/index.js';
import { createGrpcSource } from './sources/grpc/index.js';
import { createSoapSource } from './sources/soap/index.js';

/** The playground opens with the schema's example queries, in file-name order. */
function exampleTabs(folder: string): Array<{ query: string }> {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => ({ query: readFileSync(`${folder}/${name}`, 'utf8') }));
}

/**
 * A backend on this machine at the port its variable names (STOREFRONT_PORT…),
 * as `npm start` runs them; the *_URL variables win when set.
 */
function local(variable: string, port: number, path = ''): string {
  return `http://127.0.0.1:${portFromEnv(variable, port)}${path}`;
}

function portFromEnv(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 65_535)
    throw new Error(
      `${variable} should be a port number from 0 to 65535, instead got "${raw.slice(0, 20)}".`,
    );
  return Number(raw);
}

export default defineConfig({
  server: { port: portFromEnv('GATEWAY_PORT', 4000) },
  // The unified commerce schema at /graphql; each source stays at /graphql/<name>.
  schema: 'schema/commerce.graphql',
  // Every scope the demo schema names, so the playground and the README's examples work without a token;
  // a gateway for partners gives anonymous callers nothing (docs/partners.md). Keep equal to test/harness/demo-config.ts.
  auth: {
    anonymousScopes: [
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
    ],
  },
  sources: [
    createRestSource({
      name: 'storefront',
      contract: 'demo/storefront/openapi.yaml',
      url: process.env.STOREFRONT_URL ?? local('STOREFRONT_PORT', 4001),
      // /readyz asks for one product: the storefront has no health endpoint, and its root answers 404.
      healthPath: '/products?limit=1',
      // Many products, customers or orders by key are one list call with ids=a,b,c (at most 100 keys: the contract's maxItems).
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
    createSoapSource({
      name: 'erp',
      contract: 'demo/erp/erp.wsdl',
      url: process.env.ERP_URL ?? local('ERP_PORT', 4002, '/erp'),
      // Stock for many item codes is one GetStockLevels call; each code has a row per warehouse.
      batch: {
        getItem: { via: 'getItems', key: 'itemCode', itemKey: 'itemCode' },
        getStockLevels: { key: 'itemCode', itemKey: 'itemCode', many: true },
      },
    }),
    createGrpcSource({
      name: 'billing',
      contract: 'demo/billing/proto/billing/v1/billing.proto',
      includeDirs: ['demo/billing/proto'],
      url: process.env.BILLING_URL ?? `127.0.0.1:${portFromEnv('BILLING_PORT', 4003)}`,
      // Prices of many SKUs are one BatchGetPrices call.
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
  ],
  // The demo serves each system at /graphql/<name>, writes included, for integrators to explore.
  // Off by default: outside a demo, every backend write would be one request away.
  endpoints: { sources: 'read-write' },
  // The erp and billing send no caching headers: their reads live these TTLs in
  // the read cache (the storefront's follow its Cache-Control). Stock changes
  // with every order, so it is fresh a few seconds; items and prices a minute.
  // Past that, a stale answer stands in while its system is down (stale-if-error).
  pipeline: {
    sources: {
      // The storefront and billing apply a write once per idempotency key, so their writes may be retried.
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
  },
  // The operator page (/admin), /metrics and /admin/graphql: on when SWITCHBOARD_ADMIN_TOKEN is set (`npm start` sets a random one).
  admin: { token: process.env.SWITCHBOARD_ADMIN_TOKEN || null },
  playground: {
    title: 'Switchboard demo',
    defaultTabs: exampleTabs('schema/examples'),
  },
});
