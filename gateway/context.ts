/** What every resolver receives: the request's id, its deadline signal and its loaders. */
import type { Caller } from './auth/index.js';
import type { Loaders } from './loaders.js';
import type { CacheControl, CallNotice, PipelineContext } from './pipeline/index.js';

export interface GatewayContext {
  /** The id in the response's `x-request-id` header and in every log line of the request. */
  readonly requestId: string;
  /** Who is calling (gateway/auth): scopes, limits, the audit trail and logs read it. */
  readonly caller: Caller;
  /** Aborted when the caller goes away or `limits.requestTimeoutMs` passes. */
  readonly signal: AbortSignal;
  /** Aborted only when the caller goes away; subscriptions use it, as they outlive any deadline. */
  readonly requestSignal: AbortSignal;
  /** Milliseconds the deadline allows, for error messages. */
  readonly requestTimeoutMs: number;
  /** When the deadline passes, in ms since the epoch. */
  readonly deadlineAt: number;
  /** The read cache's invalidation, for writes (@invalidates) to drop what they touched; undefined outside a gateway (unit tests). */
  readonly cache?: CacheControl;
  readonly loaders: Loaders;
  /** What every backend call of this request carries into the pipeline; built once per request. */
  readonly outbound: PipelineContext;
  /**
   * False for a field ("Product.price") the caller's scopes do not allow; set by the scopes plugin, undefined
   * where no rule applies. Field resolvers are guarded on their own; this lets look-ahead (prefetch) skip them.
   */
  readonly fieldAllowed?: (coordinate: string) => boolean;
  /** What the pipeline told this request (e.g. a stale answer served); sent in `extensions.notices`. */
  readonly notices: CallNotice[];
}
