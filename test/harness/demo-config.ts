/**
 * The demo's gateway configuration for tests: one source per started system,
 * each pointed at that system's contract file and URL, exactly as
 * switchboard.config.ts points at the launched demo.
 */
import type { SwitchboardConfig } from '../../gateway/index.js';
import type { Source } from '../../sources/common/index.js';
import { createGrpcSource } from '../../sources/grpc/index.js';
import { createRestSource } from '../../sources/rest/index.js';
import { createSoapSource } from '../../sources/soap/index.js';
import type { Systems } from './systems.js';

/**
 * @param overrides replace top-level sections (limits, playground...); `sources` too, to add one.
 * Logging is silent unless overridden, so test output shows only test results.
 */
export function demoConfig(systems: Systems, overrides: Partial<SwitchboardConfig> = {}): SwitchboardConfig {
  const sources: Array<Promise<Source>> = [];
  if (systems.has('storefront')) {
    sources.push(createRestSource({ name: 'storefront', contract: systems.storefront.contract, url: systems.storefront.url }));
  }
  if (systems.has('erp')) {
    sources.push(createSoapSource({ name: 'erp', contract: systems.erp.contract, url: systems.erp.url }));
  }
  if (systems.has('billing')) {
    sources.push(createGrpcSource({ name: 'billing', contract: systems.billing.contract, url: systems.billing.url }));
  }
  return { sources, logging: { level: 'silent' }, ...overrides };
}
