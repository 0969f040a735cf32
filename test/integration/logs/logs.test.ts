/**
 * The gateway's log, read through a destination stream: one line per
 * request carrying its request id, one line per upstream failure naming the
 * source, operation, status and the backend's reason, and no seeded secret
 * on any line (a caller's Authorization header, a WS-Security password and a
 * Bearer token in a SOAP fault, credentials and a token in a URL).
 *
 * The erp here is a real HTTP server on 127.0.0.1 that answers every call
 * with such a fault: the demo erp never writes secrets into its faults.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../gateway/index.js';
import { createRestSource } from '../../../sources/rest/index.js';
import { createSoapSource } from '../../../sources/soap/index.js';
import {
  demoConfig,
  startGatewayOn,
  startSystems,
  track,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';

useHarness();

const CALLER_TOKEN = 'caller-secret-0f3a9c2e7b';
const WSSE_PASSWORD = 'wsse-pass-hunter2-77';
const FAULT_BEARER = 'fault-bearer-5d1e8a';
const URL_PASSWORD = 'url-pass-q8w7e6';
const URL_TOKEN = 'url-token-z9y8x7';
const SECRETS = [CALLER_TOKEN, WSSE_PASSWORD, FAULT_BEARER, URL_PASSWORD, URL_TOKEN];

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A SOAP 1.1 Server fault whose faultstring and detail quote secrets, as a careless backend's would. */
const FAULT = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <soap:Fault>
      <faultcode>soap:Server</faultcode>
      <faultstring>${escapeXml(`Stock service down: login failed for <wsse:Security><wsse:UsernameToken><wsse:Username>svc</wsse:Username><wsse:Password>${WSSE_PASSWORD}</wsse:Password></wsse:UsernameToken></wsse:Security> with Authorization: Bearer ${FAULT_BEARER} calling http://svc:${URL_PASSWORD}@stock.internal:8080/levels?token=${URL_TOKEN}`)}</faultstring>
      <detail>${escapeXml(`<wsse:Password>${WSSE_PASSWORD}</wsse:Password>`)}</detail>
    </soap:Fault>
  </soap:Body>
</soap:Envelope>`;

interface Line {
  level: string;
  message: string;
  requestId?: string;
  [field: string]: unknown;
}

let systems: Systems;
let gateway: TestGateway;
let faultServer: Server;
const raw: string[] = [];
const lines = (): Line[] => raw.map((line) => JSON.parse(line) as Line);

beforeAll(async () => {
  systems = await startSystems(['storefront', 'erp']);
  faultServer = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res.writeHead(500, { 'content-type': 'text/xml; charset=utf-8' }).end(FAULT),
    );
  });
  await new Promise<void>((resolve) => faultServer.listen(0, '127.0.0.1', resolve));
  track(
    { close: () => new Promise<void>((resolve) => faultServer.close(() => resolve())) },
    'faulty erp',
  );
  const faultUrl = `http://127.0.0.1:${(faultServer.address() as AddressInfo).port}/erp`;
  const config = demoConfig(systems, {
    sources: [
      createRestSource({
        name: 'storefront',
        contract: systems.storefront.contract,
        url: systems.storefront.url,
      }),
      createSoapSource({ name: 'erp', contract: systems.erp.contract, url: faultUrl }),
    ],
    // One attempt: one failure line per call, whatever the retry defaults are.
    pipeline: { sources: { erp: { retry: { maxAttempts: 1 } } } },
  });
  gateway = await startGatewayOn(config, {
    logger: createLogger({ level: 'info', write: (line) => raw.push(line) }),
  });
});

afterAll(async () => {
  await gateway?.close();
});

