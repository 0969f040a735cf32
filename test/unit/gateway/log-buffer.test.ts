/**
 * The log's way to stderr (gateway/log-buffer.ts): lines are gathered per
 * turn of the event loop, written through process.stderr.write in order, on
 * flush at once, and on the process's exit without being lost.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../gateway/index.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('the stderr log buffer', { timeout: 60_000 }, () => {
  const original = process.stderr.write;
  afterEach(() => {
    process.stderr.write = original;
  });

  /** Captures what reaches process.stderr.write, as the hostile tests' interceptLog does. */
  function capture(): string[] {
    const chunks: string[] = [];
    process.stderr.write = ((chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stderr.write;
    return chunks;
  }

  it('writes the lines of one turn together after it, in order; flush writes at once', async () => {
    const chunks = capture();
    const logger = createLogger({ level: 'info' });
    logger.info('first line', { requestId: 'a' });
    logger.warn('second line', { requestId: 'b' });
    expect(chunks).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toHaveLength(1);
    const lines = (chunks[0] ?? '').trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { message: string }).message)).toEqual([
      'first line',
      'second line',
    ]);

    logger.info('third line');
    logger.flush?.();
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toContain('"message":"third line"');
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toHaveLength(2);
  });

  // Only the buffer is loaded in the child: compiling the whole gateway there costs seconds.
  it('loses no line when the process exits in the same turn it logged', async () => {
    const script = `
      const { stderrLogBuffer } = await import(${JSON.stringify(`${ROOT}gateway/log-buffer.ts`)});
      const buffer = stderrLogBuffer();
      for (let index = 0; index < 3; index += 1) buffer.write(JSON.stringify({ requestId: String(index) }) + '\\n');
      process.exit(3);
    `;
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((done) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { cwd: ROOT },
        (error, _stdout, stderr) =>
          done({ code: error === null ? 0 : ((error.code as number | undefined) ?? null), stderr }),
      );
    });
    expect(code).toBe(3);
    const ids = stderr
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { requestId: string }).requestId);
    expect(ids).toEqual(['0', '1', '2']);
  });
});
