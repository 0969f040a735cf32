/** What every resolver receives: the request's id, its deadline signal and its loaders. */
import type { Caller } from './auth/index.js';
import type { Loaders } from './loaders.js';
import type { CacheControl, CallNotice, PipelineContext } from './pipeline/index.js';
import type { WriteReport } from './writes/answer.js';
import type { WriteService } from './writes/service.js';

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
  /** The write service (gateway/writes): undefined when the gateway has no journal (no write mutations). */
  readonly writes?: WriteService;
  /** The caller's `Idempotency-Key` header, when it sent one. */
  readonly idempotencyKey?: string;
  /** What this request's writes did; sent in `extensions.write`. */
  readonly writeReports?: WriteReport[];
}
