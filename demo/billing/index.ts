/**
 * The demo billing system of record: a real gRPC server described by
 * proto/billing/v1/billing.proto, with server reflection, seeded from the
 * shared catalogue. It counts every call by RPC name and misbehaves on demand.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import {
  createCallCounter,
  createMisbehaviourControl,
  isDown,
  type AfterApply,
  type DemoSystem,
  type DemoSystemOptions,
} from '../common/system.js';
import { dropConnection } from './drop.js';
import { recordTraceContext } from '../common/trace-context.js';
import { createHandlers, RpcFailure, type EventKind } from './handlers.js';
import { addHealthService } from './health.js';
import { billingRecords, createBillingStore, type StoredInvoice } from './store.js';

export interface BillingOptions extends DemoSystemOptions {
  /** Serve TLS with this PEM key and certificate; with `ca`, clients must present a certificate it signed (mTLS). @default plaintext */
  tls?: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer };
  /** When set, every call must carry `authorization: Bearer <token>`, else UNAUTHENTICATED. */
  bearerToken?: string;
  /** When set, every call must carry this metadata entry, else UNAUTHENTICATED. */
  apiKey?: { name: string; value: string };
}

const PROTO_ROOT = fileURLToPath(new URL('./proto/', import.meta.url));
/** The main contract file; it imports billing/v1/types.proto and google's well-known types. */
export const BILLING_PROTO = fileURLToPath(
  new URL('./proto/billing/v1/billing.proto', import.meta.url),
);
/** Open streams get this long to end on their own at close, in ms, before they are cut. */
const SHUTDOWN_GRACE_MS = 500;

type Wire = Record<string, unknown>;

/** The call's idempotency-key metadata; absent or empty means none. */
function keyOf(metadata: grpc.Metadata): string | undefined {
  const [key] = metadata.get('idempotency-key');
  return typeof key === 'string' && key !== '' ? key : undefined;
}

function toServiceError(error: unknown): Partial<grpc.StatusObject> {
  if (error instanceof RpcFailure) return { code: error.code, details: error.message };
  return { code: grpc.status.INTERNAL, details: 'billing failed unexpectedly' };
}

