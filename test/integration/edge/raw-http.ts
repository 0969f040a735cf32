/**
 * Raw HTTP for attack tests: node:http and node:net send exactly what the
 * test wrote (fetch would normalise headers, refuse some and pick encodings).
 */
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body parsed as JSON, or undefined. */
  json:
    | {
        errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
        data?: unknown;
      }
    | undefined;
}

/** One request with node:http; headers and body go out as given. */
export function rawRequest(
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string | string[]> | Array<[string, string]>;
    body?: string | Buffer;
    localAddress?: string;
  },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers = Array.isArray(init.headers) ? init.headers.flat() : init.headers;
    const req = httpRequest(
      url,
      {
        method: init.method ?? 'POST',
        headers,
        agent: false,
        ...(init.localAddress === undefined ? {} : { localAddress: init.localAddress }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: RawAnswer['json'];
          try {
            json = JSON.parse(body) as RawAnswer['json'];
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/**
 * Opens a TCP connection, writes `head`, and resolves with everything the
 * server sent once it closed the connection (a slow client's fate).
 */
export function slowClient(
  url: string,
  head: string,
): Promise<{ received: string; socket: Socket }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ received, socket }));
  });
}
