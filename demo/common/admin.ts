/**
 * The demo admin endpoint: per-operation request counts of every system
 * (GET /__admin/stats), zeroing them (POST /__admin/reset), switching
 * misbehaviour on and off (POST /__admin/misbehave {"system": "erp", "latencyMs": 50})
 * and every system's write records (GET /__admin/records[?system=erp]).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { parseMisbehaviour, type DemoSystem } from './system.js';
import { receivedTraceContexts } from './trace-context.js';

export interface AdminServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024; // 64 KiB: misbehaviour settings are a few fields

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export async function startAdmin(options: {
  systems: readonly DemoSystem[];
  port?: number;
  host?: string;
}): Promise<AdminServer> {
  const byName = new Map(options.systems.map((system) => [system.name, system]));
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? '/', 'http://admin').pathname;
    if (req.method === 'GET' && path === '/__admin/stats') {
      return send(
        200,
        Object.fromEntries(
          options.systems.map((system) => [system.name, system.counter.snapshot()]),
        ),
      );
    }
    if (req.method === 'GET' && path === '/__admin/records') {
      const wanted = new URL(req.url ?? '/', 'http://admin').searchParams.get('system');
      if (wanted === null)
        return send(
          200,
          Object.fromEntries(options.systems.map((system) => [system.name, system.records()])),
        );
      const system = byName.get(wanted as DemoSystem['name']);
      if (!system)
        return send(400, {
          error: `Unknown system "${wanted.slice(0, 40)}". Known: ${[...byName.keys()].join(', ')}.`,
        });
      return send(200, system.records());
    }
    if (req.method === 'GET' && path === '/__admin/traces') {
      return send(
        200,
        Object.fromEntries(
          options.systems.map((system) => [system.name, receivedTraceContexts(system)]),
        ),
      );
    }
    if (req.method === 'POST' && path === '/__admin/reset') {
      for (const system of options.systems) system.counter.reset();
      return send(200, { reset: true });
    }
    if (req.method === 'POST' && path === '/__admin/misbehave') {
      readJson(req).then(
        (body) => {
          if (typeof body !== 'object' || body === null || Array.isArray(body))
            return send(400, { error: 'Body must be a JSON object of at most 64 KiB.' });
          const { system: name, ...settings } = body as { system?: unknown } & Record<
            string,
            unknown
          >;
          const system =
            typeof name === 'string' ? byName.get(name as DemoSystem['name']) : undefined;
          if (!system)
            return send(400, {
              error: `Unknown system "${String(name)}". Known: ${[...byName.keys()].join(', ')}.`,
            });
          let parsed;
          try {
            parsed = parseMisbehaviour(settings);
          } catch (error) {
            return send(400, { error: (error as Error).message });
          }
          system.misbehaviour.set(parsed);
          return send(200, { system: system.name, misbehaviour: system.misbehaviour.current() });
        },
        () => send(400, { error: 'Body must be a JSON object of at most 64 KiB.' }),
      );
      return;
    }
    send(404, {
      error:
        'Not found. Try GET /__admin/stats, GET /__admin/records, POST /__admin/reset or POST /__admin/misbehave.',
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
