/**
 * The hand-written client of a placed order, for the fault run's latency
 * comparison: the three calls a frontend team would make itself, one after
 * another as the order needs (the sales order and the invoice name the
 * storefront's order id): POST /orders with an Idempotency-Key, the erp's
 * CreateSalesOrder with the order id as external reference, billing's
 * CreateInvoice with idempotency-key metadata. No journal, no undo: what the
 * gateway adds on top is what the comparison shows.
 */
import * as grpc from '@grpc/grpc-js';
import { Pool } from 'undici';
import { createBillingGrpcClient } from './direct.js';

export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
}

export interface DirectWriter {
  /** Places an order in the three systems; resolves to the storefront's order id. */
  placeOrder(customerId: string, lines: readonly OrderLine[], key: string): Promise<string>;
  close(): Promise<void>;
}

type Unary = (
  request: object,
  metadata: grpc.Metadata,
  callback: (error: grpc.ServiceError | null, response: Record<string, unknown>) => void,
) => void;

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);

export function createDirectWriter(
  urls: { storefront: string; erp: string; billing: string },
  protoPath: string,
  protoRoot: string,
): DirectWriter {
  const storefront = new Pool(urls.storefront, { connections: 8 });
  const erpUrl = new URL(urls.erp);
  const erp = new Pool(erpUrl.origin, { connections: 8 });
  const billing = createBillingGrpcClient<Unary>(urls.billing, protoPath, protoRoot);

  return {
    async placeOrder(customerId, lines, key) {
      const created = await storefront.request({
        method: 'POST',
        path: '/orders',
        headers: { 'content-type': 'application/json', 'idempotency-key': `${key}-order` },
        body: JSON.stringify({ customerId, lines }),
      });
      const order = (await created.body.json()) as { id?: string };
      if (created.statusCode !== 201 || order.id === undefined)
        throw new Error(`storefront answered ${created.statusCode}`);
      const orderLines = lines
        .map(
          (line) =>
            `<erp:line><t:itemCode>${escapeXml(line.sku)}</t:itemCode><t:quantity>${line.quantity}</t:quantity></erp:line>`,
        )
        .join('');
      const envelope = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:erp="http://switchboard.example/erp" xmlns:t="http://switchboard.example/erp/types"><soap:Body><erp:CreateSalesOrder><erp:customerId>${escapeXml(customerId)}</erp:customerId>${orderLines}<erp:externalReference>${escapeXml(order.id)}</erp:externalReference></erp:CreateSalesOrder></soap:Body></soap:Envelope>`;
      const sales = await erp.request({
        method: 'POST',
        path: erpUrl.pathname,
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: '"http://switchboard.example/erp/CreateSalesOrder"',
        },
        body: envelope,
      });
      const salesText = await sales.body.text();
      if (sales.statusCode !== 200 || !salesText.includes('documentNumber'))
        throw new Error(`erp answered ${sales.statusCode}: ${salesText.slice(0, 200)}`);
      const metadata = new grpc.Metadata();
      metadata.set('idempotency-key', `${key}-invoice`);
      await new Promise<Record<string, unknown>>((resolve, reject) =>
        (billing.CreateInvoice as Unary).call(
          billing,
          { orderId: order.id, customerId, lines },
          metadata,
          (error, response) => (error ? reject(error) : resolve(response)),
        ),
      );
      return order.id;
    },
    async close() {
      billing.close();
      await Promise.all([storefront.close(), erp.close()]);
    },
  };
}
