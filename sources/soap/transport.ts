/**
 * One SOAP exchange over sources/common/http.ts: headers per SOAP version,
 * credentials, and every way the answer can go wrong turned into a
 * SourceError (faults, HTTP errors without a fault, refused or malformed XML).
 */
import {
  classifyHttpStatus,
  parseRetryAfterMs,
  SourceError,
  type CallContext,
  type HttpAuth,
  type HttpClient,
} from '../common/index.js';
import { decodeXmlBytes } from './encoding.js';
import { faultToError } from './fault.js';
import type { SoapVersion } from './wsdl.js';
import {
  parseXmlInSlices,
  SOAP11_ENV_NS,
  SOAP12_ENV_NS,
  XmlRefusedError,
  type XmlElement,
} from './xml.js';

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
  /** Most elements one answer may hold. */
  readonly maxElements: number;
  /** Most time spent parsing one answer, in ms. */
  readonly maxParseMs: number;
  readonly headers?: Readonly<Record<string, string>>;
}

const REFUSALS: Readonly<Record<string, string>> = {
  doctype: 'declared a DOCTYPE, which is refused',
  depth: 'nested its XML too deeply',
  elements: 'answered more XML elements than the source allows (maxResponseElements)',
  time: 'answered XML that took longer to parse than the source allows (maxParseMs)',
  encoding: 'answered XML in an encoding it did not declare, or one that is not read',
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
        headers['content-type'] =
          `application/soap+xml; charset=utf-8${exchange.soapAction ? `; action=${JSON.stringify(exchange.soapAction)}` : ''}`;
      }
      headers.accept = exchange.version === '1.1' ? 'text/xml' : 'application/soap+xml';
      if (ctx.requestId) headers['x-request-id'] = ctx.requestId;
      if (ctx.propagation !== undefined) Object.assign(headers, ctx.propagation);
      if (ctx.idempotencyKey) headers['idempotency-key'] = ctx.idempotencyKey;
      const url = new URL(exchange.url);
      await init.auth.apply(headers, url, exchange.operation, ctx.signal);
      const response = await init.http.send({
        operation: exchange.operation,
        method: 'POST',
        url,
        headers,
        body: exchange.envelope,
        signal: ctx.signal,
        timeoutMs: ctx.timeoutMs,
      });
      const httpStatus = response.status;
      const retryAfterMs = parseRetryAfterMs(response.headers['retry-after']);
      const statusError = (): SourceError => {
        const { code, retryable } = classifyHttpStatus(httpStatus);
        return new SourceError({
          code,
          source,
          operation: exchange.operation,
          safeMessage: `${source} answered ${exchange.operation} with HTTP ${httpStatus} and no SOAP fault.`,
          retryable,
          retryAfterMs,
          details: { httpStatus },
        });
      };
      let root: XmlElement;
      try {
        const contentType = response.headers['content-type'];
        const text = decodeXmlBytes(
          response.body,
          Array.isArray(contentType) ? contentType[0] : contentType,
        );
        root = await parseXmlInSlices(text, {
          maxDepth: init.maxDepth,
          maxElements: init.maxElements,
          maxParseMs: init.maxParseMs,
        });
      } catch (cause) {
        if (httpStatus >= 400) throw statusError();
        const why =
          cause instanceof XmlRefusedError
            ? REFUSALS[cause.reason]
            : 'answered something that is not XML';
        throw new SourceError({
          code: 'SOURCE_BAD_RESPONSE',
          source,
          operation: exchange.operation,
          safeMessage: `${source} ${why} in ${exchange.operation}.`,
          details: { httpStatus },
          logDetail: {
            httpStatus,
            reason: cause instanceof Error ? cause.message : 'unreadable',
            bytes: response.body.length,
          },
          cause,
        });
      }
      const envelope = readEnvelope(root);
      if (typeof envelope === 'string') {
        if (httpStatus >= 400) throw statusError();
        throw new SourceError({
          code: 'SOURCE_BAD_RESPONSE',
          source,
          operation: exchange.operation,
          safeMessage: `${source} answered ${exchange.operation} with ${envelope}.`,
          details: { httpStatus },
        });
      }
      const { body } = envelope;
      const faults = body.children.filter(
        (child) => child.local === 'Fault' && child.ns === root.ns,
      );
      if (faults.length > 1 || (faults.length === 1 && body.children.length > 1)) {
        throw new SourceError({
          code: 'SOURCE_BAD_RESPONSE',
          source,
          operation: exchange.operation,
          safeMessage: `${source} answered ${exchange.operation} with a SOAP Fault that is not alone in its Body.`,
          details: { httpStatus },
        });
      }
      const fault = faults[0];
      if (fault)
        throw faultToError(fault, {
          source,
          operation: exchange.operation,
          httpStatus,
          retryAfterMs,
        });
      if (httpStatus >= 300) throw statusError();
      return body;
    },
  };
}

/**
 * The Body of a well-formed SOAP envelope, or what is wrong with it: the
 * root is Envelope in a SOAP namespace; its element children are at most one
 * Header, then exactly one Body (SOAP 1.1 lets other elements follow the
 * Body; 1.2 does not). Anything else (two Bodies, a Header after the Body) is
 * refused rather than read by whichever element comes first.
 */
export function readEnvelope(root: XmlElement): { body: XmlElement } | string {
  if (root.local !== 'Envelope' || (root.ns !== SOAP11_ENV_NS && root.ns !== SOAP12_ENV_NS))
    return 'XML that is not a SOAP envelope';
  const own = root.children.filter((child) => child.ns === root.ns);
  const bodies = own.filter((child) => child.local === 'Body');
  const headers = own.filter((child) => child.local === 'Header');
  if (bodies.length !== 1)
    return bodies.length === 0
      ? 'a SOAP envelope without a Body'
      : 'a SOAP envelope with more than one Body';
  if (headers.length > 1) return 'a SOAP envelope with more than one Header';
  const children = root.children;
  const bodyAt = children.indexOf(bodies[0] as XmlElement);
  if (headers.length === 1 && children.indexOf(headers[0] as XmlElement) !== 0)
    return 'a SOAP envelope whose Header is not its first element';
  if (bodyAt !== headers.length) return 'a SOAP envelope with elements before its Body';
  if (root.ns === SOAP12_ENV_NS && bodyAt !== children.length - 1)
    return 'a SOAP 1.2 envelope with elements after its Body';
  return { body: bodies[0] as XmlElement };
}
