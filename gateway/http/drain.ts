/**
 * Stopping node:http servers gracefully (`shutdown.graceMs`,
 * docs/operations.md "Stopping"): stop listening at once, so new
 * connections are refused; let the requests in flight be answered, each on
 * a connection that closes after its answer; end subscription streams,
 * which would otherwise hold the grace period to its end; and when the
 * grace period is over, close whatever connection is left. node:http's
 * `server.close()` alone would wait for keep-alive connections without
 * bound, and `closeAllConnections()` alone cuts answers half-sent.
 */
import type { Server, ServerResponse } from 'node:http';

export interface Drain {
  /** Counts a request as in flight until its response closes. Call it first thing for every request. */
  track(res: ServerResponse): void;
  /**
   * Stops `servers` listening and waits at most `graceMs` for the requests
   * in flight, then closes every connection left. Resolves to how many
   * requests were still in flight when the grace period ended (0 when all
   * were answered).
   */
  stop(servers: readonly Server[], graceMs: number): Promise<number>;
}

/** A subscription answer (server-sent events) never ends by itself. */
function isStream(res: ServerResponse): boolean {
  return String(res.getHeader('content-type') ?? '').includes('text/event-stream');
}

export function createDrain(): Drain {
  const inFlight = new Set<ServerResponse>();
  let stopping = false;
  let changed: (() => void) | undefined;

  /** Once stopping, the connection closes after this answer instead of idling for the next request. */
  const closeAfterAnswer = (res: ServerResponse): void => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };

  return {
    track(res) {
      inFlight.add(res);
      if (stopping) closeAfterAnswer(res);
      res.once('close', () => {
        inFlight.delete(res);
        changed?.();
      });
    },
    async stop(servers, graceMs) {
      stopping = true;
      const closed = servers.map(
        (server) => new Promise<void>((resolve) => server.close(() => resolve())),
      );
      for (const server of servers) server.closeIdleConnections();
      for (const res of inFlight) {
        if (isStream(res)) res.destroy();
        else closeAfterAnswer(res);
      }
      const deadline = Date.now() + graceMs;
      while (inFlight.size > 0 && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, deadline - Date.now());
          changed = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        changed = undefined;
        // An answer that went out before its connection was marked to close leaves it idle.
        for (const server of servers) server.closeIdleConnections();
      }
      const cut = inFlight.size;
      for (const server of servers) server.closeAllConnections();
      await Promise.all(closed);
      return cut;
    },
  };
}
