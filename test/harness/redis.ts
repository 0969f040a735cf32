/**
 * A private Redis for one test file: Debian's `redis-server`, installed when
 * missing (as root: `apt-get update` once, then `apt-get install`, as
 * scripts/test-prerequisites.sh does before `npm test`), started on
 * 127.0.0.1 and a free port with no persistence and its own temp dir,
 * registered for cleanup and stopped by pid. A system-wide Redis service is
 * never used or touched.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { track } from './cleanup.js';
import { freePorts } from './ports.js';
import { spawnProcess, type TestProcess } from './process.js';
import { startWatchdog } from './watchdog.js';

const run = promisify(execFile);
const REDIS_SERVER = '/usr/bin/redis-server';
const INSTALL_TIMEOUT_MS = 300_000; // 5 min: apt on a cold mirror
const READY_ATTEMPTS = 200; // × 25 ms between attempts: a safety net, not a timing assertion
const START_ATTEMPTS = 3; // another process may take the free port first

export interface TestRedis {
  /** e.g. "redis://127.0.0.1:54321". */
  readonly url: string;
  readonly port: number;
  /** The server's pid while it runs. */
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL) but keeps its port and dir, to simulate an outage. */
  stop(): Promise<void>;
  /** Starts it again on the same port after `stop()`. */
  restart(): Promise<void>;
  /** Stops the server and removes its dir. Safe twice. */
  close(): Promise<void>;
}

let installing: Promise<void> | undefined;

/**
 * Servers still running, by pid, with their dirs. When the test process
 * ends without its afterAll (a hook timeout, an uncaught error), 'exit'
 * still stops them, so no redis-server outlives its test file.
 */
const running = new Map<number, string>();
process.once('exit', () => {
  for (const [pid, dir] of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Installs Debian's redis-server once per test file when it is missing. */
export function ensureRedisServer(): Promise<void> {
  installing ??= (async () => {
    if (await exists(REDIS_SERVER)) return;
    if (process.getuid?.() !== 0) {
      throw new Error(
        `${REDIS_SERVER} is missing and this user cannot install it: run 'sudo apt-get install -y redis-server' (or 'bash scripts/test-prerequisites.sh' as root).`,
      );
    }
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update', '-qq'], { env, timeout: INSTALL_TIMEOUT_MS });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'], {
      env,
      timeout: INSTALL_TIMEOUT_MS,
    });
  })();
  return installing;
}

/** True when a Redis on `port` answers PING with PONG. */
export function pingRedis(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

function spawnRedis(port: number, dir: string): TestProcess {
  const server = spawnProcess(REDIS_SERVER, [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--protected-mode',
    'yes',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ]);
  running.set(server.pid, dir);
  // A test process killed from outside runs neither afterAll nor 'exit': the watchdog stops the server then.
  const watchdog = startWatchdog([
    ['kill', '-KILL', String(server.pid)],
    ['rm', '-rf', dir],
  ]);
  void server.exited.then(() => {
    watchdog.disarm();
    running.delete(server.pid);
  });
  return server;
}

/** Waits until the server answers PING; rejects when it exited (e.g. port taken) or never answers. */
async function waitReady(server: TestProcess, port: number): Promise<void> {
  let exited = false;
  void server.exited.then(() => {
    exited = true;
  });
  for (let attempt = 0; attempt < READY_ATTEMPTS; attempt += 1) {
    if (exited)
      throw new Error(
        `redis-server on port ${port} exited before answering PING; ${server.stderr().trim() || server.stdout().trim()}`,
      );
    if (await pingRedis(port)) return;
    await sleep(25);
  }
  await server.close();
  throw new Error(`redis-server on port ${port} did not answer PING`);
}

/**
 * Installs redis-server if needed, starts a private instance and registers
 * it for `closeAll()`.
 */
export async function startRedis(): Promise<TestRedis> {
  await ensureRedisServer();
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-redis-'));
  let port = 0;
  let server: TestProcess | undefined;
  for (let attempt = 1; server === undefined; attempt += 1) {
    [port] = (await freePorts(1)) as [number];
    const candidate = spawnRedis(port, dir);
    try {
      await waitReady(candidate, port);
      server = candidate;
    } catch (error) {
      await candidate.close();
      if (attempt >= START_ATTEMPTS) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let current: TestProcess | undefined = server;
  let closing: Promise<void> | undefined;
  const redis: TestRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return current?.pid ?? -1;
    },
    async stop() {
      const running = current;
      current = undefined;
      await running?.close();
    },
    async restart() {
      if (current !== undefined) return;
      const next = spawnRedis(port, dir);
      await waitReady(next, port);
      current = next;
    },
    close() {
      closing ??= (async () => {
        await redis.stop();
        await rm(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
  return track(redis, `redis-server on port ${port}`);
}
