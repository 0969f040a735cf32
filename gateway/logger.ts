/**
 * Structured logs: one JSON object per line on stderr, so any log shipper
 * can read them. Written by hand because the gateway needs four levels and
 * no transport; a logging library would add weight and nothing else.
 * Callers never pass headers or tokens here (no secret reaches a log).
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Errors become `{ name, message, code, stack, cause }`, which JSON.stringify would drop. */
function serialize(value: unknown, depth = 0): unknown {
  if (value instanceof Error) {
    const { code } = value as { code?: unknown };
    return {
      name: value.name,
      message: value.message,
      ...(code === undefined ? {} : { code }),
      stack: value.stack,
      ...(value.cause !== undefined && depth < 3 ? { cause: serialize(value.cause, depth + 1) } : {}),
    };
  }
  return value;
}

export function createLogger(options: { level: LogLevel; write?: (line: string) => void }): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level);
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const log = (level: Exclude<LogLevel, 'silent'>) => (message: string, fields: LogFields = {}) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, message };
    for (const [key, value] of Object.entries(fields)) entry[key] = serialize(value);
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch {
      line = JSON.stringify({ time: entry.time, level, message, note: 'fields could not be serialised' });
    }
    write(line);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
