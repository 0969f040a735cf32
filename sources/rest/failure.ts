/**
 * A non-2xx REST answer → SourceError. What the backend says to its caller
 * (4xx problem details, RFC 9457) is passed on, cleaned and bounded; what it
 * says about itself (5xx) reaches only the log. The body is read only when it
 * declares JSON, and only its `title`/`detail` (or a plain `message`/`error`)
 * are kept.
 */
import {
  SourceError,
  callerReason,
  classifyHttpStatus,
  logReason,
  parseRetryAfterMs,
  withReason,
  type HttpResponse,
} from '../common/index.js';

/** Bodies larger than this are not searched for a reason, in bytes: a reason is a sentence. */
const MAX_PROBLEM_BYTES = 64 * 1024; // 64 KiB

/** 4xx statuses whose reason concerns the gateway's own credentials, not the caller's request. */
const GATEWAY_CLASS_4XX = new Set([401, 403, 407]);

function header(response: HttpResponse, name: string): string {
  const value = response.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** The backend's reason from a problem+json (or JSON) body, if it gave one. */
export function problemReason(response: HttpResponse): string | undefined {
  if (
    !/\bjson\b/i.test(header(response, 'content-type')) ||
    response.body.length > MAX_PROBLEM_BYTES
  )
    return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const body = parsed as Record<string, unknown>;
  const text = (key: string): string | undefined =>
    typeof body[key] === 'string' && body[key] !== '' ? body[key] : undefined;
  return text('detail') ?? text('title') ?? text('message') ?? text('error');
}

/** The SourceError for a non-2xx answer of `operation`. */
export function httpFailure(
  source: string,
  operation: string,
  response: HttpResponse,
): SourceError {
  const { status } = response;
  const { code, retryable } = classifyHttpStatus(status);
  const raw = problemReason(response);
  const callerClass = status >= 400 && status < 500 && !GATEWAY_CLASS_4XX.has(status);
  const sentence = `${source} answered ${operation} with HTTP ${status}.`;
  const logged = logReason(raw);
  return new SourceError({
    code,
    source,
    operation,
    retryable,
    retryAfterMs: parseRetryAfterMs(response.headers['retry-after']),
    safeMessage: callerClass ? withReason(sentence, callerReason(raw)) : sentence,
    details: { httpStatus: status },
    logDetail: { httpStatus: status, ...(logged === undefined ? {} : { reason: logged }) },
  });
}
