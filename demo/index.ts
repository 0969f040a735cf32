/**
 * The demo's public entry: the systems of record the launcher, the tests and
 * the benchmarks start, their admin endpoint and the seed data they share.
 * The gateway never imports this folder; it knows the systems only by their
 * contract files and URLs.
 */
import { startBilling } from './billing/index.js';
import type { DemoSystem, DemoSystemName, DemoSystemOptions } from './common/system.js';
import { startErp } from './erp/index.js';
import { startStorefront } from './storefront/index.js';

export {
  startStorefront,
  STOREFRONT_CONTRACT,
  type StorefrontOptions,
} from './storefront/index.js';
export { startErp, ERP_WSDL_PATH, type ErpOptions } from './erp/index.js';
export { startBilling, BILLING_PROTO, type BillingOptions } from './billing/index.js';

export { startAdmin, type AdminServer } from './common/admin.js';
export {
  catalogue,
  skuOf,
  SKU_COUNT,
  CUSTOMER_COUNT,
  ORDER_COUNT,
  WAREHOUSES,
  CURRENCY,
  type Catalogue,
  type CatalogueProduct,
  type CatalogueVariant,
  type CatalogueStock,
  type CataloguePrice,
  type CatalogueCustomer,
  type CatalogueOrder,
  type CatalogueOrderLine,
} from './common/catalogue.js';
export {
  createWriteLog,
  type AppliedWrite,
  type SystemRecords,
  type WriteLog,
} from './common/records.js';
export {
  createCallCounter,
  createMisbehaviourControl,
  isAfterApply,
  isDown,
  NO_MISBEHAVIOUR,
  parseMisbehaviour,
  type AfterApply,
  type Failure,
  type CallCounter,
  type DemoSystem,
  type DemoSystemName,
  type DemoSystemOptions,
  type Misbehaviour,
  type MisbehaviourControl,
  type Verdict,
} from './common/system.js';

/** Starts one demo system; every system's own options extend `DemoSystemOptions`. */
export type DemoSystemStarter = (options?: DemoSystemOptions) => Promise<DemoSystem>;

/**
 * The systems that exist, in start order, with their default ports. The
 * launcher and the test harness start what is listed here, so a new system
 * is one line.
 */
export const DEMO_SYSTEMS: ReadonlyArray<{
  readonly name: DemoSystemName;
  readonly defaultPort: number;
  readonly start: DemoSystemStarter;
}> = [
  { name: 'storefront', defaultPort: 4001, start: startStorefront },
  { name: 'erp', defaultPort: 4002, start: startErp },
  { name: 'billing', defaultPort: 4003, start: startBilling },
];
