/**
 * The benches' child processes: a script started under tsx that prints a
 * ready line on stdout, and stopped with SIGTERM. One copy for every bench
 * (gateway-vs-direct, floor, telemetry, fault-run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Node's flags for every bench process, gateway, direct client and demo
 * systems alike: what docs/operations.md says to start the gateway with,
 * so a gateway is measured as it is to be run.
 * `BENCH_NODE_FLAGS` replaces them (`BENCH_NODE_FLAGS=` for Node's defaults).
 */
export const SERVICE_FLAGS: readonly string[] = (
  process.env.BENCH_NODE_FLAGS ?? '--max-semi-space-size=64'
)
  .split(' ')
  .filter((flag) => flag !== '');

export interface ChildOptions {
  /** Where the script runs (its paths are relative to it). @default the repository's root */
  readonly cwd?: string;
  /** The child's stderr: inherited, dropped, or a file descriptor (a log file). @default 'inherit' */
  readonly stderr?: 'inherit' | 'ignore' | number;
  /** Node's flags for this child. @default SERVICE_FLAGS */
  readonly flags?: readonly string[];
}

/** Starts `node --import tsx <args>`; resolves with the child and the first stdout line matching `ready`. */
export function startChild(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  options: ChildOptions = {},
): Promise<{ child: ChildProcess; line: string }> {
  const flags = options.flags ?? SERVICE_FLAGS;
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', options.stderr ?? 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (ready.test(line)) resolve({ child, line });
    });
    child.once('exit', (code) =>
      reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)),
    );
  });
}

/** Stops a child with SIGTERM and waits for its exit; at once when it has already exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
