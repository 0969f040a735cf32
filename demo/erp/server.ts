/**
 * The demo erp: a real SOAP 1.1/1.2 document/literal server over node:http,
 * described by erp.wsdl (+ erp-types.xsd), seeded from the shared catalogue.
 *
 * POST /erp             a SOAP request (SOAPAction or action= per version)
 * GET  /erp?wsdl        the WSDL, with soap:address set to this server
 * GET  /erp-types.xsd   the imported schema (relative to the WSDL's URL)
 *
 * Faults: bad input → soap:Client (1.2 Sender), HTTP 500. Misbehaviour
 * 'error' → soap:Server, 500; 'unavailable' → soap:Server.Unavailable, 503;
 * 'rejected' → soap:Client.Rejected, 500; after apply: 'fail' → Server.Unavailable
 * 503, 'hang' → no answer, 'drop' → half an envelope and a cut connection;
 * 'rate-limited' → soap:Server.RateLimited, HTTP 429 with Retry-After (misbehaviour's retryAfterMs)
 * (429 rather than 500 so any HTTP client can tell "slow down" without
 * reading the fault; the faultcode says the same for SOAP-only clients).
 * A write whose requestId or externalReference the erp already knows takes
 * no misbehaviour (isKnownWrite): faults are for new work.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dropMidAnswer, hang } from '../common/after-apply.js';
import {
  createCallCounter,
  createMisbehaviourControl,
  retryAfterSeconds,
  type DemoSystem,
  type DemoSystemOptions,
} from '../common/system.js';
import { recordTraceContext } from '../common/trace-context.js';
import { HANDLERS, isKnownWrite } from './handlers.js';
import {
  BadEnvelopeError,
  envelope,
  fault,
  parseRequest,
  textOf,
  type Version,
} from './soap-xml.js';
import { createErpStore, ErpClientError } from './store.js';

export interface ErpOptions extends DemoSystemOptions {
  /** Largest request body accepted, in bytes. @default 1048576 (1 MiB) */
  maxRequestBytes?: number;
  /** When set, every call must carry a WS-Security UsernameToken (text or digest) with these credentials. */
  usernameToken?: { username: string; password: string };
}

export const ERP_WSDL_PATH = fileURLToPath(new URL('./erp.wsdl', import.meta.url));
const XSD_PATH = fileURLToPath(new URL('./erp-types.xsd', import.meta.url));
const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024; // 1 MiB
const PASSWORD_DIGEST_SUFFIX = '#PasswordDigest';

class TooLargeError extends Error {}

async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) throw new TooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new TooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Checks a UsernameToken per the OASIS profile: text password, or Base64(SHA-1(nonce + created + password)). */
function tokenValid(
  header: Record<string, unknown>,
  expected: { username: string; password: string },
): boolean {
  const security = header.Security as Record<string, unknown> | undefined;
  const token = security?.UsernameToken as Record<string, unknown> | undefined;
  if (!token) return false;
  const password = token.Password as Record<string, unknown> | string | undefined;
  const type = typeof password === 'object' ? String(password['@_Type'] ?? '') : '';
  const given = textOf(password) ?? '';
  if (textOf(token.Username) !== expected.username) return false;
  if (type.endsWith(PASSWORD_DIGEST_SUFFIX)) {
    const nonce = Buffer.from(textOf(token.Nonce) ?? '', 'base64');
    const created = textOf(token.Created) ?? '';
    const digest = createHash('sha1')
      .update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(expected.password)]))
      .digest('base64');
    return digest === given;
  }
  return given === expected.password;
}

