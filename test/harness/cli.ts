/**
 * The `switchboard` command for tests, two ways. `runCli` calls the CLI's
 * `main()` in this process, as bin/switchboard.js does, with its output
 * captured: a spawn costs a Node start and a load of the gateway (seconds,
 * more on a busy machine), so argument, output and exit-code cases run here.
 * `spawnCli` runs the real bin as a child process, for the cases about the
 * bin itself (its exit codes, signals, its environment); a few of those per
 * command prove the two agree.
 */
import { resolve } from 'node:path';
import { spawnProcess } from './process.js';

/** The repository root: where `npx switchboard` runs in CI. */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** The real command. */
export const SWITCHBOARD_BIN = resolve(REPO_ROOT, 'bin/switchboard.js');

export interface CliRun {
  /** The exit code; null when a spawned command ended by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  /** Where the command runs. @default REPO_ROOT */
  readonly cwd?: string;
}

// The test process's own folder, where each in-process run comes back to.
const home = process.cwd();

// In-process runs, one after the other: the working folder is the process's,
// and a run reads paths relative to it long after loadConfig moved there.
let queue: Promise<unknown> = Promise.resolve();

/**
 * `switchboard <args>` in this process. The CLI moves to a config's folder
 * (loadConfig), so each run starts in `cwd` and the process moves back after;
 * overlapping calls run one at a time.
 */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  const run = queue.then(() => runNow(args, options));
  queue = run.catch(() => undefined);
  return run;
}

async function runNow(args: readonly string[], options: CliRunOptions): Promise<CliRun> {
  // Loaded on first use: files that import the harness for something else do not pay for the CLI.
  const { main } = await import('../../gateway/cli/main.js');
  let stdout = '';
  let stderr = '';
  process.chdir(options.cwd ?? REPO_ROOT);
  try {
    const code = await main(args, {
      out: (text) => void (stdout += text),
      err: (text) => void (stderr += text),
    });
    return { code, stdout, stderr };
  } finally {
    process.chdir(home);
  }
}

export interface CliSpawnOptions extends CliRunOptions {
  /** Added to this process's environment. */
  readonly env?: Record<string, string>;
}

/** `node bin/switchboard.js <args>` as a child process, registered for cleanup; resolves when it exited. */
export async function spawnCli(
  args: readonly string[],
  options: CliSpawnOptions = {},
): Promise<CliRun> {
  const child = spawnProcess(process.execPath, [SWITCHBOARD_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const { code } = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}
