import { setMaxListeners } from 'node:events';

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
  // Every backend call of the request listens to this one signal while in
  // flight (transports cancel on it): a page of 50 products whose prices have
  // no batch endpoint holds 50 listeners at once. Not a leak (each call
  // removes its own), so Node's warning past 10, one stderr line per such
  // request, is turned off for this signal.
  setMaxListeners(0, deadline.signal);
  // Without the request's own signal, the caller's is made on first use: only
  // subscriptions read it, and an AbortController costs ~10 µs on Node 20
  // (issue 15: one fewer per query).
  let caller: AbortController | undefined;
  let gone = false;
  const deadlineAt = Date.now() + timeoutMs;
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const onCallerGone = (): void => deadline.abort();
  if (callerSignal?.aborted) deadline.abort();
  else callerSignal?.addEventListener('abort', onCallerGone, { once: true });
  return {
    signal: deadline.signal,
    get callerSignal() {
      if (callerSignal !== undefined) return callerSignal;
      if (caller === undefined) {
        caller = new AbortController();
        if (gone) caller.abort();
      }
      return caller.signal;
    },
    deadlineAt,
    callerGone() {
      gone = true;
      caller?.abort();
      deadline.abort();
    },
    release() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerGone);
    },
  };
}
