/**
 * Child processes for tests of entry points (`npm start`, the CLI): collects
 * their output, waits for a line, and is registered for cleanup so a failed
 * test never leaves a process (and its ports) behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { track } from './cleanup.js';

export interface ProcessExit {
  /** Null when the process ended by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface TestProcess {
  readonly pid: number;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /**
   * Resolves with the first match of `pattern` in stdout (or stderr with
   * `{ stream: 'stderr' }`), already written or still to come. Rejects when the
   * process exits first or after `timeoutMs` (a safety net against hangs, not
   * a timing assertion), with the output so far in the message.
   */
  waitFor(
    pattern: RegExp,
    options?: { stream?: 'stdout' | 'stderr'; timeoutMs?: number },
  ): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after a grace period when still running. Safe twice. */
  close(): Promise<void>;
}

export interface SpawnOptions {
  cwd?: string;
  /** Added to the parent's environment. */
  env?: Record<string, string>;
  /**
   * Runs the process in its own process group and sends every signal to the
   * whole group, as a terminal's Ctrl-C does; grandchildren (tsx's node
   * child, say) are then stopped too. @default false
   */
  group?: boolean;
}

const DEFAULT_WAIT_MS = 30_000; // 30 s: tsx compiles on first run
const KILL_GRACE_MS = 5_000; // 5 s

/** Starts `command` with `args` (no shell) and registers it for `closeAll()`. */
export function spawnProcess(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): TestProcess {
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.group === true,
  });
  const send = (signal: NodeJS.Signals): void => {
    if (options.group === true && child.pid !== undefined) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    } else {
      child.kill(signal);
    }
  };
  const output = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((listener) => listener());
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
    notify();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
    notify();
  });
  let done = false; // the process is gone (or never started)
  let drained = false; // ...and its output is all read
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      // 'exit' may fire before the pipes are drained; 'close' follows them.
      child.once('close', () => {
        drained = true;
        resolve({ code, signal });
        notify();
      });
    });
    child.once('error', () => {
      done = true;
      drained = true;
      resolve({ code: null, signal: null });
      notify();
    });
  });

  const describe = (): string =>
    `stdout: ${output.stdout.trim() || '(empty)'}; stderr: ${output.stderr.trim() || '(empty)'}`;

  const handle: TestProcess = {
    pid: child.pid ?? -1,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    exited,
    waitFor(pattern, { stream = 'stdout', timeoutMs = DEFAULT_WAIT_MS } = {}) {
      return new Promise((resolve, reject) => {
        let settled = false;
        const check = (): void => {
          if (settled) return;
          const match = output[stream].match(pattern);
          if (match) return finish(() => resolve(match));
          if (drained) {
            return finish(() =>
              reject(
                new Error(
                  `process exited (code ${child.exitCode}, signal ${child.signalCode}) before printing ${pattern}; ${describe()}`,
                ),
              ),
            );
          }
        };
        const timer = setTimeout(
          () =>
            finish(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; ${describe()}`))),
          timeoutMs,
        );
        const finish = (settle: () => void): void => {
          settled = true;
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    signal(signal) {
      if (!done) send(signal);
    },
    async close() {
      if (!done) {
        send('SIGTERM');
        const timer = setTimeout(() => send('SIGKILL'), KILL_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    },
  };
  return track(handle, `process ${command} ${args.join(' ')}`);
}
