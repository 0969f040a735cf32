/**
 * A backend's own reason for a failure (problem+json `title`/`detail`, a SOAP
 * `faultstring`, a gRPC status message), in two cleaned forms:
 * - `callerReason`: for caller-class failures only, short and stripped of
 *   anything that could be a secret or an internal address;
 * - `logReason`: for the gateway's log, longer, with secrets removed but
 *   addresses kept (an operator needs them).
 *
 * Hand-written: redaction libraries work on objects by key name, and here the
 * secret sits inside free text a backend wrote. The patterns err on the side
 * of removing too much from what a caller reads.
 */

/** Longest backend reason a caller reads, in characters. */
export const MAX_CALLER_REASON_CHARS = 200;
/** Longest backend reason written to the log, in characters. */
export const MAX_LOG_REASON_CHARS = 2_000;

const CONTROL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202E\u2060-\u206F]/g;

/** Secrets in free text: credentials after their name, auth schemes, JWTs, key-like runs. */
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(bearer|basic|digest|negotiate)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 <redacted>'],
  // Credentials in a URL's user-info (http://user:secret@host): the user goes too, it is half of the pair.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi, '$1<redacted>@'],
  [
    /\b((?:[\w-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|authorization|cookie|session|credential|private[_-]?key|client[_-]?secret|access[_-]?key)[\w-]*))(["']?\s*[:=]\s*["']?)(?!(?:bearer|basic|digest|negotiate)\s)[^\s"',;&<>()[\]{}]+/gi,
    '$1$2<redacted>',
  ],
  [
    /<(\w+:)?(Password|Nonce|BinarySecurityToken|SecurityTokenReference|Security)\b[^>]*>[\s\S]*?<\/(\w+:)?\2>/gi,
    '<redacted>',
  ],
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<redacted>'],
  [/\b(?:sk|pk|rk|ghp|gho|xox[abp]|AKIA|ASIA)[A-Za-z0-9_-]{12,}/g, '<redacted>'],
  [/\b[A-Fa-f0-9]{32,}\b/g, '<redacted>'],
  [/[A-Za-z0-9+/_-]{40,}={0,2}/g, '<redacted>'],
];

/** Where things live: URLs, IPs, host:port, internal host names, file paths, e-mail addresses. */
const ADDRESS_PATTERNS: ReadonlyArray<readonly [RegExp, string | ((match: string) => string)]> = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]*/gi, '<address>'],
  [/\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g, '<address>'],
  // Before host:port, so a stack frame's "file.js:42:7" goes as one path.
  [/(?:[A-Za-z]:)?(?:[\\/][\w.@-]+){2,}[\\/]?(:\d+){0,2}/g, '<path>'],
  // IPv6: four groups or more, or any "::" form (a time such as 10:30:00 has three and no "::").
  [
    /\[?(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])\]?(:\d+)?/gi,
    (match) => (match.includes('::') || match.split(':').length > 4 ? '<address>' : match),
  ],
  [/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<address>'],
  [
    /\b(?:[a-z0-9-]+\.)+(?:internal|local|localdomain|lan|corp|intranet|cluster|svc|home|private)\b(:\d+)?/gi,
    '<address>',
  ],
  [/\b(?:[a-z0-9-]+\.){2,}[a-z]{2,}\b(:\d+)?/gi, '<address>'],
  [/\b(?:localhost|[a-z][a-z0-9-]*)\s*:\s*\d{2,5}\b/gi, '<address>'],
];

function normalise(text: string): string {
  return text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

function bound(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

function apply(
  text: string,
  patterns: ReadonlyArray<readonly [RegExp, string | ((match: string) => string)]>,
): string {
  let out = text;
  for (const [pattern, replacement] of patterns)
    out =
      typeof replacement === 'string'
        ? out.replace(pattern, replacement)
        : out.replace(pattern, replacement);
  return out;
}

/**
 * The backend's reason as a caller may read it, or undefined when nothing
 * readable is left. Only for caller-class failures (4xx, Client faults,
 * INVALID_ARGUMENT...): a server fault's text never reaches a caller.
 */
export function callerReason(
  raw: string | undefined,
  maxChars = MAX_CALLER_REASON_CHARS,
): string | undefined {
  if (raw === undefined) return undefined;
  // Cut before cleaning too, so a hostile megabyte of text costs nothing to scan.
  const cleaned = normalise(
    apply(apply(bound(raw, maxChars * 8), SECRET_PATTERNS), ADDRESS_PATTERNS),
  );
  // A reason that is mostly redactions says nothing; better none than "<address> <redacted>".
  const words = cleaned
    .replace(/<(address|redacted|path)>/g, '')
    .replace(/[^A-Za-z]+/g, ' ')
    .trim();
  if (words.length < 3) return undefined;
  return bound(cleaned, maxChars);
}

/** The backend's reason for the log: secrets removed, addresses kept, bounded. */
export function logReason(
  raw: string | undefined,
  maxChars = MAX_LOG_REASON_CHARS,
): string | undefined {
  if (raw === undefined) return undefined;
  const cleaned = normalise(apply(bound(raw, maxChars * 4), SECRET_PATTERNS));
  return cleaned === '' ? undefined : bound(cleaned, maxChars);
}

/** "answered ... with HTTP 400" + ": <reason>." when there is a reason to pass on. */
export function withReason(sentence: string, reason: string | undefined): string {
  if (reason === undefined) return sentence;
  const base = sentence.replace(/\.$/, '');
  return `${base}: ${reason}${/[.!?…]$/.test(reason) ? '' : '.'}`;
}
