/**
 * A PostgreSQL server of its own for a test file or a bench run: a fresh
 * data directory in a temp dir, 127.0.0.1 on a free port, its socket in that
 * dir, stopped and removed by `close()`. The machine's own cluster and
 * service are never touched. Free of vitest so bench/ can use it too;
 * tests use `startPostgres` (postgres.ts), which registers it for cleanup.
 *
 * PostgreSQL refuses to run as root: as root, every server command runs as
 * the `postgres` system user that Debian's package creates (runuser).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePorts } from './ports.js';
import { startWatchdog, type Watchdog } from './watchdog.js';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';
const HOST = '127.0.0.1';
const SUPERUSER = 'postgres';

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  /** The superuser, trusted without a password on 127.0.0.1. */
  readonly user: string;
  readonly dataDir: string;
  /** A connection string to `database` on this server. @default "postgres" */
  url(database?: string): string;
  /** Creates a database (a fresh name when none is given) and returns its connection string. */
  createDatabase(name?: string): Promise<string>;
  /** `pg_ctl stop -m fast`, then removes the temp dir. Safe to call twice. */
  close(): Promise<void>;
}

export interface PostgresServerOptions {
  /**
   * fsync on commit, as in production. Off only where a run measures
   * something else; the journal's durability figures need it on. @default true
   */
  readonly fsync?: boolean;
}

const asRoot = (): boolean => process.getuid?.() === 0;

/** The newest installed server's bin dir, e.g. /usr/lib/postgresql/15/bin; undefined when none. */
function findBinDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(PG_ROOT, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(PG_ROOT, versions[0], 'bin');
}

let installing: Promise<string> | undefined;

/** Installs Debian's `postgresql` when no server is installed (root only), once per process. */
async function ensureInstalled(): Promise<string> {
  const found = findBinDir();
  if (found !== undefined) return found;
  if (!asRoot()) {
    throw new Error(
      "PostgreSQL is not installed and this user cannot install it: run 'sudo apt-get install -y postgresql' (or scripts/test-prerequisites.sh as root).",
    );
  }
  installing ??= (async () => {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update', '-qq'], { env, maxBuffer: 64 * 1024 * 1024 });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'], {
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    const bin = findBinDir();
    if (bin === undefined)
      throw new Error(`apt-get installed postgresql but no server is under ${PG_ROOT}`);
    return bin;
  })();
  return installing;
}

/** Runs a server binary, as the `postgres` user when we are root. */
function serverCommand(bin: string, command: string, args: readonly string[]): [string, string[]] {
  const path = join(bin, command);
  return asRoot() ? ['runuser', ['-u', SUPERUSER, '--', path, ...args]] : [path, [...args]];
}

async function runServerCommand(
  bin: string,
  command: string,
  args: readonly string[],
): Promise<void> {
  const [file, argv] = serverCommand(bin, command, args);
  await run(file, argv, { cwd: '/', maxBuffer: 16 * 1024 * 1024 });
}

function logTail(dir: string): string {
  try {
    return readFileSync(join(dir, 'server.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no server log)';
  }
}

/** Starts a fresh server; see the file's comment. */
export async function startPostgresServer(
  options: PostgresServerOptions = {},
): Promise<PostgresServer> {
  const bin = await ensureInstalled();
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-pg-'));
  const dataDir = join(dir, 'data');
  if (asRoot()) {
    const uid = Number((await run('id', ['-u', SUPERUSER])).stdout.trim());
    const gid = Number((await run('id', ['-g', SUPERUSER])).stdout.trim());
    await chown(dir, uid, gid);
  }
  // Stops the server even when the test process ends without afterAll (an
  // uncaught error, process.exit): 'exit' allows only synchronous work.
  const stopNow = (): void => {
    const [file, argv] = serverCommand(bin, 'pg_ctl', [
      'stop',
      '-D',
      dataDir,
      '-m',
      'immediate',
      '-w',
    ]);
    spawnSync(file, argv, { stdio: 'ignore', cwd: '/' });
    spawnSync('rm', ['-rf', dir], { stdio: 'ignore' });
  };
  try {
    await runServerCommand(bin, 'initdb', [
      '-D',
      dataDir,
      '-U',
      SUPERUSER,
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    let port = 0;
    for (let attempt = 1; port === 0; attempt += 1) {
      const [candidate] = await freePorts(1);
      const settings = [
        `-c listen_addresses=${HOST}`,
        `-p ${candidate}`,
        `-c unix_socket_directories=${dir}`,
        `-c fsync=${options.fsync === false ? 'off' : 'on'}`,
      ];
      try {
        await runServerCommand(bin, 'pg_ctl', [
          'start',
          '-D',
          dataDir,
          '-w',
          '-t',
          '60',
          '-l',
          join(dir, 'server.log'),
          '-o',
          settings.join(' '),
        ]);
        port = candidate as number;
      } catch (error) {
        // Another process took the port between freePorts and the listen.
        if (attempt >= 3)
          throw new Error(`PostgreSQL did not start: ${logTail(dir)}`, { cause: error });
      }
    }
    process.once('exit', stopNow);
    // A test process killed from outside runs neither afterAll nor 'exit': the watchdog stops the server then.
    const watchdog = startWatchdog([
      serverCommand(bin, 'pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']).flat(),
      ['rm', '-rf', dir],
    ]);
    return createHandle({ bin, dir, dataDir, port, stopNow, watchdog });
  } catch (error) {
    stopNow();
    throw error;
  }
}

function createHandle(init: {
  bin: string;
  dir: string;
  dataDir: string;
  port: number;
  stopNow: () => void;
  watchdog: Watchdog;
}): PostgresServer {
  const url = (database = 'postgres'): string =>
    `postgresql://${SUPERUSER}@${HOST}:${init.port}/${encodeURIComponent(database)}`;
  let databases = 0;
  let closing: Promise<void> | undefined;
  return {
    host: HOST,
    port: init.port,
    user: SUPERUSER,
    dataDir: init.dataDir,
    url,
    async createDatabase(name) {
      databases += 1;
      const database = name ?? `test_${process.pid}_${databases}`;
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database))
        throw new Error(`not a plain database name: ${database}`);
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${database}"`);
      } finally {
        await client.end();
      }
      return url(database);
    },
    close() {
      closing ??= (async () => {
        process.off('exit', init.stopNow);
        init.watchdog.disarm();
        try {
          await runServerCommand(init.bin, 'pg_ctl', [
            'stop',
            '-D',
            init.dataDir,
            '-m',
            'fast',
            '-w',
            '-t',
            '60',
          ]);
        } finally {
          await rm(init.dir, { recursive: true, force: true });
        }
      })();
      return closing;
    },
  };
}
