import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyHttpStatus,
  createHttpAuth,
  createHttpClient,
  parseRetryAfterMs,
  SourceError,
} from '../../../../sources/common/index.js';

/** The held call of /hold or /trickle: promises of its arrival and of the client dropping it. */
const held = { arrived: (): void => undefined, dropped: (): void => undefined };
function holdNext(): { arrived: Promise<void>; dropped: Promise<void> } {
  return {
    arrived: new Promise((resolve) => (held.arrived = resolve)),
    dropped: new Promise((resolve) => (held.dropped = resolve)),
  };
}

let server: Server;
let base: string;
const tokenRequests: string[] = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/ok': (_req, res) => res.end('hello'),
  '/big': (_req, res) => res.end(Buffer.alloc(4096, 'x')),
  '/silent': () => {}, // never answers
  // Holds the call; says when it arrived and when the client dropped it.
  '/hold': (req) => {
    held.arrived();
    req.socket.once('close', () => held.dropped());
  },
  // Sends headers and part of a body, then holds the rest.
  '/trickle': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('part');
    held.arrived();
    req.socket.once('close', () => held.dropped());
  },
  '/echo-auth': (req, res) =>
    res.end(
      JSON.stringify({
        authorization: req.headers.authorization ?? null,
        key: req.headers['x-api-key'] ?? null,
        url: req.url,
      }),
    ),
  '/token': (req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      tokenRequests.push(`${req.headers.authorization} ${body}`);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          access_token: `token-${tokenRequests.length}`,
          token_type: 'bearer',
          expires_in: 3600,
        }),
      );
    });
  },
  '/token-broken': (_req, res) => res.writeHead(500).end('secret stack trace at /internal/path'),
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createHttpClient', () => {
  it('answers status, headers and body over a pooled connection', async () => {
    const http = createHttpClient({ source: 'shop' });
    try {
      const response = await http.send({
        operation: 'ping',
        method: 'GET',
        url: new URL('/ok', base),
      });
      expect(response.status).toBe(200);
      expect(response.body.toString()).toBe('hello');
    } finally {
      await http.close();
    }
  });

  it('turns a call that outlives its deadline into a retryable SOURCE_TIMEOUT that names no URL', async () => {
    const http = createHttpClient({ source: 'shop', timeoutMs: 150 });
    try {
      const failure = await http
        .send({ operation: 'slow', method: 'GET', url: new URL('/silent', base) })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SourceError);
      expect(failure).toMatchObject({
        code: 'SOURCE_TIMEOUT',
        source: 'shop',
        operation: 'slow',
        retryable: true,
      });
      expect((failure as Error).message).not.toContain('127.0.0.1');
    } finally {
      await http.close();
    }
  });

  it("drops a call in flight when the caller's signal aborts, as a non-retryable cancellation", async () => {
    const http = createHttpClient({ source: 'shop' });
    try {
      for (const path of ['/hold', '/trickle']) {
        const call = holdNext();
        const caller = new AbortController();
        const failure = http
          .send({
            operation: 'wait',
            method: 'GET',
            url: new URL(path, base),
            signal: caller.signal,
          })
          .catch((error: unknown) => error);
        await call.arrived;
        caller.abort();
        expect(await failure).toMatchObject({
          code: 'SOURCE_UNAVAILABLE',
          source: 'shop',
          operation: 'wait',
          retryable: false,
          safeMessage: 'The call to shop was cancelled.',
        });
        await call.dropped;
      }
    } finally {
      await http.close();
    }
  });

  it('refuses a response larger than maxResponseBytes', async () => {
    const http = createHttpClient({ source: 'shop', maxResponseBytes: 1024 });
    try {
      await expect(
        http.send({ operation: 'big', method: 'GET', url: new URL('/big', base) }),
      ).rejects.toMatchObject({ code: 'SOURCE_BAD_RESPONSE' });
    } finally {
      await http.close();
    }
  });

  it('reports a refused connection as a retryable SOURCE_UNAVAILABLE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const http = createHttpClient({ source: 'shop' });
    try {
      const failure = await http
        .send({ operation: 'ping', method: 'GET', url: new URL(`http://127.0.0.1:${port}/`) })
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'SOURCE_UNAVAILABLE', retryable: true });
      expect((failure as Error).message).toBe('shop could not be reached.');
    } finally {
      await http.close();
    }
  });

  it('can be closed twice', async () => {
    const http = createHttpClient({ source: 'shop' });
    await http.close();
    await expect(http.close()).resolves.toBeUndefined();
  });
});

