/**
 * Calls the pipeline refused without reaching the backend: the circuit is
 * open, the source is paused after a rate-limit answer, its outbound
 * allowance is spent, its bulkhead is full, or no time is left of the request. They are SourceErrors like any
 * other (callers match on `code` and `details.reason`), of a subclass so that
 * a step can tell the gateway's own refusal from the backend's answer: a
 * SOURCE_RATE_LIMITED the gateway raised must not pause the source again.
 */
import { SourceError, type SourceErrorCode } from '../../sources/common/index.js';
import type { Call, StreamCall } from './call.js';

/** Why the pipeline refused a call; `details.reason` of the error. */
export type RefusalReason =
  | 'circuit open'
  | 'source paused'
  | 'outbound rate limit'
  | 'bulkhead full'
  | 'deadline spent'
  | 'cancelled';

export class RefusedCall extends SourceError {}

export function refuse(
  call: Call | StreamCall,
  init: {
    code: SourceErrorCode;
    reason: RefusalReason;
    safeMessage: string;
    retryAfterMs?: number;
  },
): RefusedCall {
  return new RefusedCall({
    code: init.code,
    source: call.source,
    operation: call.operation.name,
    safeMessage: init.safeMessage,
    // Never retried: a retry would meet the same refusal, and a caller-gone call has no one to answer.
    retryable: false,
    ...(init.retryAfterMs === undefined ? {} : { retryAfterMs: Math.ceil(init.retryAfterMs) }),
    details: { reason: init.reason },
  });
}

/** The caller went away (or the request's deadline passed) while the call waited in the pipeline. */
export function cancelled(call: Call | StreamCall): RefusedCall {
  return refuse(call, {
    code: 'SOURCE_UNAVAILABLE',
    reason: 'cancelled',
    safeMessage: `The call to ${call.source} was cancelled.`,
  });
}
