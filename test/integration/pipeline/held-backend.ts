/**
 * A real HTTP backend for the bulkhead test: it holds every request until the
 * test releases it, and records the most requests it held at once, so "never
 * more than N in flight" is a count read from the backend's side.
 */
import { createServer, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

export const HELD_ITEMS_CONTRACT = fileURLToPath(
  new URL('../../fixtures/openapi/held-items.yaml', import.meta.url),
);

export interface HeldBackend {
  readonly url: string;
  /** Requests received so far. */
  readonly received: number;
  /** The most requests held at once. */
  readonly maxInFlight: number;
  /** Resolves once `count` requests are being held. */
  holding(count: number): Promise<void>;
  /** Answers every held request (200) and those still to come, until `hold()`. */
  releaseAll(): void;
  /** Holds requests again. */
  hold(): void;
  close(): Promise<void>;
}

export async function startHeldBackend(): Promise<HeldBackend> {
  const held: Array<{ res: ServerResponse; id: string }> = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let received = 0;
  let maxInFlight = 0;
  let holding = true;
  const answer = ({ res, id }: { res: ServerResponse; id: string }): void => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
  };
  const server = createServer((req, res) => {
    received += 1;
    const id = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
    if (!holding) return answer({ res, id });
    held.push({ res, id });
    maxInFlight = Math.max(maxInFlight, held.length);
    res.on('close', () => {
      const index = held.findIndex((entry) => entry.res === res);
      if (index >= 0) held.splice(index, 1);
    });
    for (const waiter of waiters.filter((w) => held.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    get received() {
      return received;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    holding: (count) =>
      held.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    releaseAll() {
      holding = false;
      for (const entry of held.splice(0)) answer(entry);
    },
    hold() {
      holding = true;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
