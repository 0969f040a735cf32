import type { BatchDeclaration } from './batch.js';

/** Options every source factory takes. Each kind extends these with its own. */
export interface CommonSourceOptions {
  /** The source's name in the gateway: camelCase, valid GraphQL, e.g. "storefront". */
  name: string;
  /**
   * The backend's contract: a file path (relative to the working directory)
   * or an http(s) URL. OpenAPI/Swagger for REST, WSDL for SOAP, .proto for gRPC.
   */
  contract: string;
  /**
   * Where the backend listens. REST and SOAP: a base URL; gRPC: "host:port".
   * @default the address the contract names (OpenAPI `servers`, WSDL `soap:address`)
   */
  url?: string;
  /** Deadline of one backend call, in ms. @default 10000 */
  timeoutMs?: number;
  /** Operations that can answer many keys at once, by operation name. */
  batch?: Readonly<Record<string, BatchDeclaration>>;
}

/** Every key of CommonSourceOptions, for checkSourceOptions. */
export const COMMON_SOURCE_OPTION_KEYS = Object.freeze([
  'name',
  'contract',
  'url',
  'timeoutMs',
  'batch',
] as const satisfies ReadonlyArray<keyof CommonSourceOptions>);
const commonKeysComplete: Exclude<
  keyof CommonSourceOptions,
  (typeof COMMON_SOURCE_OPTION_KEYS)[number]
> extends never
  ? true
  : never = true;
void commonKeysComplete;
