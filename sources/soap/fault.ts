/**
 * SOAP Faults (1.1 and 1.2) → SourceError. Client/Sender faults are the
 * caller's to fix (SOURCE_REJECTED); Server/Receiver faults may pass
 * (SOURCE_UNAVAILABLE, retryable). faultstring and the detail's text go in
 * `details`, truncated; the safe message never quotes the backend.
 */
import { SourceError, type SourceErrorCode } from '../common/index.js';
import { firstChild, type XmlElement } from './xml.js';

/** Longest faultstring or detail text carried into `details`, in characters. */
export const MAX_FAULT_TEXT_CHARS = 200;

function allText(element: XmlElement | undefined): string {
  if (!element) return '';
  return [element.text, ...element.children.map(allText)].join(' ').replace(/\s+/g, ' ').trim();
}

const truncate = (text: string): string => (text.length > MAX_FAULT_TEXT_CHARS ? `${text.slice(0, MAX_FAULT_TEXT_CHARS)}…` : text);

export interface FaultContext {
  readonly source: string;
  readonly operation: string;
  readonly httpStatus: number;
  readonly retryAfterMs?: number;
}

/** Reads a soap:Fault element (either version) into a SourceError. */
export function faultToError(fault: XmlElement, ctx: FaultContext): SourceError {
  // SOAP 1.2: Code/Value (+ Subcode), Reason/Text, Detail. SOAP 1.1: faultcode, faultstring, detail.
  const code12 = firstChild(fault, 'Code');
  const value12 = code12 ? (firstChild(code12, 'Value')?.text.trim() ?? '') : '';
  const subcode12 = code12 ? firstChild(firstChild(code12, 'Subcode') ?? fault, 'Value')?.text.trim() : undefined;
  const faultcode = code12 ? [value12, subcode12].filter(Boolean).join(' ') : (firstChild(fault, 'faultcode')?.text.trim() ?? '');
  const faultstring = code12 ? allText(firstChild(fault, 'Reason')) : (firstChild(fault, 'faultstring')?.text.trim() ?? '');
  const detail = allText(firstChild(fault, 'detail') ?? firstChild(fault, 'Detail'));
  const local = faultcode.replace(/^[^:\s]*:/, '');
  let code: SourceErrorCode;
  let retryable = false;
  let what: string;
  if (ctx.httpStatus === 429 || /ratelimit|throttl|toomanyrequests/i.test(faultcode)) {
    code = 'SOURCE_RATE_LIMITED';
    retryable = true;
    what = 'asked us to slow down';
  } else if (/^(Client|Sender)/i.test(local)) {
    code = 'SOURCE_REJECTED';
    what = 'refused the request (SOAP client fault)';
  } else if (/^(Server|Receiver)/i.test(local)) {
    code = 'SOURCE_UNAVAILABLE';
    retryable = true;
    what = 'failed to answer (SOAP server fault)';
  } else if (/MustUnderstand|VersionMismatch|DataEncodingUnknown/i.test(local)) {
    code = 'SOURCE_REJECTED';
    what = `refused the envelope (${local.slice(0, 40)})`;
  } else {
    code = 'SOURCE_UNAVAILABLE';
    what = 'answered with a SOAP fault';
  }
  return new SourceError({
    code,
    source: ctx.source,
    operation: ctx.operation,
    safeMessage: `${ctx.source} ${what} in ${ctx.operation}.`,
    retryable,
    retryAfterMs: ctx.retryAfterMs,
    details: { faultcode: truncate(faultcode), faultstring: truncate(faultstring), detail: truncate(detail), httpStatus: ctx.httpStatus },
  });
}
