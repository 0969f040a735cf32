/**
 * One SOAP exchange over sources/common/http.ts: headers per SOAP version,
 * credentials, and every way the answer can go wrong turned into a
 * SourceError (faults, HTTP errors without a fault, refused or malformed XML).
 */
import { classifyHttpStatus, parseRetryAfterMs, SourceError, type CallContext, type HttpAuth, type HttpClient } from '../common/index.js';
import { faultToError } from './fault.js';
import type { SoapVersion } from './wsdl.js';
import { firstChild, parseXml, SOAP11_ENV_NS, SOAP12_ENV_NS, XmlRefusedError, type XmlElement } from './xml.js';

export interface SoapExchange {
  readonly operation: string;
  readonly url: URL;
  readonly version: SoapVersion;
  readonly soapAction: string;
  readonly envelope: string;
}

export interface SoapTransport {
  /** Resolves to the soap:Body of a successful answer; rejects only with a SourceError. */
  call(exchange: SoapExchange, ctx: CallContext): Promise<XmlElement>;
}

export interface SoapTransportInit {
  readonly source: string;
  readonly http: HttpClient;
  readonly auth: HttpAuth;
  readonly maxDepth: number;
  readonly headers?: Readonly<Record<string, string>>;
}

const REFUSALS: Readonly<Record<string, string>> = {
  doctype: 'declared a DOCTYPE, which is refused',
  depth: 'nested its XML too deeply',
  malformed: 'answered XML that is not well-formed',
  empty: 'answered an empty body',
};

export function createSoapTransport(init: SoapTransportInit): SoapTransport {
  const { source } = init;
  return {
    async call(exchange, ctx) {
      const headers: Record<string, string> = { ...init.headers };
      if (exchange.version === '1.1') {
        headers['content-type'] = 'text/xml; charset=utf-8';
        headers.soapaction = JSON.stringify(exchange.soapAction);
      } else {
        headers['content-type'] = `application/soap+xml; charset=utf-8${exchange.soapAction ? `; action=${JSON.stringify(exchange.soapAction)}` : ''}`;
      }
      headers.accept = exchange.version === '1.1' ? 'text/xml' : 'application/soap+xml';
      if (ctx.requestId) headers['x-request-id'] = ctx.requestId;
      if (ctx.idempotencyKey) headers['idempotency-key'] = ctx.idempotencyKey;
      const url = new URL(exchange.url);
      await init.auth.apply(headers, url, exchange.operation, ctx.signal);
      const response = await init.http.send({ operation: exchange.operation, method: 'POST', url, headers, body: exchange.envelope, signal: ctx.signal, timeoutMs: ctx.timeoutMs });
      const httpStatus = response.status;
      const retryAfterMs = parseRetryAfterMs(response.headers['retry-after']);
      const statusError = (): SourceError => {
        const { code, retryable } = classifyHttpStatus(httpStatus);
        return new SourceError({ code, source, operation: exchange.operation, safeMessage: `${source} answered ${exchange.operation} with HTTP ${httpStatus} and no SOAP fault.`, retryable, retryAfterMs, details: { httpStatus } });
      };
      let root: XmlElement;
      try {
        root = parseXml(response.body, { maxDepth: init.maxDepth });
      } catch (cause) {
        if (httpStatus >= 400) throw statusError();
        const why = cause instanceof XmlRefusedError ? REFUSALS[cause.reason] : 'answered something that is not XML';
        throw new SourceError({ code: 'SOURCE_BAD_RESPONSE', source, operation: exchange.operation, safeMessage: `${source} ${why} in ${exchange.operation}.`, details: { httpStatus }, cause });
      }
      const body = root.local === 'Envelope' && (root.ns === SOAP11_ENV_NS || root.ns === SOAP12_ENV_NS) ? firstChild(root, 'Body', root.ns) : undefined;
      if (!body) {
        if (httpStatus >= 400) throw statusError();
        throw new SourceError({ code: 'SOURCE_BAD_RESPONSE', source, operation: exchange.operation, safeMessage: `${source} answered ${exchange.operation} with XML that is not a SOAP envelope.`, details: { httpStatus } });
      }
      const fault = firstChild(body, 'Fault', root.ns);
      if (fault) throw faultToError(fault, { source, operation: exchange.operation, httpStatus, retryAfterMs });
      if (httpStatus >= 300) throw statusError();
      return body;
    },
  };
}
