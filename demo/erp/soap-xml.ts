/**
 * The erp's SOAP wire: reading request envelopes safely and writing
 * answers and faults, for SOAP 1.1 and 1.2.
 *
 * Requests are parsed with fast-xml-parser after a DOCTYPE is refused, so
 * its entity processing can only decode the predefined XML entities
 * (htmlEntities is off); depth is capped by `maxNestedTags`.
 */
import { XMLParser } from 'fast-xml-parser';

export const ERP_NS = 'http://switchboard.example/erp';
export const TYPES_NS = 'http://switchboard.example/erp/types';
export const SOAP11_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_ENV = 'http://www.w3.org/2003/05/soap-envelope';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export type Version = '1.1' | '1.2';

/** Elements that may repeat in a request (by parent.child); always read as arrays. */
const REPEATED = ['GetItems.itemCode', 'GetStockLevels.itemCode', 'CreateSalesOrder.line'];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  maxNestedTags: 32,
  isArray: (_name: string, jPath: unknown) => REPEATED.some((path) => String(jPath).endsWith(path)),
});

export class BadEnvelopeError extends Error {}

export interface ParsedRequest {
  readonly operation: string;
  readonly body: Record<string, unknown>;
  readonly header: Record<string, unknown>;
}

export function parseRequest(xml: string): ParsedRequest {
  if (/<!DOCTYPE/i.test(xml)) throw new BadEnvelopeError('DOCTYPE is not allowed.');
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch {
    throw new BadEnvelopeError('The request is not well-formed XML.');
  }
  const envelope = (doc as Record<string, unknown>)?.Envelope as
    Record<string, unknown> | undefined;
  const body = envelope?.Body;
  if (typeof body !== 'object' || body === null)
    throw new BadEnvelopeError('The request is not a SOAP envelope with a Body.');
  const operation = Object.keys(body).find((key) => !key.startsWith('@_'));
  if (!operation) throw new BadEnvelopeError('The SOAP Body is empty.');
  const content = (body as Record<string, unknown>)[operation];
  const header = envelope?.Header;
  return {
    operation,
    body:
      typeof content === 'object' && content !== null ? (content as Record<string, unknown>) : {},
    header:
      typeof header === 'object' && header !== null ? (header as Record<string, unknown>) : {},
  };
}

/** Text of a leaf as parsed (a string, or an object with #text and attributes); null for xsi:nil. */
export function textOf(value: unknown): string | null | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (record['@_nil'] === 'true') return null;
    const text = record['#text'];
    return typeof text === 'string' ? text : '';
  }
  return String(value);
}

export function escape(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
}

/** `<t:name>value</t:name>`, or xsi:nil for null. */
export function leaf(name: string, value: string | number | bigint | null, prefix = 't'): string {
  if (value === null) return `<${prefix}:${name} xsi:nil="true"/>`;
  return `<${prefix}:${name}>${escape(String(value))}</${prefix}:${name}>`;
}

export function envelope(version: Version, body: string): string {
  const ns = version === '1.1' ? SOAP11_ENV : SOAP12_ENV;
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ns}" xmlns:erp="${ERP_NS}" xmlns:t="${TYPES_NS}" xmlns:xsi="${XSI}"><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

/** A fault in the request's SOAP version; `who` is Client/Sender or Server/Receiver. */
export function fault(
  version: Version,
  who: 'client' | 'server',
  sub: string | undefined,
  message: string,
  code: string,
  documentNumber?: string,
): string {
  const detail = `<t:ErpFault><t:code>${escape(code)}</t:code><t:message>${escape(message)}</t:message>${documentNumber === undefined ? '' : leaf('documentNumber', documentNumber)}</t:ErpFault>`;
  if (version === '1.1') {
    const faultcode = `soap:${who === 'client' ? 'Client' : 'Server'}${sub ? `.${sub}` : ''}`;
    return envelope(
      version,
      `<soap:Fault><faultcode>${faultcode}</faultcode><faultstring>${escape(message)}</faultstring><detail>${detail}</detail></soap:Fault>`,
    );
  }
  const value = who === 'client' ? 'soap:Sender' : 'soap:Receiver';
  const subcode = sub ? `<soap:Subcode><soap:Value>erp:${sub}</soap:Value></soap:Subcode>` : '';
  return envelope(
    version,
    `<soap:Fault><soap:Code><soap:Value>${value}</soap:Value>${subcode}</soap:Code><soap:Reason><soap:Text xml:lang="en">${escape(message)}</soap:Text></soap:Reason><soap:Detail>${detail}</soap:Detail></soap:Fault>`,
  );
}
