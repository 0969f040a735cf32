/**
 * The demo's default config: the gateway in front of the demo systems of
 * record, known only by their contract files and URLs. Secrets, when a
 * backend needs them, come from environment variables read here.
 */
import { defineConfig } from './gateway/index.js';
import { createRestSource } from './sources/rest/index.js';

export default defineConfig({
  sources: [
    createRestSource({
      name: 'storefront',
      contract: 'demo/storefront/openapi.yaml',
      url: process.env.STOREFRONT_URL ?? 'http://127.0.0.1:4001',
    }),
  ],
  playground: {
    title: 'Switchboard demo',
    defaultTabs: [
      {
        query: `query ProductsAndOrders($customerId: String!) {
  storefront {
    listProducts(limit: 5) { items { id sku title status } nextCursor }
    getCustomer(customerId: $customerId) { id email }
    listCustomerOrders(customerId: $customerId, limit: 3) { items { id status createdAt } }
  }
}
`,
        variables: '{ "customerId": "cus_0001" }',
      },
    ],
  },
});
