/** How the CLI speaks: results on stdout, one-line reasons on stderr, never a stack. */
import { SwitchboardError } from '../../sources/common/index.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** Exit codes: 0 done, 1 the input or a system failed, 2 the command line was wrong. */
export const EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2 });

/** One line saying why, with the code when the error has one. */
export function reasonOf(error: unknown): string {
  if (error instanceof SwitchboardError) {
    const { location } = error as { location?: unknown };
    return `${error.code}: ${error.safeMessage}${typeof location === 'string' && !error.safeMessage.includes(location) ? ` (at ${location})` : ''}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? 'unknown error';
}