export async function startBilling(options: BillingOptions = {}): Promise<DemoSystem> {
  const host = options.host ?? '127.0.0.1';
  const definition = loadSync(BILLING_PROTO, {
    includeDirs: [PROTO_ROOT],
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const service = (
    grpc.loadPackageDefinition(definition) as unknown as {
      billing: { v1: { BillingService: grpc.ServiceClientConstructor } };
    }
  ).billing.v1.BillingService.service;

  const counter = createCallCounter();
  const misbehaviour = createMisbehaviourControl();
  const store = createBillingStore();
  const watchers = new Set<(kind: EventKind, invoice: StoredInvoice) => void>();
  const handlers = createHandlers(store, (kind, invoice) => {
    for (const watcher of watchers) watcher(kind, invoice);
  });
  let sequence = 0n;

  const authorized = (metadata: grpc.Metadata): boolean =>
    (options.bearerToken === undefined ||
      metadata.get('authorization')[0] === `Bearer ${options.bearerToken}`) &&
    (options.apiKey === undefined || metadata.get(options.apiKey.name)[0] === options.apiKey.value);

  /** The calls left hanging by hangAfterApply, answered UNAVAILABLE at close so shutdown does not wait for them. */
  const hanging = new Set<() => void>();

  /**
   * Counts the call, checks credentials and applies the misbehaviour; resolves
   * to a status when the call must fail, or to what to do after applying it.
   * A write (`keyed`) whose idempotency-key billing already knows takes no
   * misbehaviour: it is answered from the kept answer, and faults are for new work.
   */
  async function admit(
    method: string,
    metadata: grpc.Metadata,
    keyed = false,
  ): Promise<Partial<grpc.StatusObject> | AfterApply | undefined> {
    counter.hit(method);
    recordTraceContext(
      counter,
      method,
      metadata.get('traceparent')[0],
      metadata.get('tracestate')[0],
    );
    if (!authorized(metadata))
      return { code: grpc.status.UNAUTHENTICATED, details: 'billing needs valid credentials' };
    const verdict =
      keyed && handlers.knowsKey(keyOf(metadata))
        ? await misbehaviour.knownKey(method)
        : await misbehaviour.decide(method);
    switch (verdict) {
      case 'ok':
        return undefined;
      case 'fail-after-apply':
      case 'hang-after-apply':
      case 'drop-after-apply':
        return verdict;
      case 'rejected':
        return {
          code: grpc.status.INVALID_ARGUMENT,
          details:
            'billing refused the request (misbehaviour: rejectNext); sending it again will not help',
        };
      case 'error':
        return { code: grpc.status.INTERNAL, details: 'billing failed (misbehaviour)' };
      case 'unavailable':
        return { code: grpc.status.UNAVAILABLE, details: 'billing is unavailable (misbehaviour)' };
      case 'rate-limited': {
        const metadata = new grpc.Metadata();
        metadata.set(
          'grpc-retry-pushback-ms',
          String(Math.round(misbehaviour.current().retryAfterMs)),
        );
        return {
          code: grpc.status.RESOURCE_EXHAUSTED,
          details: 'billing is rate limited (misbehaviour)',
          metadata,
        };
      }
    }
  }

  /** Instead of the answer to an applied call: UNAVAILABLE, silence, or response headers and a cut connection. */
  function misbehaveAfterApply(
    after: AfterApply,
    call: grpc.ServerUnaryCall<Wire, Wire> | grpc.ServerReadableStream<Wire, Wire>,
    callback: grpc.sendUnaryData<Wire>,
  ): void {
    switch (after) {
      case 'fail-after-apply':
        return callback({
          code: grpc.status.UNAVAILABLE,
          details: 'billing is unavailable (misbehaviour)',
        });
      case 'hang-after-apply': {
        const release = (): void =>
          callback({ code: grpc.status.UNAVAILABLE, details: 'billing is shutting down' });
        hanging.add(release);
        call.on('cancelled', () => hanging.delete(release));
        return;
      }
      case 'drop-after-apply':
        return dropConnection(server, call);
    }
  }

  /** A unary RPC; `keyed` for the writes that honour the idempotency-key metadata. */
  const unary =
    (
      method: string,
      run: (request: Wire, call: grpc.ServerUnaryCall<Wire, Wire>) => Wire,
      keyed = false,
    ): grpc.handleUnaryCall<Wire, Wire> =>
    (call, callback) => {
      void admit(method, call.metadata, keyed).then((refusal) => {
        if (typeof refusal === 'object') return callback(refusal);
        let answer: Wire;
        try {
          answer = run(call.request, call);
        } catch (error) {
          return callback(toServiceError(error));
        }
        if (refusal !== undefined) return misbehaveAfterApply(refusal, call, callback);
        callback(null, answer);
      });
    };

  /** A write that honours the call's idempotency-key metadata. */
  const keyedWrite = (
    method: string,
    run: (request: Wire, key: string | undefined) => Wire,
  ): grpc.handleUnaryCall<Wire, Wire> =>
    unary(method, (request, call) => run(request, keyOf(call.metadata)), true);

  const server = new grpc.Server();
  const implementation: grpc.UntypedServiceImplementation = {
    GetPrice: unary('GetPrice', (request) => handlers.GetPrice(request)),
    BatchGetPrices: unary('BatchGetPrices', (request) => handlers.BatchGetPrices(request)),
    CreateInvoice: keyedWrite('CreateInvoice', handlers.CreateInvoice),
    GetInvoice: unary('GetInvoice', (request) => handlers.GetInvoice(request)),
    ListInvoices: unary('ListInvoices', (request) => handlers.ListInvoices(request)),
    FindInvoiceByOrder: unary('FindInvoiceByOrder', (request) =>
      handlers.FindInvoiceByOrder(request),
    ),
    CapturePayment: keyedWrite('CapturePayment', handlers.CapturePayment),
    RefundPayment: keyedWrite('RefundPayment', handlers.RefundPayment),
    VoidInvoice: keyedWrite('VoidInvoice', handlers.VoidInvoice),
    RefundInvoice: keyedWrite('RefundInvoice', handlers.RefundInvoice),
    SetPrice: keyedWrite('SetPrice', handlers.SetPrice),
    Ping: unary('Ping', () => ({})),
    ImportInvoices: ((
      call: grpc.ServerReadableStream<Wire, Wire>,
      callback: grpc.sendUnaryData<Wire>,
    ) => {
      const requests: Wire[] = [];
      call.on('data', (request: Wire) => requests.push(request));
      call.on('end', () => {
        void admit('ImportInvoices', call.metadata).then((refusal) => {
          if (typeof refusal === 'object') return callback(refusal);
          let answer: Wire;
          try {
            answer = handlers.ImportInvoices(requests);
          } catch (error) {
            return callback(toServiceError(error));
          }
          if (refusal !== undefined) return misbehaveAfterApply(refusal, call, callback);
          callback(null, answer);
        });
      });
    }) as grpc.handleClientStreamingCall<Wire, Wire>,
    WatchInvoiceEvents: ((call: grpc.ServerWritableStream<Wire, Wire>) => {
      void admit('WatchInvoiceEvents', call.metadata).then((refusal) => {
        // A stream applies nothing, so the after-apply modes leave it alone.
        if (typeof refusal === 'object')
          return call.destroy(Object.assign(new Error(refusal.details), refusal));
        const only = typeof call.request.invoiceId === 'string' ? call.request.invoiceId : '';
        const watcher = (kind: EventKind, invoice: StoredInvoice): void => {
          if (only !== '' && invoice.id !== only) return;
          sequence += 1n;
          call.write(handlers.eventOf(kind, invoice, sequence));
        };
        watchers.add(watcher);
        // Headers now, not with the first event: the stream is open while it waits for one (a caller's connect timeout stops here).
        call.sendMetadata(new grpc.Metadata());
        const stop = (): void => void watchers.delete(watcher);
        call.on('cancelled', stop);
        call.on('close', stop);
        call.on('error', stop);
      });
    }) as grpc.handleServerStreamingCall<Wire, Wire>,
  };

  server.addService(service, implementation);
  // Reflection is built from a keepCase load so the descriptors it serves carry the contract's own snake_case names.
  addHealthService(server, () => !isDown(misbehaviour.current()));
  new ReflectionService(
    loadSync(BILLING_PROTO, { includeDirs: [PROTO_ROOT], keepCase: true }),
  ).addToServer(server);
  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(
        options.tls.ca === undefined ? null : Buffer.from(options.tls.ca),
        [{ private_key: Buffer.from(options.tls.key), cert_chain: Buffer.from(options.tls.cert) }],
        options.tls.ca !== undefined,
      )
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port ?? 0}`, credentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });

  let closed: Promise<void> | undefined;
  return {
    name: 'billing',
    url: `${host}:${port}`,
    port,
    contract: BILLING_PROTO,
    counter,
    misbehaviour,
    records: () => billingRecords(store),
    close() {
      closed ??= new Promise<void>((resolve) => {
        // Open WatchInvoiceEvents streams never end on their own, so a graceful shutdown is given a short grace and then forced.
        for (const release of hanging) release();
        hanging.clear();
        const timer = setTimeout(() => server.forceShutdown(), SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(timer);
          watchers.clear();
          resolve();
        });
      });
      return closed;
    },
  };
}
