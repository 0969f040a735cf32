/**
 * What a failed step call means for the write. The pipeline has already
 * retried what it may (retry.ts: a write only with a key on a source that
 * honours keys), so what reaches the executor is final for this attempt:
 *
 * - `refused`: the system said no (4xx, a SOAP client fault,
 *   INVALID_ARGUMENT...). It did not apply the step; a retry would be
 *   refused again. The steps before it are undone.
 * - `not-sent`: the gateway's own pipeline refused the call before it left
 *   (circuit open, bulkhead full, rate limit, paused), or the system asked
 *   us to slow down: nothing was applied, but the system is not answering
 *   now. The write goes to the dead-letter queue ("retries ran out").
 * - `unknown`: the request may have been applied (a timeout after sending,
 *   a 5xx, a connection cut mid-answer, an answer we could not read).
 */
import { SourceError } from '../../sources/common/index.js';
import { RefusedCall } from '../pipeline/index.js';
import type { Failure } from './model.js';

export type FailureKind = 'refused' | 'not-sent' | 'unknown';

const REFUSED = new Set([
  'SOURCE_REJECTED',
  'SOURCE_NOT_FOUND',
  'SOURCE_BAD_INPUT',
  'SOURCE_UNAUTHENTICATED',
]);
const NOT_SENT = new Set(['SOURCE_RATE_LIMITED', 'SOURCE_OVERLOADED']);

export function failureKind(error: unknown): FailureKind {
  if (error instanceof RefusedCall) return 'not-sent';
  if (!(error instanceof SourceError)) return 'unknown';
  if (REFUSED.has(error.code)) return 'refused';
  if (NOT_SENT.has(error.code)) return 'not-sent';
  return 'unknown';
}

/** The journal's safe account of a step's failure: the source's code and safe message, never a body or URL. */
export function failureOf(error: unknown, source: string, step: number): Failure {
  if (error instanceof SourceError)
    return { code: error.code, message: error.safeMessage, source, step };
  if (
    error instanceof Error &&
    'code' in error &&
    typeof (error as { code: unknown }).code === 'string' &&
    'safeMessage' in error
  ) {
    return {
      code: (error as { code: string }).code,
      message: String((error as { safeMessage: unknown }).safeMessage),
      source,
      step,
    };
  }
  return {
    code: 'INTERNAL_SERVER_ERROR',
    message: `The call to ${source} failed unexpectedly.`,
    source,
    step,
  };
}
