/**
 * Stops a test's servers when the test process is gone without its
 * afterAll: killed from outside (SIGKILL, a CI timeout), where neither
 * afterAll nor process.on('exit') runs. A tiny `sh` holds the read end of a
 * pipe whose write end only this process has; when this process dies, the
 * kernel closes that end, `read` sees end-of-file, and the shell runs the
 * cleanup commands. A normal stop disarms it first, so it never acts on a
 * server that is already gone (or on a pid that was since reused). Free of
 * vitest, so bench/ can use it too.
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

export interface Watchdog {
  /** The watchdog's own pid. */
  readonly pid: number;
  /** The server stopped normally: the watchdog exits without running its commands. Safe twice. */
  disarm(): void;
}

/** One argument for sh, quoted so that nothing in it is interpreted. */
function quote(argument: string): string {
  return `'${argument.replaceAll("'", "'\\''")}'`;
}

/**
 * Starts a watchdog that runs `commands` (each an argv, run in order, each
 * whatever the previous one's outcome) once this process has died.
 */
export function startWatchdog(commands: ReadonlyArray<readonly string[]>): Watchdog {
  const cleanup = commands.map((argv) => `${argv.map(quote).join(' ')} >/dev/null 2>&1`);
  // "disarm" ends it quietly; end-of-file (read fails) means the test process is gone.
  const script = `IFS= read -r line; [ "$line" = disarm ] && exit 0; ${cleanup.join('; ')}; exit 0`;
  const child = spawn('sh', ['-c', script], {
    stdio: ['pipe', 'ignore', 'ignore'],
    cwd: '/', // wherever the test ran may be gone, or closed to the user a command runs as
    // Its own process group: a Ctrl-C to the test run's group must not stop it before it acts.
    detached: true,
  });
  const stdin = child.stdin as Writable & { unref?: () => void };
  // Neither the watchdog nor its pipe keeps this process alive.
  child.unref();
  stdin.unref?.();
  stdin.on('error', () => undefined); // it may be gone already
  let armed = true;
  return {
    pid: child.pid ?? -1,
    disarm() {
      if (!armed) return;
      armed = false;
      stdin.end('disarm\n');
    },
  };
}