export async function startErp(options: ErpOptions = {}): Promise<DemoSystem> {
  const host = options.host ?? '127.0.0.1';
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const wsdlTemplate = readFileSync(ERP_WSDL_PATH, 'utf8');
  const xsd = readFileSync(XSD_PATH, 'utf8');
  const store = createErpStore();
  const counter = createCallCounter();
  const misbehaviour = createMisbehaviourControl();
  let url = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = new URL(req.url ?? '/', 'http://erp');
    if (req.method === 'GET' && target.pathname === '/erp' && target.searchParams.has('wsdl')) {
      res
        .writeHead(200, { 'content-type': 'text/xml; charset=utf-8' })
        .end(wsdlTemplate.replaceAll('http://127.0.0.1:4002/erp', url));
      return;
    }
    if (req.method === 'GET' && target.pathname === '/erp-types.xsd') {
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(xsd);
      return;
    }
    if (req.method !== 'POST' || target.pathname !== '/erp') {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('Not found. POST SOAP requests to /erp; GET /erp?wsdl for the contract.');
      return;
    }
    // SOAP 1.2 is application/soap+xml (RFC 3902); everything else is answered as 1.1.
    const version: Version = String(req.headers['content-type'] ?? '').includes(
      'application/soap+xml',
    )
      ? '1.2'
      : '1.1';
    const contentType =
      version === '1.1' ? 'text/xml; charset=utf-8' : 'application/soap+xml; charset=utf-8';
    const send = (status: number, xml: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': contentType, ...headers }).end(xml);
    };
    let text: string;
    try {
      text = await readBody(req, maxRequestBytes);
    } catch (error) {
      if (error instanceof TooLargeError) {
        send(
          413,
          fault(
            version,
            'client',
            undefined,
            `The request is larger than ${maxRequestBytes} bytes.`,
            'TOO_LARGE',
          ),
        );
        req.resume();
        return;
      }
      throw error;
    }
    let request;
    try {
      request = parseRequest(text);
    } catch (error) {
      const message =
        error instanceof BadEnvelopeError ? error.message : 'The request could not be read.';
      send(500, fault(version, 'client', undefined, message, 'BAD_ENVELOPE'));
      return;
    }
    counter.hit(request.operation);
    recordTraceContext(counter, request.operation, req.headers.traceparent, req.headers.tracestate);
    // Faults are for new work: a write whose key the erp knows is answered as that key always is, below.
    // Its caller must still pass the token check, which comes after the misbehaviour as before.
    const authorized =
      options.usernameToken === undefined || tokenValid(request.header, options.usernameToken);
    const verdict =
      authorized && isKnownWrite(store, request.operation, request.body)
        ? await misbehaviour.knownKey(request.operation)
        : await misbehaviour.decide(request.operation);
    if (verdict === 'rejected')
      return send(
        500,
        fault(
          version,
          'client',
          'Rejected',
          'The erp refused the request (misbehaviour: rejectNext); sending it again will not help.',
          'REJECTED',
        ),
      );
    if (verdict === 'error')
      return send(
        500,
        fault(version, 'server', undefined, 'The erp failed to process the request.', 'INTERNAL'),
      );
    if (verdict === 'unavailable')
      return send(
        503,
        fault(
          version,
          'server',
          'Unavailable',
          'The erp is temporarily unavailable.',
          'UNAVAILABLE',
        ),
      );
    if (verdict === 'rate-limited') {
      const seconds = retryAfterSeconds(misbehaviour.current().retryAfterMs);
      return send(
        429,
        fault(
          version,
          'server',
          'RateLimited',
          `Too many requests; retry after ${seconds} s.`,
          'RATE_LIMITED',
        ),
        { 'retry-after': seconds },
      );
    }
    if (!authorized) {
      return send(
        500,
        fault(
          version,
          'client',
          'Authentication',
          'The WS-Security UsernameToken is missing or wrong.',
          'UNAUTHENTICATED',
        ),
      );
    }
    const handler = Object.hasOwn(HANDLERS, request.operation)
      ? HANDLERS[request.operation]
      : undefined;
    if (!handler)
      return send(
        500,
        fault(
          version,
          'client',
          undefined,
          `Unknown operation ${request.operation.slice(0, 64)}.`,
          'UNKNOWN_OPERATION',
        ),
      );
    try {
      const answer = envelope(version, handler(store, request.body));
      // Applied: a misbehaviour after apply replaces the answer; a fault (nothing applied) is sent as it is, below.
      if (verdict === 'fail-after-apply')
        return send(
          503,
          fault(
            version,
            'server',
            'Unavailable',
            'The erp is temporarily unavailable.',
            'UNAVAILABLE',
          ),
        );
      if (verdict === 'hang-after-apply') return hang(res);
      if (verdict === 'drop-after-apply')
        return dropMidAnswer(res, 200, { 'content-type': contentType }, answer);
      send(200, answer);
    } catch (error) {
      if (error instanceof ErpClientError)
        return send(
          500,
          fault(
            version,
            'client',
            error.extra.subcode,
            error.message,
            error.code,
            error.extra.documentNumber,
          ),
        );
      send(
        500,
        fault(version, 'server', undefined, 'The erp failed to process the request.', 'INTERNAL'),
      );
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  url = `http://${host}:${port}/erp`;
  let closed: Promise<void> | undefined;
  return {
    name: 'erp',
    url,
    port,
    contract: ERP_WSDL_PATH,
    counter,
    misbehaviour,
    records: () => store.records(),
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
