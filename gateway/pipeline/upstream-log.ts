/**
 * One structured log line per failed attempt at a backend: source, operation,
 * code, the upstream status and the backend's own reason. The one place
 * upstream failures are logged; sources never log. Innermost (next to
 * dispatch) so each attempt a retry makes is its own line.
 *
 * What is written comes from `SourceError.logDetail`, which each source has
 * already redacted of secrets (sources/common/reason.ts), plus the request's
 * id for correlation. Headers, envelopes and bodies are never logged.
 */
import { SourceError, logReason } from '../../sources/common/index.js';
import type { Logger } from '../logger.js';
import type { Call } from './call.js';
import type { StepFactory } from './step.js';

/** Codes that are the caller's business (the backend refused the request): logged at info, not warn. */
const CALLER_CODES = new Set(['SOURCE_REJECTED', 'SOURCE_NOT_FOUND']);

/** The cause's code and a redacted message, for failures that never reached the backend's answer (refused connection, reset). */
function causeOf(error: SourceError): Record<string, unknown> {
  const { cause } = error;
  if (!(cause instanceof Error)) return {};
  const code = (cause as { code?: unknown }).code;
  return {
    cause: {
      name: cause.name,
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      message: logReason(cause.message, 500),
    },
  };
}

/** `status` (HTTP status or gRPC code) and `reason` (a problem's detail, a fault's faultstring, a status message): already redacted by the source. */
function statusAndReason(detail: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const status = detail.httpStatus ?? detail.grpcCode;
  const reason = detail.reason ?? detail.faultstring;
  return {
    ...(status === undefined ? {} : { status }),
    ...(reason === undefined ? {} : { reason }),
  };
}

export function logUpstreamFailure(
  logger: Logger,
  call: Pick<Call, 'source' | 'ctx'> & { readonly operation: { readonly name: string } },
  error: SourceError,
  keys?: number,
): void {
  // Refused before any call was made: the caller's arguments, not the backend.
  if (error.code === 'SOURCE_BAD_INPUT') return;
  const fields = {
    requestId: call.ctx.requestId,
    source: error.source,
    operation: error.operation,
    ...(error.operation === call.operation.name ? {} : { calledAs: call.operation.name }),
    code: error.code,
    ...error.details,
    ...error.logDetail,
    // The same two names for every protocol, so one log query finds every backend's status and reason.
    ...statusAndReason(error.logDetail),
    ...(keys === undefined ? {} : { keys }),
    ...(error.retryable ? { retryable: true } : {}),
    ...causeOf(error),
  };
  (CALLER_CODES.has(error.code) ? logger.info : logger.warn)(
    `${error.source} ${error.operation} failed: ${error.code}`,
    fields,
  );
}

export const createUpstreamLogStep: StepFactory = ({ logger }) => ({
  name: 'upstream-log',
  invoke: (next) => async (call) => {
    let answer: unknown;
    try {
      answer = await next(call);
    } catch (error) {
      if (error instanceof SourceError)
        logUpstreamFailure(
          logger,
          call,
          error,
          call.kind === 'batch' ? call.keys.length : undefined,
        );
      throw error;
    }
    if (call.kind === 'batch' && Array.isArray(answer)) {
      // A key the backend left out is a NOT_FOUND at its place: one line per batch, not per key.
      const failed = answer.filter((value): value is SourceError => value instanceof SourceError);
      const notFound = failed.filter((value) => value.code === 'SOURCE_NOT_FOUND').length;
      for (const error of failed)
        if (error.code !== 'SOURCE_NOT_FOUND') logUpstreamFailure(logger, call, error);
      if (notFound > 0)
        logger.info(`${call.source} ${call.operation.name} left keys out of a batch answer`, {
          requestId: call.ctx.requestId,
          source: call.source,
          operation: call.operation.name,
          code: 'SOURCE_NOT_FOUND',
          missing: notFound,
          keys: call.keys.length,
        });
    }
    return answer;
  },
  subscribe: (next) => (call) => {
    const stream = next(call);
    return {
      [Symbol.asyncIterator]() {
        const inner = stream[Symbol.asyncIterator]();
        return {
          async next() {
            try {
              return await inner.next();
            } catch (error) {
              if (error instanceof SourceError) logUpstreamFailure(logger, call, error);
              throw error;
            }
          },
          async return(value?: unknown) {
            return (await inner.return?.(value)) ?? { done: true, value: undefined };
          },
        };
      },
    };
  },
});
