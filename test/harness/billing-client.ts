/**
 * A plain gRPC client for the demo billing system, for tests that speak to
 * billing directly (not through the gateway): the service loaded from the
 * system's own .proto with @grpc/grpc-js, unary calls as promises, and the
 * status name of a failed call.
 *
 * @example
 * const billing = await startBilling();
 * const client = createBillingClient(billing);
 * const { prices } = await client.call('BatchGetPrices', { skus: ['SKU-00001'] });
 * expect(await client.statusOf(client.call('GetPrice', { sku: '' }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
 * client.close();
 */
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { dirname, resolve } from 'node:path';

/** A message as @grpc/proto-loader hands it over (longs and enums as strings). */
export type BillingWire = Record<string, any>;

type Unary = (
  request: BillingWire,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: BillingWire) => void,
) => void;

export interface BillingCallOptions {
  /** Sent as is; `idempotencyKey` is added to it. */
  readonly metadata?: grpc.Metadata;
  /** Sent as the `idempotency-key` metadata. */
  readonly idempotencyKey?: string;
}

export interface BillingClient {
  /** The grpc-js client, for streams: `client.raw.WatchInvoiceEvents({})`. */
  readonly raw: grpc.Client & Record<string, any>;
  /** One unary call by its RPC name ("GetPrice"); rejects with the grpc.ServiceError. */
  call(method: string, request: BillingWire, options?: BillingCallOptions): Promise<BillingWire>;
  /** How `call` ended: "OK", or the status name and details of its error ("NOT_FOUND"). */
  statusOf(call: Promise<unknown>): Promise<{ code: string; details: string }>;
  close(): void;
}

export interface BillingClientOptions {
  /** Each call's deadline: a guard against a hang, not a timing assertion. @default 10000 */
  readonly deadlineMs?: number;
}

/** A client for a started billing system (its `url` and `contract`, as startBilling or startSystems give them). */
export function createBillingClient(
  billing: { readonly url: string; readonly contract: string },
  { deadlineMs = 10_000 }: BillingClientOptions = {},
): BillingClient {
  // The contract is proto/billing/v1/billing.proto; its imports are relative to proto/.
  const includeDir = resolve(dirname(billing.contract), '../..');
  const definition = loadSync(billing.contract, {
    includeDirs: [includeDir],
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const Service = (grpc.loadPackageDefinition(definition) as any).billing.v1
    .BillingService as grpc.ServiceClientConstructor;
  const raw = new Service(billing.url, grpc.credentials.createInsecure()) as grpc.Client &
    Record<string, any>;
  return {
    raw,
    call(method, request, { metadata = new grpc.Metadata(), idempotencyKey } = {}) {
      if (idempotencyKey !== undefined) metadata.set('idempotency-key', idempotencyKey);
      return new Promise((done, fail) => {
        (raw[method] as Unary).call(
          raw,
          request,
          metadata,
          { deadline: Date.now() + deadlineMs },
          (error, response) => (error ? fail(error) : done(response as BillingWire)),
        );
      });
    },
    async statusOf(call) {
      try {
        await call;
      } catch (error) {
        const { code, details } = error as grpc.ServiceError;
        return { code: grpc.status[code] as string, details };
      }
      return { code: 'OK', details: '' };
    },
    close: () => raw.close(),
  };
}
