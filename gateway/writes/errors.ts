/**
 * The journal's coded errors. `IDEMPOTENCY_KEY_*` reach callers (with the
 * HTTP status the issue names); `WRITE_*` are mostly for the executor and
 * the operator's commands. Messages are safe: they name the write or the
 * key's state, never an input value, a connection string or SQL.
 */
import { SwitchboardError, type SafeDetails } from '../../sources/common/index.js';

/** Every WriteErrorCode at run time; docs/errors.md is checked against it. */
export const WRITE_ERROR_CODES = Object.freeze([
  'WRITE_NOT_FOUND',
  'WRITE_RECORD_INVALID',
  'WRITE_TRANSITION_INVALID',
  'WRITE_STEP_TRANSITION_INVALID',
  'WRITE_NOT_CLAIMED',
  'WRITE_JOURNAL_UNAVAILABLE',
  'WRITE_JOURNAL_TOO_NEW',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_USE',
  'IDEMPOTENCY_KEY_INVALID',
  'WRITE_FAILED',
  'WRITE_INCOMPLETE',
  'WRITE_NOT_AVAILABLE',
  // The operator's commands and admin API (operator.ts).
  'WRITE_QUERY_INVALID',
  'WRITE_NOT_DEAD_LETTERED',
  'WRITE_REASON_REQUIRED',
  'WRITE_REPLAY_UNAVAILABLE',
] as const);

export type WriteErrorCode = (typeof WRITE_ERROR_CODES)[number];

/** The HTTP status a caller-facing code maps to, for the executor's answer. */
export const WRITE_ERROR_HTTP_STATUS: Readonly<Partial<Record<WriteErrorCode, number>>> =
  Object.freeze({
    IDEMPOTENCY_KEY_REUSED: 422,
    IDEMPOTENCY_KEY_IN_USE: 409,
    IDEMPOTENCY_KEY_INVALID: 400,
    WRITE_NOT_AVAILABLE: 503,
  });

/** A journal refusal or failure. `details` holds ids and states only. */
export class WriteError extends SwitchboardError {
  readonly code: WriteErrorCode;
  readonly details: SafeDetails;

  constructor(init: {
    code: WriteErrorCode;
    safeMessage: string;
    details?: SafeDetails;
    cause?: unknown;
  }) {
    super(init.safeMessage, { cause: init.cause });
    this.code = init.code;
    this.details = init.details ?? {};
  }
}

export function isWriteError(value: unknown): value is WriteError {
  return value instanceof WriteError;
}

/** Database failures leave the adapters as this code; the driver's error is the `cause`. */
export function journalUnavailable(engine: string, cause: unknown): WriteError {
  return new WriteError({
    code: 'WRITE_JOURNAL_UNAVAILABLE',
    safeMessage: `The write journal (${engine}) could not be read or written.`,
    details: { engine },
    cause,
  });
}

export function writeNotFound(writeId: string): WriteError {
  const shown = writeId.length > 80 ? `${writeId.slice(0, 80)}…` : writeId;
  return new WriteError({
    code: 'WRITE_NOT_FOUND',
    safeMessage: `No write with id "${shown}" is in the journal.`,
    details: { writeId: shown },
  });
}
