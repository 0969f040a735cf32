/**
 * SOAP Faults (1.1 and 1.2) → SourceError. Client/Sender faults are the
 * caller's to fix (SOURCE_REJECTED): their faultstring is passed on, cleaned
 * and bounded (sources/common/reason.ts). Server/Receiver faults (and faults
 * of no known class) say only the source, the operation and a generic
 * sentence: their faultstring and detail (a SQL error, a host name, a stack
 * frame) go to the log, redacted, through `logDetail`.
 */
import {
  callerReason,
  logReason,
  SourceError,
  withReason,
  type SourceErrorCode,
} from '../common/index.js';
import { firstChild, type XmlElement } from './xml.js';

/** Elements whose text is a credential: never flattened into a reason, even for the log. */
const SECRET_ELEMENTS = new Set([
  'Security',
  'UsernameToken',
  'Password',
  'Nonce',
  'BinarySecurityToken',
  'SecurityTokenReference',
  'Assertion',
]);

/** The text of an element and its descendants, credentials left out; bounded while it is gathered. */
function allText(element: XmlElement | undefined, budget = { left: 8_192 }): string {
  if (!element || SECRET_ELEMENTS.has(element.local) || budget.left <= 0) return '';
  const own = element.text.slice(0, budget.left);
  budget.left -= own.length;
  return [own, ...element.children.map((child) => allText(child, budget))]
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

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
  const subcode12 = code12
    ? firstChild(firstChild(code12, 'Subcode') ?? fault, 'Value')?.text.trim()
    : undefined;
  const faultcode = code12
    ? [value12, subcode12].filter(Boolean).join(' ')
    : (firstChild(fault, 'faultcode')?.text.trim() ?? '');
  const faultstring = code12
    ? allText(firstChild(fault, 'Reason'))
    : allText(firstChild(fault, 'faultstring'));
  const detail = allText(firstChild(fault, 'detail') ?? firstChild(fault, 'Detail'));
  const local = faultcode.replace(/^[^:\s]*:/, '');
  let code: SourceErrorCode;
  let retryable = false;
  let what: string;
  let callerClass = false;
  /** The fault's class as the caller sees it: one of SOAP's own names, never the backend's subcodes. */
  let shownCode: string;
  if (ctx.httpStatus === 429 || /ratelimit|throttl|toomanyrequests/i.test(faultcode)) {
    code = 'SOURCE_RATE_LIMITED';
    retryable = true;
    what = 'asked us to slow down';
    shownCode = 'RateLimited';
  } else if (/^(Client|Sender)/i.test(local)) {
    code = 'SOURCE_REJECTED';
    what = 'refused the request (SOAP client fault)';
    callerClass = true;
    shownCode = /^Sender/i.test(local) ? 'Sender' : 'Client';
  } else if (/^(Server|Receiver)/i.test(local)) {
    code = 'SOURCE_UNAVAILABLE';
    retryable = true;
    what = 'failed to answer (SOAP server fault)';
    shownCode = /^Receiver/i.test(local) ? 'Receiver' : 'Server';
  } else if (/^(MustUnderstand|VersionMismatch|DataEncodingUnknown)/i.test(local)) {
    // The envelope we wrote was refused: the gateway's fault, not the caller's, and its text names our internals.
    code = 'SOURCE_REJECTED';
    shownCode = (
      /^(MustUnderstand|VersionMismatch|DataEncodingUnknown)/i.exec(local) as RegExpExecArray
    )[1] as string;
    what = `refused the envelope (${shownCode})`;
  } else {
    code = 'SOURCE_UNAVAILABLE';
    what = 'answered with a SOAP fault';
    shownCode = 'Unknown';
  }
  const sentence = `${ctx.source} ${what} in ${ctx.operation}.`;
  const logged = {
    faultstring: logReason(faultstring),
    detail: logReason(detail),
    faultcode: logReason(faultcode, 200),
  };
  return new SourceError({
    code,
    source: ctx.source,
    operation: ctx.operation,
    safeMessage: callerClass ? withReason(sentence, callerReason(faultstring)) : sentence,
    retryable,
    retryAfterMs: ctx.retryAfterMs,
    // A client fault's own code (soap:Client.Authentication) is the backend's word to its caller; other faults show only their class.
    details: {
      faultcode: (callerClass ? callerReason(faultcode, 60) : undefined) ?? shownCode,
      httpStatus: ctx.httpStatus,
    },
    logDetail: {
      httpStatus: ctx.httpStatus,
      ...Object.fromEntries(
        Object.entries(logged).filter((entry): entry is [string, string] => entry[1] !== undefined),
      ),
    },
  });
}
