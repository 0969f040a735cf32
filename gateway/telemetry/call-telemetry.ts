/**
 * What travels with a call for telemetry (PipelineContext.telemetry): the
 * trace it belongs to and, inside the pipeline, its span and attempts.
 * Undefined when metrics and tracing are both off.
 */
import type { Context, Span } from '@opentelemetry/api';

export interface CallTelemetry {
  /** The OpenTelemetry context spans of this call are children of (a request's, a call's or a journal step's span). */
  readonly parent?: Context;
  /** The call's own span, set by the pipeline's call step; retries are its events. */
  readonly span?: Span;
  /** Attempts made so far (the innermost step counts them, to tell retries). */
  attempts: number;
  /** The code of the last failed attempt, for the retry's event. */
  lastCode?: string;
}
