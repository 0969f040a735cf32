import type { DocumentNode } from 'graphql';
import type { SourceWarning } from './errors.js';

/** The protocol family of a source. The gateway never branches on it. */
export type SourceKind = 'rest' | 'soap' | 'grpc';

/** Where an operation appears in the subgraph. */
export type OperationKind = 'query' | 'mutation' | 'subscription';

/**
 * Arguments of one call, shaped as the subgraph's GraphQL arguments: field
 * names, enum values and input objects as in `typeDefs`, never the wire shape.
 */
export type Args = Readonly<Record<string, unknown>>;

/** What travels with one call from the gateway to a source. */
export interface CallContext {
  /** Aborted when the caller goes away or the gateway's deadline passes. */
  readonly signal?: AbortSignal;
  /** The gateway's id for the request, forwarded for correlation in backend logs. */
  readonly requestId?: string;
  /**
   * Sent to backends that honour one (REST `Idempotency-Key`, a SOAP header,
   * gRPC metadata), so a retried write is applied once.
   */
  readonly idempotencyKey?: string;
  /**
   * The most this call may take, in ms, set by the gateway's pipeline (the
   * operation's timeout bounded by what is left of the request's deadline).
   * A source applies the smaller of this and its own `timeoutMs`.
   */
  readonly timeoutMs?: number;
  /**
   * Set by the gateway's read cache on reads it may store. A source whose
   * protocol has caching headers (REST) sends `validators` and reports each
   * answer to `onResponse`; the others ignore it. Undefined: nothing to do.
   */
  readonly exchange?: CallExchange;
  /**
   * Streams only (`subscribe`): called once when the backend accepted the
   * stream (gRPC response headers; for a protocol without them, the first
   * message), before any message may arrive. The pipeline's connect timeout
   * stops counting then, so a quiet stream is not mistaken for a dead one.
   */
  readonly onStreamOpen?: () => void;
  /**
   * Trace context to send with the call (W3C `traceparent`, and
   * `tracestate` when set), lower-case names: REST and SOAP send them as
   * HTTP headers, gRPC as metadata, so the backend's work joins the
   * gateway's trace. Set by the gateway's tracing; undefined when it is off.
   */
  readonly propagation?: Readonly<Record<string, string>>;
}

/**
 * How the read cache takes part in one call, protocol-neutrally: the
 * conditional headers to send, and a look at the answer's status and
 * headers. Credentials never appear in it.
 */
export interface CallExchange {
  /**
   * Conditional request headers, lower-case (`if-none-match`,
   * `if-modified-since`), sent only for the single call of a cached entry.
   * When the backend answers "not modified" (HTTP 304), `invoke` resolves to
   * NOT_MODIFIED instead of a value: the cached copy is current.
   */
  readonly validators?: Readonly<Record<string, string>>;
  /** Called once per successful (2xx) or "not modified" answer, before its body is read. */
  onResponse(response: ExchangeResponse): void;
}

/** What a source tells the cache about one answer. */
export interface ExchangeResponse {
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * The request as sent, without credentials: method, path and query (no
   * origin), and the headers that are not credentials. `authenticated` says
   * whether credentials went with it (HTTP caches treat those answers apart).
   */
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly authenticated: boolean;
  };
}

/**
 * What `Operation.invoke` resolves to when the call carried
 * `exchange.validators` and the backend said the cached copy is current
 * (HTTP 304). A registered symbol, so every copy of this module agrees.
 */
export const NOT_MODIFIED: unique symbol = Symbol.for('switchboard.notModified');

/** The answer of `Source.health()`. */
export interface SourceHealth {
  /** Did the backend answer at all? */
  readonly ok: boolean;
  /** Round trip of the probe, in ms. */
  readonly latencyMs: number;
  /** A safe sentence on what went wrong, when `ok` is false. */
  readonly message?: string;
}

/**
 * Answers many keys in one backend call, under the DataLoader contract:
 * the result has the length and the order of `keys`; the place of a key that
 * failed holds an `Error`, and the place of a key the backend's answer left
 * out holds a SourceError SOURCE_NOT_FOUND (never an empty value that would
 * read as data). A call that fails as a whole rejects.
 */
export interface OperationBatch {
  /** The argument of the single operation that varies per key, e.g. "sku". */
  readonly key: string;
  /** Most keys one `invokeMany` may be given; callers split larger batches. Undefined: no limit. */
  readonly maxKeys?: number;
  /**
   * @param keys the values of `key`, already deduplicated by the caller
   * @param args the other arguments, the same for every key of the batch
   */
  invokeMany(keys: readonly unknown[], ctx: CallContext, args?: Args): Promise<Array<unknown>>;
}

/** One backend operation, exposed as one field of the subgraph. */
export interface Operation {
  /** The field name in the subgraph: stable across builds, valid GraphQL. */
  readonly name: string;
  readonly kind: OperationKind;
  /** May the call be retried blindly? Always explicit: GET/Get* yes, writes no. */
  readonly idempotent: boolean;
  /** From the contract's own documentation, when it has some. */
  readonly description?: string;
  /**
   * Calls the backend once. Resolves to a value in the subgraph's shape
   * (field names, enum values, `__typename` on union members as in `typeDefs`).
   * Rejects only with a `SourceError`.
   */
  invoke(args: Args, ctx: CallContext): Promise<unknown>;
  /** For `kind: 'subscription'`: a stream of values in the subgraph's shape. */
  subscribe?(args: Args, ctx: CallContext): AsyncIterable<unknown>;
  /** Present when the backend can answer many keys in one call. */
  readonly batch?: OperationBatch;
}

/**
 * A backend plus its contract. Every kind of source (rest, soap, grpc)
 * produces this shape, so the gateway never knows the protocol.
 */
export interface Source {
  /** The configured name, e.g. "storefront". Valid GraphQL, camelCase. */
  readonly name: string;
  readonly kind: SourceKind;
  /**
   * Where the backend is, as configured or as the contract names it, for the
   * operator's eyes (`switchboard start` prints it). Never sent to a caller.
   */
  readonly url?: string;
  /**
   * The subgraph derived from the contract: a `Query` type with one field per
   * query operation, `Mutation` and `Subscription` when there are any, and the
   * types they use. Custom scalars come from `sources/common/scalars.ts`.
   */
  readonly typeDefs: DocumentNode;
  /** By GraphQL field name. */
  readonly operations: ReadonlyMap<string, Operation>;
  /** Parts of the contract that were left out, and why. */
  readonly warnings: readonly SourceWarning[];
  /** Probes the backend; never rejects. */
  health(): Promise<SourceHealth>;
  /** Releases connections and timers. Safe to call more than once. */
  close(): Promise<void>;
}
