/** gRPC status codes → SourceError codes: the one place that decides what a backend status means to the gateway. */
import { status as Status, type ServiceError } from '@grpc/grpc-js';
import {
  callerReason,
  logReason,
  SourceError,
  withReason,
  type SourceErrorCode,
} from '../common/index.js';

interface Classification {
  code: SourceErrorCode;
  retryable: boolean;
  /** Completes "<source> ... for <operation>". */
  what: string;
}

const CLASSIFICATION: Readonly<Partial<Record<Status, Classification>>> = {
  [Status.CANCELLED]: { code: 'SOURCE_UNAVAILABLE', retryable: false, what: 'cancelled the call' },
  [Status.UNKNOWN]: {
    code: 'SOURCE_UNAVAILABLE',
    retryable: false,
    what: 'failed with an unknown error',
  },
  [Status.INVALID_ARGUMENT]: {
    code: 'SOURCE_REJECTED',
    retryable: false,
    what: 'rejected the arguments',
  },
  [Status.DEADLINE_EXCEEDED]: {
    code: 'SOURCE_TIMEOUT',
    retryable: true,
    what: 'did not answer in time',
  },
  [Status.NOT_FOUND]: { code: 'SOURCE_NOT_FOUND', retryable: false, what: 'found nothing' },
  [Status.ALREADY_EXISTS]: { code: 'SOURCE_REJECTED', retryable: false, what: 'already has it' },
  [Status.PERMISSION_DENIED]: {
    code: 'SOURCE_UNAUTHENTICATED',
    retryable: false,
    what: 'denied permission',
  },
  [Status.RESOURCE_EXHAUSTED]: {
    code: 'SOURCE_RATE_LIMITED',
    retryable: true,
    what: 'asked us to slow down',
  },
  [Status.FAILED_PRECONDITION]: {
    code: 'SOURCE_REJECTED',
    retryable: false,
    what: 'refused the call in its current state',
  },
  // ABORTED is a concurrency conflict: gRPC's guidance is to retry at a higher level.
  [Status.ABORTED]: { code: 'SOURCE_REJECTED', retryable: true, what: 'aborted the call' },
  [Status.OUT_OF_RANGE]: {
    code: 'SOURCE_REJECTED',
    retryable: false,
    what: 'rejected an out-of-range argument',
  },
  [Status.UNIMPLEMENTED]: {
    code: 'SOURCE_REJECTED',
    retryable: false,
    what: 'does not implement the method',
  },
  [Status.INTERNAL]: { code: 'SOURCE_UNAVAILABLE', retryable: false, what: 'failed internally' },
  [Status.UNAVAILABLE]: { code: 'SOURCE_UNAVAILABLE', retryable: true, what: 'is unavailable' },
  [Status.DATA_LOSS]: { code: 'SOURCE_UNAVAILABLE', retryable: false, what: 'reported data loss' },
  [Status.UNAUTHENTICATED]: {
    code: 'SOURCE_UNAUTHENTICATED',
    retryable: false,
    what: 'refused our credentials',
  },
};

/**
 * Statuses in which the backend tells its caller what was wrong with the
 * request: their message is passed on, cleaned. Every other status (INTERNAL,
 * UNKNOWN, DATA_LOSS, UNAVAILABLE, UNAUTHENTICATED...) is about the backend or
 * the gateway's credentials, and its message reaches only the log.
 */
const CALLER_CLASS: ReadonlySet<Status> = new Set([
  Status.INVALID_ARGUMENT,
  Status.FAILED_PRECONDITION,
  Status.NOT_FOUND,
  Status.ALREADY_EXISTS,
  Status.OUT_OF_RANGE,
  Status.ABORTED,
]);

/** The name of a status code, e.g. "NOT_FOUND"; "UNKNOWN" for numbers gRPC does not define. */
export function statusName(code: number): string {
  const name = Status[code];
  return typeof name === 'string' ? name : 'UNKNOWN';
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}

/**
 * Turns a failed call into a SourceError. The backend's status message
 * (`details`, without grpc-js's "<code> <NAME>: " prefix) reaches the caller,
 * cleaned and bounded, only for caller-class statuses; it always reaches the
 * log, redacted, through `logDetail`.
 */
export function toSourceError(error: unknown, source: string, operation: string): SourceError {
  if (error instanceof SourceError) return error;
  const code = isServiceError(error) ? error.code : Status.UNKNOWN;
  const found =
    CLASSIFICATION[code as Status] ?? (CLASSIFICATION[Status.UNKNOWN] as Classification);
  let retryAfterMs: number | undefined;
  if (isServiceError(error)) {
    // gRPC's retry pushback (gRFC A6): the server says how long to wait, in ms.
    const [pushback] = error.metadata?.get('grpc-retry-pushback-ms') ?? [];
    if (typeof pushback === 'string' && /^\d+$/.test(pushback)) retryAfterMs = Number(pushback);
  }
  const raw =
    isServiceError(error) && typeof error.details === 'string' && error.details !== ''
      ? error.details
      : undefined;
  // grpc-js reports an answer over maxReceiveMessageBytes as RESOURCE_EXHAUSTED too. That is no
  // request to slow down: asking again gets the same answer, so it is a bad response, never retried.
  if (
    code === Status.RESOURCE_EXHAUSTED &&
    raw !== undefined &&
    /message larger than max/i.test(raw)
  ) {
    return new SourceError({
      code: 'SOURCE_BAD_RESPONSE',
      source,
      operation,
      safeMessage: `${source} answered ${operation} with a message larger than the source's maxReceiveMessageBytes.`,
      details: { grpcCode: statusName(code) },
      logDetail: { grpcCode: statusName(code), reason: logReason(raw) ?? '' },
      cause: error,
    });
  }
  const sentence = `${source} ${found.what} for ${operation} (gRPC ${statusName(code)}).`;
  const logged = logReason(raw);
  return new SourceError({
    code: found.code,
    source,
    operation,
    safeMessage: CALLER_CLASS.has(code as Status)
      ? withReason(sentence, callerReason(raw))
      : sentence,
    retryable: found.retryable,
    retryAfterMs,
    details: { grpcCode: statusName(code) },
    logDetail: { grpcCode: statusName(code), ...(logged === undefined ? {} : { reason: logged }) },
    cause: error,
  });
}
