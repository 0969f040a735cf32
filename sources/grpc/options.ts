import { COMMON_SOURCE_OPTION_KEYS, type CommonSourceOptions } from '../common/index.js';

/** Credentials sent as call metadata on every call. Secrets come from the environment in the config file. */
export type GrpcAuthOptions =
  | { type: 'bearer'; token: string }
  /** e.g. `{ type: 'apiKey', name: 'x-api-key', value: process.env.BILLING_KEY }` */
  | { type: 'apiKey'; name: string; value: string };

/** TLS to the backend; without it the channel is plaintext HTTP/2 (h2c). */
export interface GrpcTlsOptions {
  /** PEM of the certificate authority that signed the server's certificate. @default the system roots */
  ca?: string | Buffer;
  /** PEM client certificate, for mutual TLS (with `key`). */
  cert?: string | Buffer;
  /** PEM private key of `cert`. */
  key?: string | Buffer;
  /** Accept any server certificate. For local testing only. @default false */
  insecure?: boolean;
}

/** Where an RPC appears in the subgraph, when the naming rule guesses wrong. */
export type GrpcOperationKind = 'query' | 'mutation';

export interface GrpcSourceOptions extends Omit<CommonSourceOptions, 'contract'> {
  /**
   * The main .proto file (its imports are found through `includeDirs`).
   * Optional when `reflection` is true: the services are then read from the server.
   */
  contract?: string;
  /** Read the services through gRPC server reflection (v1, then v1alpha) instead of a file. @default false */
  reflection?: boolean;
  /** Folders searched for imports, in order. @default the folder of `contract` and its parents up to the package root */
  includeDirs?: readonly string[];
  /**
   * Folders imports may be read from besides `includeDirs` and the
   * contract's own folder. An absolute import, or one that climbs out of
   * these with `..`, is refused (CONTRACT_LOCATION_REFUSED). @default []
   */
  contractAllow?: readonly string[];
  /** Deadline of one call, in ms; wins over `timeoutMs`. @default 10000 */
  deadlineMs?: number;
  /** Metadata sent with every call, e.g. `{ 'x-tenant': 'eu' }`. */
  metadata?: Readonly<Record<string, string>>;
  auth?: GrpcAuthOptions;
  tls?: GrpcTlsOptions;
  /**
   * Query or mutation per RPC, by method name (`CapturePayment`) or full name
   * (`billing.v1.BillingService.CapturePayment`); wins over the naming rule.
   */
  operationKinds?: Readonly<Record<string, GrpcOperationKind>>;
  /** Method name prefixes that make a unary RPC a query. @default ['Get', 'List', 'Batch', 'Search', 'Lookup'] */
  queryPrefixes?: readonly string[];
  /** Largest message accepted from the backend, in bytes. @default 4194304 (4 MiB) */
  maxReceiveMessageBytes?: number;
}

/** Every key of GrpcSourceOptions: an unknown key is CONFIG_INVALID with a suggestion. */
export const GRPC_OPTION_KEYS = Object.freeze([
  ...COMMON_SOURCE_OPTION_KEYS,
  'reflection',
  'includeDirs',
  'deadlineMs',
  'metadata',
  'auth',
  'tls',
  'operationKinds',
  'queryPrefixes',
  'maxReceiveMessageBytes',
  'contractAllow',
] as const satisfies ReadonlyArray<keyof GrpcSourceOptions>);
const grpcKeysComplete: Exclude<
  keyof GrpcSourceOptions,
  (typeof GRPC_OPTION_KEYS)[number]
> extends never
  ? true
  : never = true;
void grpcKeysComplete;

export const GRPC_DEFAULTS = Object.freeze({
  deadlineMs: 10_000,
  queryPrefixes: Object.freeze(['Get', 'List', 'Batch', 'Search', 'Lookup']),
  maxReceiveMessageBytes: 4 * 1024 * 1024, // 4 MiB, gRPC's own default
  /** Health probes give up after this long, in ms, whatever the call deadline. */
  healthTimeoutMs: 2_000,
});
