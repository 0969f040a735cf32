import { describe, expect, it } from 'vitest';
import { createFailureLog } from '../../../../gateway/cache/failure-log.js';
import { createLogger } from '../../../../gateway/logger.js';

function capture() {
  const lines: Array<{ level: string; message: string; failuresNotLogged?: number }> = [];
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

describe('failure log: a store outage is logged, not flooded', () => {
  it('logs the first failure, counts the rest, and logs the recovery with what it did not log', () => {
    const { lines, logger } = capture();
    const log = createFailureLog(logger, 'redis', 60_000);
    for (let i = 0; i < 100; i += 1) log.failed('getMany', new Error('down'));
    log.succeeded();
    log.succeeded();
    expect(log.count).toBe(100);
    expect(lines.map((line) => line.level)).toEqual(['warn', 'info']);
    expect(lines[1]?.failuresNotLogged).toBe(99);
  });

  it('logs again after quietMs while failures go on, and at once after a recovery', () => {
    const { lines, logger } = capture();
    const log = createFailureLog(logger, 'redis', 0);
    log.failed('getMany', new Error('down'));
    log.failed('getMany', new Error('down'));
    log.succeeded();
    log.failed('setMany', new Error('down again'));
    expect(lines.map((line) => line.level)).toEqual(['warn', 'warn', 'info', 'warn']);
  });
});