describe('the log', () => {
  it('writes one info line per request, with its request id, method, path, status, duration and operation name', async () => {
    raw.length = 0;
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        gateway.graphql(
          'query ProductTitle { storefront { getProduct(productId: "prod_00001") { title } } }',
          undefined,
          { headers: { 'x-api-key': CALLER_TOKEN } },
        ),
      ),
    );
    const ids = answers.map((answer) => answer.headers.get('x-request-id'));
    const requests = lines().filter((line) => line.message === 'request');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((line) => line.requestId))).toEqual(new Set(ids));
    for (const line of requests) {
      expect(line).toMatchObject({
        level: 'info',
        method: 'POST',
        path: '/graphql',
        status: 200,
        operation: 'ProductTitle',
      });
      expect(typeof line.durationMs).toBe('number');
      expect(typeof line.time).toBe('string');
    }
  });

  it('writes nothing below its level: a logger at warn leaves no request line', () => {
    const kept: string[] = [];
    const logger = createLogger({ level: 'warn', write: (line) => kept.push(line) });
    logger.info('request', { requestId: 'r' });
    logger.debug('detail');
    logger.warn('kept');
    expect(kept.map((line) => (JSON.parse(line) as Line).message)).toEqual(['kept']);
  });

  it('writes one line per upstream failure with source, operation, status and the reason, every line of the request with its id', async () => {
    raw.length = 0;
    const answer = await gateway.graphql(
      'query Stock { erp { getItem(itemCode: "SKU-00001") { itemCode } } }',
      undefined,
      { headers: { 'x-api-key': CALLER_TOKEN, cookie: `session=${CALLER_TOKEN}` } },
    );
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('SOURCE_UNAVAILABLE');
    const requestId = answer.headers.get('x-request-id');
    const failures = lines().filter((line) => line.source === 'erp');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      level: 'warn',
      requestId,
      source: 'erp',
      operation: 'getItem',
      code: 'SOURCE_UNAVAILABLE',
      status: 500,
    });
    expect(String(failures[0]?.reason)).toContain('Stock service down');
    const ofRequest = lines().filter((line) => line.requestId !== undefined);
    expect(ofRequest.every((line) => line.requestId === requestId)).toBe(true);
    expect(lines().filter((line) => line.message === 'request')).toHaveLength(1);
  });

  it('logs a refused bearer token by its code, never the token', async () => {
    const refused = await gateway.graphql('{ __typename }', undefined, {
      headers: { authorization: `Bearer ${CALLER_TOKEN}` },
    });
    expect(refused.status).toBe(401);
    const requestId = refused.headers.get('x-request-id');
    expect(
      lines().filter((line) => line.message === 'request' && line.requestId === requestId),
    ).toEqual([expect.objectContaining({ status: 401 })]);
    // The next test reads every line, this request's included, for the token.
  });

  it('never writes a seeded secret, in any field of any line', () => {
    const all = raw.join('\n');
    expect(all.length).toBeGreaterThan(0);
    for (const secret of SECRETS) expect(all).not.toContain(secret);
  });

  it('redacts secret-named fields and secrets in free text a caller of the logger passes', () => {
    const kept: string[] = [];
    const logger = createLogger({ level: 'debug', write: (line) => kept.push(line) });
    logger.error(`login failed with Bearer ${CALLER_TOKEN}`, {
      headers: { authorization: `Bearer ${CALLER_TOKEN}`, cookie: 'a=b', 'set-cookie': 'c=d' },
      request: { headers: { Authorization: CALLER_TOKEN } },
      password: WSSE_PASSWORD,
      apiKey: URL_TOKEN,
      url: `https://svc:${URL_PASSWORD}@billing.example.com/v1?token=${URL_TOKEN}`,
      error: new Error(`<wsse:BinarySecurityToken>${FAULT_BEARER}</wsse:BinarySecurityToken>`),
    });
    const [line] = kept;
    for (const secret of SECRETS) expect(line).not.toContain(secret);
    const parsed = JSON.parse(line as string) as Line & { headers: Record<string, string> };
    expect(parsed.headers.authorization).toBe('<redacted>');
    expect(parsed.password).toBe('<redacted>');
    expect(parsed.url).toContain('billing.example.com');
  });
});
