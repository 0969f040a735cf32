/**
 * A hostile backend made from a real one: a real HTTP server on 127.0.0.1
 * port 0 that forwards every request to a demo system and lets the test
 * rewrite the answer (status, headers, body), or refuse the connection.
 * Counts the requests it receives, so a test can say "no backend call".
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { request } from 'undici';
import { track, untrack } from '../../harness/index.js';

export interface ProxiedAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

/** Returns the answer to send instead, or undefined to pass the real one. */
export type Rewrite = (req: ProxiedRequest, real: ProxiedAnswer) => ProxiedAnswer | undefined;

export interface RewriteProxy {
  /** The proxy's base URL with the target's path, e.g. "http://127.0.0.1:5555/erp". */
  readonly url: string;
  /** Requests received since the last reset. */
  requests(): number;
  reset(): void;
  /** The rewrite for the next requests; undefined passes answers through. */
  rewrite(rule: Rewrite | undefined): void;
  /** While true, every connection is destroyed: the system looks down. */
  down(value: boolean): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startRewriteProxy(target: string): Promise<RewriteProxy> {
  const base = new URL(target);
  let rule: Rewrite | undefined;
  let isDown = false;
  let count = 0;
  const server: Server = createServer(async (req, res) => {
    if (isDown) {
      req.socket.destroy();
      return;
    }
    count += 1;
    try {
      const body = await readBody(req);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name, value]) =>
            typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name),
        ),
      ) as Record<string, string>;
      const upstream = await request(new URL(req.url ?? '/', base.origin), {
        method: req.method as 'GET',
        headers,
        body: body === '' ? undefined : body,
      });
      const realBody = Buffer.from(await upstream.body.arrayBuffer());
      const realHeaders = Object.fromEntries(
        Object.entries(upstream.headers).filter(
          ([name, value]) =>
            typeof value === 'string' &&
            !['connection', 'content-length', 'transfer-encoding', 'keep-alive'].includes(name),
        ),
      ) as Record<string, string>;
      const real = { status: upstream.statusCode, headers: realHeaders, body: realBody };
      const answer =
        rule?.({ method: req.method ?? 'GET', path: req.url ?? '/', body }, real) ?? real;
      res.writeHead(answer.status, answer.headers).end(answer.body);
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  let closed: Promise<void> | undefined;
  const proxy: RewriteProxy = {
    url: `http://127.0.0.1:${port}${base.pathname === '/' ? '' : base.pathname}`,
    requests: () => count,
    reset: () => {
      count = 0;
    },
    rewrite: (next) => {
      rule = next;
    },
    down: (value) => {
      isDown = value;
    },
    close() {
      closed ??= (async () => {
        untrack(proxy);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closed;
    },
  };
  return track(proxy, 'rewrite proxy');
}

export interface LogCapture {
  /** The JSON log lines written since the last take(), and forgets them. */
  take(): Array<Record<string, unknown>>;
  /** Puts stderr back as it was. */
  restore(): void;
}

/**
 * Captures the gateway's log lines (one JSON object per line on stderr)
 * until restore(); other stderr output passes through.
 */
export function interceptLog(): LogCapture {
  let lines: Array<Record<string, unknown>> = [];
  const original = process.stderr.write;
  process.stderr.write = function write(
    this: unknown,
    chunk: string | Uint8Array,
    ...rest: unknown[]
  ): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const others: string[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const parsed: unknown = JSON.parse(line);
        if (typeof parsed === 'object' && parsed !== null && 'level' in parsed) {
          lines.push(parsed as Record<string, unknown>);
          continue;
        }
      } catch {
        // not a log line
      }
      others.push(line);
    }
    if (others.length === 0) return true;
    return (original as (chunk: string, ...rest: unknown[]) => boolean).call(
      process.stderr,
      `${others.join('\n')}\n`,
      ...rest,
    );
  } as typeof process.stderr.write;
  return {
    take() {
      const taken = lines;
      lines = [];
      return taken;
    },
    restore() {
      process.stderr.write = original;
    },
  };
}
