/**
 * Structured logs: one JSON object per line (pino), on stderr unless a
 * destination is given (tests pass one to read the lines); stderr's lines are
 * written once per turn of the event loop (log-buffer.ts). The `Logger`
 * interface is the gateway's own so call sites never depend on pino.
 *
 * Secrets are kept out twice: fields whose name says secret (authorization,
 * cookie, password, token...) are censored, at the top of a line by pino's
 * `redact` and deeper (up to four levels) by the walk that cleans the fields;
 * and every other string a line carries is
 * scrubbed of secrets written inside free text (a Bearer token in a
 * backend's reason, a WS-Security password in a SOAP fault, user:pass@ in a
 * URL) by the same patterns that clean backend reasons
 * (sources/common/reason.ts). A level that is off costs one no-op call.
 */
import { pino, type DestinationStream, type LevelWithSilent } from 'pino';
import { logReason } from '../sources/common/index.js';
import { stderrLogBuffer } from './log-buffer.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Writes out what is buffered (the gateway calls it on close). Optional: test loggers need none. */
  flush?(): void;
}

/** Field names whose value is a secret, whatever it holds. Matched exactly (pino paths are case-sensitive), so both spellings a header or a config uses are listed. */
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'Set-Cookie',
  'password',
  'passwd',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'secret',
  'clientSecret',
  'apiKey',
  'api_key',
  'x-api-key',
  'privateKey',
  'credentials',
];

/**
 * The pino redact paths: each secret key at the top level of a line. Deeper
 * ones (headers.authorization) are censored by `clean`'s walk instead: pino's
 * wildcard paths (`*.authorization`) cost ~50 µs a line for this list, the
 * walk a set lookup per key it already visits.
 */
export const REDACT_PATHS: readonly string[] = SECRET_KEYS.map((key) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`,
);

const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS.map((key) => key.toLowerCase()));

const CENSOR = '<redacted>';

/** Fields that never hold free text: not scanned, so the per-request line costs no regular expression on them. */
const PLAIN_KEYS = new Set([
  'requestId',
  'method',
  'status',
  'durationMs',
  'source',
  'operation',
  'calledAs',
  'code',
  'level',
  'time',
  'keys',
  'missing',
  'retryable',
  'attempt',
]);

const MAX_DEPTH = 4;

/** Errors become `{ name, message, code, stack, cause }` (JSON.stringify would drop them); strings lose secrets. */
function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length < 8 ? value : scrub(value);
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return value;
  if (value instanceof Error) {
    const { code } = value as { code?: unknown };
    const message = scrub(value.message);
    return {
      name: value.name,
      message,
      ...(code === undefined ? {} : { code }),
      ...(value.stack === undefined ? {} : { stack: stackOf(value.stack, value.message, message) }),
      ...(value.cause !== undefined && depth < 3 ? { cause: clean(value.cause, depth + 1) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((item) => clean(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    out[key] = SECRET_KEY_SET.has(key.toLowerCase())
      ? CENSOR
      : PLAIN_KEYS.has(key)
        ? item
        : clean(item, depth + 1);
  return out;
}

/**
 * The stack with its message cleaned and its frames as they are: frames are
 * code locations an operator needs whole, and the patterns would take a long
 * path for a key. A stack that does not quote its message is cleaned whole.
 */
function stackOf(stack: string, message: string, cleaned: string): string {
  if (message === '' || !stack.includes(message)) return scrub(stack);
  return message === cleaned ? stack : stack.replace(message, () => cleaned);
}

/** A free-text string without the secrets reason.ts recognises; whitespace is kept as written only when nothing was found. */
function scrub(text: string): string {
  const cleaned = logReason(text, 20_000) ?? '';
  // logReason folds whitespace (a stack's lines); keep the original when it held no secret.
  return cleaned === text.replace(/\s+/g, ' ').trim() ? text : cleaned;
}

/** The fields of one line, cleaned; the top level is copied so a caller's object is never changed. */
export function cleanFields(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields))
    out[key] = PLAIN_KEYS.has(key)
      ? value
      : SECRET_KEY_SET.has(key.toLowerCase())
        ? CENSOR
        : clean(value, 0);
  return out;
}

const noop = (): void => {};

/**
 * @param options.level the least severe level written; "silent" writes nothing.
 * @param options.write receives each line (without its newline) instead of stderr, e.g. for a test to read.
 * @example
 * const lines: string[] = [];
 * const logger = createLogger({ level: 'info', write: (line) => lines.push(line) });
 */
export function createLogger(options: { level: LogLevel; write?: (line: string) => void }): Logger {
  const { write } = options;
  // stderr gathered per turn of the event loop (log-buffer.ts: one write(2) for the lines of a turn, not one
  // synchronous write each), still through process.stderr.write, so a test's capture or a host's hook sees them.
  const buffer = write === undefined ? stderrLogBuffer() : undefined;
  const destination: DestinationStream = buffer ?? {
    write: (chunk: string) => write?.(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk),
  };
  const base = pino(
    {
      level: options.level satisfies LevelWithSilent,
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACT_PATHS], censor: CENSOR },
    },
    destination,
  );
  const at = (
    level: Exclude<LogLevel, 'silent'>,
  ): ((message: string, fields?: LogFields) => void) => {
    // Decided once: the gateway never changes its level, so a level that is off is a no-op, not a check per call.
    if (!base.isLevelEnabled(level)) return noop;
    const log = base[level].bind(base);
    return (message, fields) => {
      // A short message ("request") cannot hold a secret the patterns know: not scanned.
      const text = message.length < 8 ? message : scrub(message);
      try {
        log(fields === undefined ? {} : cleanFields(fields), text);
      } catch {
        log({ note: 'fields could not be serialised' }, text);
      }
    };
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    flush: () => {
      base.flush();
      buffer?.flush();
    },
  };
}
