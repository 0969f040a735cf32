/**
 * The deadline of one GraphQL request: a signal that aborts when the caller
 * goes away or `timeoutMs` passes (queries and mutations), and one that aborts
 * only when the caller goes away (subscriptions, which outlive any deadline).
 */
export interface RequestDeadline {
  /** Aborted when the caller goes away or the time is up. */
  readonly signal: AbortSignal;
  /** Aborted only when the caller goes away. */
  readonly callerSignal: AbortSignal;
  /** When the time is up, in ms since the epoch. */
  readonly deadlineAt: number;
  /** The caller went away: aborts both signals. */
  callerGone(): void;
  /** The answer is ready: the timer stops and nothing stays linked. A stream (SSE) then runs until the caller leaves. */
  release(): void;
}

/**
 * Starts the clock. `callerSignal` is the request's own signal when the
 * request has one (a WHATWG Request); without it (node:http) the caller's
 * going away is reported through callerGone().
 * A plain (ref'd) timer rather than AbortSignal.timeout, whose unref'd timer
 * would not fire in a process kept alive by nothing else (embedding, tests);
 * one controller linked by a listener, as AbortSignal.any costs ~25 µs a request on Node 20.
 */
export function startDeadline(timeoutMs: number, callerSignal?: AbortSignal): RequestDeadline {
  const deadline = new AbortController();
  const caller = callerSignal === undefined ? new AbortController() : undefined;
  const deadlineAt = Date.now() + timeoutMs;
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const onCallerGone = (): void => deadline.abort();
  if (callerSignal?.aborted) deadline.abort();
  else callerSignal?.addEventListener('abort', onCallerGone, { once: true });
  return {
    signal: deadline.signal,
    callerSignal: callerSignal ?? (caller as AbortController).signal,
    deadlineAt,
    callerGone() {
      caller?.abort();
      deadline.abort();
    },
    release() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerGone);
    },
  };
}
