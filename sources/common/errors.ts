/**
 * Typed errors shared by every source kind.
 *
 * `code` is the API: callers and tests match on it. `safeMessage` is what a
 * caller may read (it never holds a URL, a credential, a stack or a backend
 * body). `cause` is for the logs only and never reaches a response.
 */

/** Every error Switchboard raises on purpose carries a stable code. */
export abstract class SwitchboardError extends Error {
  abstract readonly code: string;
  /** A sentence the caller may read: no URLs, credentials, stacks or backend bodies. */
  readonly safeMessage: string;

  constructor(safeMessage: string, options?: { cause?: unknown }) {
    super(safeMessage, options);
    this.safeMessage = safeMessage;
    this.name = new.target.name;
  }
}

export type SourceErrorCode =
  /** The backend did not answer within the configured time. */
  | 'SOURCE_TIMEOUT'
  /** The backend could not be reached, or answered 5xx / UNAVAILABLE. */
  | 'SOURCE_UNAVAILABLE'
  /** The backend refused the call (4xx, SOAP client fault, INVALID_ARGUMENT...). */
  | 'SOURCE_REJECTED'
  /** The backend said the thing asked for does not exist. */
  | 'SOURCE_NOT_FOUND'
  /** The backend refused our credentials. */
  | 'SOURCE_UNAUTHENTICATED'
  /** The backend asked us to slow down (429, RESOURCE_EXHAUSTED...). */
  | 'SOURCE_RATE_LIMITED'
  /** The backend answered something that does not match its contract. */
  | 'SOURCE_BAD_RESPONSE'
  /** A batch call broke the DataLoader contract (wrong length or order). */
  | 'SOURCE_BATCH_CONTRACT'
  /** The caller's arguments cannot be turned into a valid backend call. */
  | 'SOURCE_BAD_INPUT'
  /** The gateway's own cap of calls in flight to the source (its bulkhead) and the queue behind it are full. */
  | 'SOURCE_OVERLOADED';

/** Every SourceErrorCode at run time, for docs checks and exhaustive tests. */
export const SOURCE_ERROR_CODES = Object.freeze([
  'SOURCE_TIMEOUT',
  'SOURCE_UNAVAILABLE',
  'SOURCE_REJECTED',
  'SOURCE_NOT_FOUND',
  'SOURCE_UNAUTHENTICATED',
  'SOURCE_RATE_LIMITED',
  'SOURCE_BAD_RESPONSE',
  'SOURCE_BATCH_CONTRACT',
  'SOURCE_BAD_INPUT',
  'SOURCE_OVERLOADED',
] as const satisfies readonly SourceErrorCode[]);
// Fails to compile when a code is added to the union but not to the list.
const sourceCodesComplete: Exclude<
  SourceErrorCode,
  (typeof SOURCE_ERROR_CODES)[number]
> extends never
  ? true
  : never = true;
void sourceCodesComplete;

/** Extra facts a caller may see in `extensions` (status codes, fault codes). */
export type SafeDetails = Readonly<Record<string, string | number | boolean | null>>;

export interface SourceErrorInit {
  code: SourceErrorCode;
  /** The source's configured name, e.g. "erp". */
  source: string;
  /** The operation's GraphQL name, e.g. "getItem". */
  operation: string;
  safeMessage: string;
  /** May the pipeline retry the call (for idempotent operations)? @default false */
  retryable?: boolean;
  /** How long the backend asked us to wait before trying again, in ms. */
  retryAfterMs?: number;
  /** Protocol facts safe to show: `httpStatus`, `faultcode`, `grpcCode`... */
  details?: SafeDetails;
  /**
   * What the gateway's log needs to explain the failure: the backend's own
   * reason in full (a server fault's faultstring, a 5xx problem's detail),
   * already redacted of secrets by the source (sources/common/reason.ts
   * `logReason`). Never reaches a response.
   */
  logDetail?: SafeDetails;
  cause?: unknown;
}

/** A failed call to a backend. Every failure that leaves a source is one of these. */
export class SourceError extends SwitchboardError {
  readonly code: SourceErrorCode;
  readonly source: string;
  readonly operation: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: SafeDetails;
  /** For the log only (see SourceErrorInit.logDetail); `toGraphQLError` never reads it. */
  readonly logDetail: SafeDetails;

  constructor(init: SourceErrorInit) {
    super(init.safeMessage, { cause: init.cause });
    this.code = init.code;
    this.source = init.source;
    this.operation = init.operation;
    this.retryable = init.retryable ?? false;
    this.retryAfterMs = init.retryAfterMs;
    this.details = init.details ?? {};
    this.logDetail = init.logDetail ?? {};
  }
}

export type ContractErrorCode =
  /** The contract could not be read at all (missing file, bad URL, not JSON/YAML/XML). */
  | 'CONTRACT_UNREADABLE'
  /** The contract was read but is not a document of the expected kind. */
  | 'CONTRACT_INVALID'
  /** The contract names a document at a location it may not load from (another origin or folder, link-local, metadata, file: from a remote document). */
  | 'CONTRACT_LOCATION_REFUSED';

/** Every ContractErrorCode at run time, for docs checks and exhaustive tests. */
export const CONTRACT_ERROR_CODES = Object.freeze([
  'CONTRACT_UNREADABLE',
  'CONTRACT_INVALID',
  'CONTRACT_LOCATION_REFUSED',
] as const satisfies readonly ContractErrorCode[]);
const contractCodesComplete: Exclude<
  ContractErrorCode,
  (typeof CONTRACT_ERROR_CODES)[number]
> extends never
  ? true
  : never = true;
void contractCodesComplete;

/** A backend contract (OpenAPI, WSDL, .proto) that cannot be turned into a subgraph. */
export class ContractError extends SwitchboardError {
  readonly code: ContractErrorCode;
  readonly source: string;
  /** Where in the contract the problem is: a file, a JSON pointer, a line. */
  readonly location: string | undefined;

  constructor(init: {
    code: ContractErrorCode;
    source: string;
    safeMessage: string;
    location?: string;
    cause?: unknown;
  }) {
    super(init.safeMessage, { cause: init.cause });
    this.code = init.code;
    this.source = init.source;
    this.location = init.location;
  }
}

/**
 * A source's options are wrong: an unknown key (a typo such as `bacth`), a
 * value of the wrong type. Code `CONFIG_INVALID`, like the gateway's own
 * config errors, with the option's path and a suggestion.
 */
export class SourceConfigError extends SwitchboardError {
  readonly code = 'CONFIG_INVALID' as const;
  readonly source: string;
  /** The option's path within the source's options, e.g. "batch.getPrice.itemKey". */
  readonly path: string;

  constructor(init: { source: string; path: string; safeMessage: string }) {
    super(init.safeMessage);
    this.source = init.source;
    this.path = init.path;
  }
}

/** A part of a contract that was left out of the subgraph, and why. The rest still works. */
export interface SourceWarning {
  /** Where: a JSON pointer (`#/paths/~1pets/get`), a WSDL operation, a proto RPC. */
  readonly path: string;
  readonly message: string;
}

export function isSourceError(value: unknown): value is SourceError {
  return value instanceof SourceError;
}
