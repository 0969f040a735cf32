/**
 * At most one log line per interval for events that come in floods when a
 * source struggles (bulkhead rejections, spent budgets, held-back calls):
 * the first is logged at once, later ones are counted into the next line's
 * `suppressed`, so the log says how many without one line each.
 */
import type { LogFields } from '../logger.js';

export type LogLine = (message: string, fields: LogFields) => void;

/** @param intervalMs shortest time between two lines, in ms. */
export function throttleLog(log: LogLine, intervalMs = 1_000): LogLine {
  let lastAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (message, fields) => {
    const now = Date.now();
    if (now - lastAt < intervalMs) {
      suppressed += 1;
      return;
    }
    log(message, suppressed > 0 ? { ...fields, suppressed } : fields);
    lastAt = now;
    suppressed = 0;
  };
}
