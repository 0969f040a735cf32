/**
 * The hand-written client the gateway is measured against: the fewest calls
 * a frontend team would make to the three backends themselves, each over its
 * own protocol with a pooled, kept-alive connection (undici for REST and SOAP,
 * one @grpc/grpc-js channel for billing). It parses what it needs and no more.
 */
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { XMLParser } from 'fast-xml-parser';
import { Pool } from 'undici';

export interface DirectUrls {
  storefront: string; // http://127.0.0.1:4001
  erp: string; // http://127.0.0.1:4002/erp
  billing: string; // 127.0.0.1:4003
}

export interface DirectClient {
  productById(id: string): Promise<unknown>;
  /** The product of a SKU from the storefront alone (1 call). */
  productBySkuOnly(sku: string): Promise<unknown>;
  /** A page of products from the storefront alone (1 call). */
  productsPageOnly(count: number): Promise<unknown>;
  /** Products by a list of SKUs (1 call). */
  productsBySkus(skus: readonly string[]): Promise<unknown>;
  /** A page of products and each one's price asked one at a time, as for a backend without a batch endpoint (1 + count calls). */
  productsPageWithPricesOneByOne(count: number): Promise<unknown>;
  productBySku(sku: string): Promise<unknown>;
  productsPage(count: number): Promise<unknown>;
  orderWithLinesAndInvoices(id: string): Promise<unknown>;
  close(): Promise<void>;
}

type Unary = (
  request: object,
  callback: (error: grpc.ServiceError | null, response: Record<string, unknown>) => void,
) => void;

/**
 * Billing's generated client (@grpc/grpc-js, proto-loader with longs and enums
 * as strings, defaults filled) on one insecure channel to `address`: host:port,
 * or a URL whose scheme is dropped. `Method` is how the caller calls a method.
 */
export function createBillingGrpcClient<Method>(
  address: string,
  protoPath: string,
  protoRoot: string,
): grpc.Client & Record<string, Method> {
  const definition = loadSync(protoPath, {
    includeDirs: [protoRoot],
    longs: String,
    enums: String,
    defaults: true,
  });
  const billingPackage = grpc.loadPackageDefinition(definition) as unknown as {
    billing: {
      v1: {
        BillingService: new (
          address: string,
          credentials: grpc.ChannelCredentials,
        ) => grpc.Client & Record<string, Method>;
      };
    };
  };
  return new billingPackage.billing.v1.BillingService(
    address.replace(/^[a-z]+:\/\//, ''),
    grpc.credentials.createInsecure(),
  );
}

export function createDirectClient(
  urls: DirectUrls,
  protoPath: string,
  protoRoot: string,
): DirectClient {
  const storefront = new Pool(urls.storefront, { connections: 32 });
  const erpUrl = new URL(urls.erp);
  const erp = new Pool(erpUrl.origin, { connections: 32 });
  const xml = new XMLParser({
    removeNSPrefix: true,
    processEntities: false,
    isArray: (name) => name === 'stockLevel',
  });
  const billing = createBillingGrpcClient<Unary>(urls.billing, protoPath, protoRoot);

  const getJson = async (path: string): Promise<Record<string, unknown>> => {
    const response = await storefront.request({
      method: 'GET',
      path,
      headers: { accept: 'application/json' },
    });
    if (response.statusCode !== 200) throw new Error(`storefront answered ${response.statusCode}`);
    return (await response.body.json()) as Record<string, unknown>;
  };

  const stockLevels = async (codes: readonly string[]): Promise<unknown> => {
    const items = codes.map((code) => `<erp:itemCode>${code}</erp:itemCode>`).join('');
    const body = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:erp="http://switchboard.example/erp"><soap:Body><erp:GetStockLevels>${items}</erp:GetStockLevels></soap:Body></soap:Envelope>`;
    const response = await erp.request({
      method: 'POST',
      path: erpUrl.pathname,
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        soapaction: '"http://switchboard.example/erp/GetStockLevels"',
      },
      body,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`erp answered ${response.statusCode}`);
    return xml.parse(text);
  };

  const unary = (method: string, request: object): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      (billing[method] as Unary).call(billing, request, (error, response) =>
        error ? reject(error) : resolve(response),
      );
    });

  return {
    productById: (id) => getJson(`/products/${encodeURIComponent(id)}`),
    productBySkuOnly: (sku) => getJson(`/products/by-sku/${encodeURIComponent(sku)}`),
    productsPageOnly: (count) => getJson(`/products?limit=${count}`),
    productsBySkus: (skus) =>
      getJson(`/products?limit=${skus.length}&skus=${skus.map(encodeURIComponent).join(',')}`),
    async productsPageWithPricesOneByOne(count) {
      const page = await getJson(`/products?limit=${count}`);
      const skus = (page.items as Array<{ sku: string }>).map((item) => item.sku);
      const prices = await Promise.all(skus.map((sku) => unary('GetPrice', { sku })));
      return { page, prices };
    },
    async productBySku(sku) {
      const [product, stock, price] = await Promise.all([
        getJson(`/products/by-sku/${encodeURIComponent(sku)}`),
        stockLevels([sku]),
        unary('GetPrice', { sku }),
      ]);
      return { product, stock, price };
    },
    async productsPage(count) {
      const page = await getJson(`/products?limit=${count}`);
      const skus = (page.items as Array<{ sku: string }>).map((item) => item.sku);
      const [stock, prices] = await Promise.all([
        stockLevels(skus),
        unary('BatchGetPrices', { skus }),
      ]);
      return { page, stock, prices };
    },
    async orderWithLinesAndInvoices(id) {
      const order = await getJson(`/orders/${encodeURIComponent(id)}`);
      const skus = (order.lines as Array<{ sku: string }>).map((line) => line.sku);
      const [products, invoices] = await Promise.all([
        getJson(`/products?skus=${skus.map(encodeURIComponent).join(',')}`),
        unary('ListInvoices', { orderId: id }),
      ]);
      return { order, products, invoices };
    },
    async close() {
      billing.close();
      await Promise.all([storefront.close(), erp.close()]);
    },
  };
}
