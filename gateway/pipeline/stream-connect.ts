/**
 * The connect phase of a subscription's stream, for the steps that have a
 * say in it (timeout, breaker). A stream is "connecting" from the moment it
 * is started (its iterator is created: the backend call goes out) until the
 * backend accepts it (`CallContext.onStreamOpen`: gRPC response headers) or
 * its first event arrives (a message, its end, or a failure), whichever
 * comes first. After that a quiet stream is a healthy one: events may be
 * minutes apart, so nothing here times the stream's life.
 *
 * Hand-written: cockatiel's policies wrap a function's promise, and a
 * stream's connect is not one; this turns it into one.
 */
import type { StreamCall, Subscribe } from './call.js';

/** How the connect phase of one stream ended. */
export type ConnectOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: unknown }
  | { readonly ok: false; readonly abandoned: true };

export interface ConnectWatch {
  /** Called once when the stream starts connecting; `outcome` settles when the connect phase ends. */
  started(outcome: Promise<ConnectOutcome>): void;
  /**
   * Optional: fails the connect phase after `ms` (the stream is returned,
   * which ends the call at the backend, and the pending and next `next()`
   * reject with `error()`).
   */
  readonly timeout?: { readonly ms: number; error(): unknown };
}

/** `next(call)`'s stream, with its connect phase watched by `watch`. */
export function watchConnect(
  call: StreamCall,
  next: Subscribe,
  watch: ConnectWatch,
): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]() {
      let connecting = true;
      let failedWith: { error: unknown } | undefined;
      let settle!: (outcome: ConnectOutcome) => void;
      const outcome = new Promise<ConnectOutcome>((resolve) => (settle = resolve));
      // Declared before `connected`, which clears it; assigned once the stream is asked for.
      // eslint-disable-next-line prefer-const
      let timer: NodeJS.Timeout | undefined;
      /** Ends the connect phase once. */
      const connected = (result: ConnectOutcome): void => {
        if (!connecting) return;
        connecting = false;
        if (timer !== undefined) clearTimeout(timer);
        settle(result);
      };
      let failPending: ((error: unknown) => void) | undefined;
      const outer = call.ctx.onStreamOpen;
      const inner = next({
        ...call,
        ctx: {
          ...call.ctx,
          onStreamOpen: () => {
            connected({ ok: true });
            outer?.();
          },
        },
      })[Symbol.asyncIterator]();
      timer =
        watch.timeout === undefined
          ? undefined
          : setTimeout(() => {
              if (!connecting) return;
              const error = (watch.timeout as NonNullable<ConnectWatch['timeout']>).error();
              failedWith = { error };
              connected({ ok: false, error });
              // Ends the call at the backend (gRPC: cancelled); what it answers after is dropped.
              void Promise.resolve(inner.return?.()).catch(() => undefined);
              failPending?.(error);
            }, watch.timeout.ms);
      watch.started(outcome);
      return {
        next(): Promise<IteratorResult<unknown>> {
          if (failedWith !== undefined) {
            // The caller hears the connect failure once; the stream is over after it.
            const { error } = failedWith;
            failedWith = { error: undefined };
            return error === undefined
              ? Promise.resolve({ done: true, value: undefined })
              : Promise.reject(error);
          }
          if (!connecting) return inner.next();
          return new Promise<IteratorResult<unknown>>((resolve, reject) => {
            failPending = (error) => {
              failedWith = { error: undefined };
              reject(error);
            };
            inner.next().then(
              (step) => {
                connected({ ok: true });
                resolve(step);
              },
              (error: unknown) => {
                connected({ ok: false, error });
                reject(error);
              },
            );
          });
        },
        async return(value?: unknown): Promise<IteratorResult<unknown>> {
          // The caller left while connecting: says nothing of the backend.
          connected({ ok: false, abandoned: true });
          return (await inner.return?.(value)) ?? { done: true, value: undefined };
        },
      };
    },
  };
}
