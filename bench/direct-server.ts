/**
 * The hand-written client (bench/direct.ts) behind one loopback hop, as the
 * gateway is: a plain node:http server whose routes each run one scenario
 * with the direct client and answer its result as JSON. The load generator
 * calls it exactly as it calls the gateway, so the two answering processes'
 * CPU per query compare like for like (issue 15). Prints its URL as one JSON
 * line, then runs until SIGTERM. Backend URLs come from the environment.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createDirectClient } from './direct.js';

const direct = createDirectClient(
  {
    storefront: process.env.STOREFRONT_URL!,
    erp: process.env.ERP_URL!,
    billing: process.env.BILLING_URL!,
  },
  process.env.BILLING_CONTRACT!,
  fileURLToPath(new URL('../demo/billing/proto', import.meta.url)),
);

/** The SKUs SKU-00001 … SKU-000nn. */
export const skus = (count: number): string[] =>
  Array.from({ length: count }, (_, index) => `SKU-${String(index + 1).padStart(5, '0')}`);
const FIFTY = skus(50);

const ROUTES: Record<string, () => Promise<unknown>> = {
  '/one': () => direct.productBySkuOnly('SKU-00042'),
  '/page': () => direct.productsPageOnly(50),
  '/page-prices-one-by-one': () => direct.productsPageWithPricesOneByOne(50),
  '/by-keys': () => direct.productsBySkus(FIFTY),
  '/product-price-stock': () => direct.productBySku('SKU-00042'),
  '/page-price-stock': () => direct.productsPage(50),
  '/order': () => direct.orderWithLinesAndInvoices('ord_00007'),
  '/storefront-product': () => direct.productById('prod_00042'),
};

const server = createServer((req, res) => {
  const route = ROUTES[req.url ?? ''];
  if (route === undefined) {
    res.writeHead(404).end();
    return;
  }
  route().then(
    (result) => {
      const body = JSON.stringify({ data: result });
      res
        .writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        })
        .end(body);
    },
    (error: unknown) => {
      res
        .writeHead(502, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: String(error) }));
    },
  );
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`,
  );
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void direct.close().then(() => process.exit(0));
});
