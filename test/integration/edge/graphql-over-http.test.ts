/**
 * The GraphQL-over-HTTP spec's server audits (graphql-http's serverAudits)
 * against the real gateway over a real socket, with the cross-site rules on:
 * every MUST, SHOULD and MAY audit passes.
 */
import { serverAudits } from 'graphql-http';
import { fetch as undiciFetch } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  startGatewayOn,
  startSystems,
  unifiedDemoConfig,
  useHarness,
  type TestGateway,
} from '../../harness/index.js';

useHarness();

let gateway: TestGateway;

beforeAll(async () => {
  const systems = await startSystems(['storefront', 'erp', 'billing']);
  // The defaults of a deployment: per-source endpoints off, CORS closed.
  gateway = await startGatewayOn(unifiedDemoConfig(systems, { endpoints: {} }));
});

describe('GraphQL over HTTP server audits at /graphql', () => {
  for (const audit of serverAudits({ url: () => `${gateway.url}/graphql`, fetchFn: undiciFetch })) {
    it(`${audit.id} ${audit.name}`, async () => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
    });
  }
});