describe('classifyHttpStatus and parseRetryAfterMs', () => {
  it('maps statuses to codes and says which are worth another try', () => {
    expect(classifyHttpStatus(404)).toEqual({ code: 'SOURCE_NOT_FOUND', retryable: false });
    expect(classifyHttpStatus(429)).toEqual({ code: 'SOURCE_RATE_LIMITED', retryable: true });
    expect(classifyHttpStatus(503)).toEqual({ code: 'SOURCE_UNAVAILABLE', retryable: true });
    expect(classifyHttpStatus(501)).toEqual({ code: 'SOURCE_UNAVAILABLE', retryable: false });
    expect(classifyHttpStatus(422)).toEqual({ code: 'SOURCE_REJECTED', retryable: false });
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfterMs('3')).toBe(3000);
    expect(parseRetryAfterMs('Wed, 25 Nov 2026 00:00:10 GMT', Date.UTC(2026, 10, 25))).toBe(10_000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });
});

describe('createHttpAuth', () => {
  async function echo(
    auth: Parameters<typeof createHttpAuth>[1],
  ): Promise<Record<string, unknown>> {
    const http = createHttpClient({ source: 'shop' });
    try {
      const headers: Record<string, string> = {};
      const url = new URL('/echo-auth', base);
      await createHttpAuth('shop', auth, http).apply(headers, url, 'op');
      const response = await http.send({ operation: 'op', method: 'GET', url, headers });
      return JSON.parse(response.body.toString()) as Record<string, unknown>;
    } finally {
      await http.close();
    }
  }

  it('sends bearer, basic and API-key credentials', async () => {
    expect((await echo({ type: 'bearer', token: 't0k' })).authorization).toBe('Bearer t0k');
    expect((await echo({ type: 'basic', username: 'ada', password: 'pw' })).authorization).toBe(
      `Basic ${Buffer.from('ada:pw').toString('base64')}`,
    );
    expect((await echo({ type: 'apiKey', in: 'header', name: 'X-Api-Key', value: 'k1' })).key).toBe(
      'k1',
    );
    expect((await echo({ type: 'apiKey', in: 'query', name: 'api_key', value: 'k2' })).url).toBe(
      '/echo-auth?api_key=k2',
    );
  });

  it('fetches one OAuth2 client-credentials token, shares it, and fetches anew after invalidate()', async () => {
    tokenRequests.length = 0;
    const http = createHttpClient({ source: 'shop' });
    try {
      const auth = createHttpAuth(
        'shop',
        {
          type: 'oauth2ClientCredentials',
          tokenUrl: `${base}/token`,
          clientId: 'app',
          clientSecret: 's3cret',
          scopes: ['read', 'write'],
        },
        http,
      );
      const headers = await Promise.all(
        [1, 2, 3].map(async () => {
          const h: Record<string, string> = {};
          await auth.apply(h, new URL(base), 'op');
          return h.authorization;
        }),
      );
      expect(headers).toEqual(['Bearer token-1', 'Bearer token-1', 'Bearer token-1']);
      expect(tokenRequests).toEqual([
        `Basic ${Buffer.from('app:s3cret').toString('base64')} grant_type=client_credentials&scope=read+write`,
      ]);
      auth.invalidate();
      const h: Record<string, string> = {};
      await auth.apply(h, new URL(base), 'op');
      expect(h.authorization).toBe('Bearer token-2');
    } finally {
      await http.close();
    }
  });

  it('reports a failing token endpoint without its body', async () => {
    const http = createHttpClient({ source: 'shop' });
    try {
      const auth = createHttpAuth(
        'shop',
        {
          type: 'oauth2ClientCredentials',
          tokenUrl: `${base}/token-broken`,
          clientId: 'app',
          clientSecret: 's3cret',
        },
        http,
      );
      const failure = await auth.apply({}, new URL(base), 'op').catch((error: unknown) => error);
      expect(failure).toMatchObject({
        code: 'SOURCE_UNAUTHENTICATED',
        details: { httpStatus: 500 },
      });
      expect((failure as Error).message).not.toMatch(/stack|internal|s3cret/);
    } finally {
      await http.close();
    }
  });
});
