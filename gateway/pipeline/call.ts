/**
 * One outbound call as the pipeline sees it, and the shapes of a step.
 *
 * Every call from the gateway to a system of record is one of these: a
 * single call (`operation.invoke`), a batch (`operation.batch.invokeMany`,
 * one backend call for many keys) or the opening of a subscription's stream.
 * Steps wrap the next step, as undici's interceptors wrap the next dispatch.
 */
import type { Args, CallContext, Operation } from '../../sources/common/index.js';
import type { CallTelemetry } from '../telemetry/call-telemetry.js';

/** Every notice code, for docs checks (docs/errors.md, "Notices"). A retired code is never reused. */
export const NOTICE_CODES = Object.freeze([
  /** The read cache served a stale answer because the source failed (stale-if-error). */
  'CACHE_STALE',
] as const);

export type NoticeCode = (typeof NOTICE_CODES)[number];

/** Something the pipeline did that the caller should hear of, e.g. a stale answer served. */
export interface CallNotice {
  /** Stable, UPPER_SNAKE: matched on by callers, like error codes (docs/errors.md lists them). */
  readonly code: NoticeCode;
  readonly source: string;
  readonly operation: string;
  /** A safe sentence: no URL, credential or backend body. */
  readonly message: string;
  /** Safe facts, e.g. `{ ageMs: 4200 }`. */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/** What travels with a call through the pipeline: the source's CallContext plus the request's facts. */
export interface PipelineContext extends CallContext {
  /**
   * When the request must be answered by, in ms since the epoch (Date.now()).
   * Undefined for calls that belong to no request (subscriptions, replays).
   */
  readonly deadlineAt?: number;
  /** Tells the request about something the pipeline did (its answer's `extensions.notices`). */
  readonly notify?: (notice: CallNotice) => void;
  /**
   * Who the backend call is made as, when a source calls with per-caller
   * credentials (partner access). Undefined today: every source calls with
   * the gateway's own credentials, so an answer cannot depend on who asks
   * and the read cache shares it between callers (docs/cache.md).
   */
  readonly caller?: string;
  /** The call's trace and attempts (gateway/telemetry); undefined when metrics and tracing are off. */
  readonly telemetry?: CallTelemetry;
  /**
   * Skip the read cache: a write's read step (`@step(read: true)`) must see
   * the system as it is now, since later steps (and their undos) are built
   * from the answer.
   */
  readonly fresh?: boolean;
}

/**
 * What a call's answer is about, for the cache: the `@entity` type whose key
 * the call's key argument holds (for a batch, each key). The cache tags the
 * answer `${type}:${key}` so a write can drop everything about that entity.
 */
export interface CallEntity {
  readonly type: string;
  /** The argument of the operation (for a batch, the batch key) that holds the entity's key. */
  readonly argument: string;
}

interface CallBase {
  /** The source's configured name, e.g. "erp". */
  readonly source: string;
  /** The operation called; for a batch, the single operation whose `batch` answers many keys. */
  readonly operation: Operation;
  readonly ctx: PipelineContext;
  readonly entity?: CallEntity;
}

/** One call of `operation.invoke(args)`. */
export interface SingleCall extends CallBase {
  readonly kind: 'single';
  readonly args: Args;
}

/**
 * Many keys of one operation in one backend call. Resolves to an array in the
 * order and length of `keys` (the DataLoader contract): an `Error` in the
 * place of a key that failed, `null` for a key the backend does not know.
 */
export interface BatchCall extends CallBase {
  readonly kind: 'batch';
  /** Deduplicated keys, at most `operation.batch.maxKeys`. */
  readonly keys: readonly unknown[];
  /** The other arguments, the same for every key. */
  readonly args: Args;
  /** The key argument is list-typed in the operation: a batch of one sends `[key]` to the single operation. */
  readonly keyIsList: boolean;
}

export type Call = SingleCall | BatchCall;

/** The opening of a subscription's stream. */
export interface StreamCall extends CallBase {
  readonly kind: 'stream';
  readonly args: Args;
}

/** Runs a call: resolves to the answer (an array for a batch), rejects with a SourceError. */
export type Invoke = (call: Call) => Promise<unknown>;

/** Opens a stream; values and failures arrive through the iterable. */
export type Subscribe = (call: StreamCall) => AsyncIterable<unknown>;
