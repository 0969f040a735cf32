/** `switchboard start`: load a config file, serve it, stop cleanly on SIGINT/SIGTERM. */
import { parseArgs } from 'node:util';
import type { Source } from '../../sources/common/index.js';
import { resolveConfig } from '../config/index.js';
import { GatewayError } from '../errors.js';
import { createGateway } from '../server.js';
import { loadConfig } from './load-config.js';
import { EXIT, type CliIo } from './output.js';

export const DEFAULT_CONFIG_FILE = 'switchboard.config.ts';

function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage: `--port should be a port number from 0 to 65535, instead got "${value.slice(0, 20)}".`,
      details: { path: '--port' },
    });
  return Number(value);
}

/**
 * parseArgs reads `--port -1` as two options and answers "argument is
 * ambiguous"; a value that starts with "-" is joined to its option so the
 * value check below can say what is wrong with it.
 */
function joinDashValues(argv: readonly string[], valued: readonly string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    const next = argv[index + 1];
    if (valued.includes(arg) && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      index += 1;
    } else joined.push(arg);
  }
  return joined;
}

/** "http://user:secret@host/x" → "http://host/x": the terminal is no place for a credential. */
function shownAddress(url: string): string {
  try {
    const parsed = new URL(url);
    if (!/^https?:$/.test(parsed.protocol)) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return url;
  }
}

/** One line per source: its name, kind, address and whether it answers now. */
async function describeSources(sources: readonly Source[]): Promise<string> {
  const width = Math.max(...sources.map((source) => source.name.length));
  const lines = await Promise.all(
    sources.map(async (source) => {
      const health = await source
        .health()
        .catch(() => ({ ok: false, latencyMs: 0, message: 'the health probe failed' }));
      const state = health.ok
        ? `up (${Math.round(health.latencyMs)} ms)`
        : `DOWN: ${health.message ?? 'no answer'}`;
      return `  ${source.name.padEnd(width)}  ${source.kind.padEnd(4)}  ${source.url === undefined ? '(no url)' : shownAddress(source.url)}  ${state}`;
    }),
  );
  return `Sources:\n${lines.join('\n')}\n`;
}

/** The one-line reason a listen failed, for the errors a person makes. */
function listenFailure(
  error: unknown,
  host: string,
  port: number | undefined,
): GatewayError | unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE')
    return new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage: `Port ${port ?? '?'} on ${host} is already in use: stop what holds it, or pass --port (or server.port) with another one.`,
      details: { path: 'server.port' },
      cause: error,
    });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage: `Cannot listen on ${host}: no such address on this machine. Pass --host (or server.host) with one it has, e.g. 127.0.0.1.`,
      details: { path: 'server.host' },
      cause: error,
    });
  if (code === 'EACCES')
    return new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage: `Not allowed to listen on port ${port ?? '?'} (ports below 1024 need privileges): pick a port above 1023.`,
      details: { path: 'server.port' },
      cause: error,
    });
  return error;
}

/**
 * The young generation Node was started with, for the start-up lines. It
 * cannot be resized once Node runs, and a shebang cannot carry the flag
 * portably (Alpine's env has no -S), so whoever starts Node gives it
 * (`NODE_OPTIONS=--max-semi-space-size=64`; `npm start` does). With Node's
 * default (16 MB), answers of a few hundred KiB outlive it under load and a
 * third of a heavy query's CPU goes to garbage collection
 * (docs/operations.md, issue 15).
 */
function youngGeneration(): string {
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  const set = [...flags.matchAll(/--max-semi-space-size[= ](\d+)/g)].at(-1)?.[1];
  return set === undefined
    ? 'Node:       default young generation (start with --max-semi-space-size=64: docs/operations.md)\n'
    : `Node:       --max-semi-space-size=${set}\n`;
}

export async function start(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: joinDashValues(argv, ['--port']),
    options: {
      config: { type: 'string', default: DEFAULT_CONFIG_FILE },
      port: { type: 'string' },
      host: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = portOf(values.port);
  const resolved = await resolveConfig(await loadConfig(values.config ?? DEFAULT_CONFIG_FILE));
  const gateway = await createGateway(resolved);
  // Caught before anything is printed: whoever reads "listening" and stops us at
  // once must find the handler in place (a signal before it would kill the
  // process with the journal and connections open).
  let requested: () => void = () => undefined;
  const stopRequested = new Promise<void>((done) => (requested = done));
  const stop = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    io.err('switchboard: stopping...\n');
    requested();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const host = values.host ?? resolved.server.host;
  let url: string;
  try {
    url = await gateway.listen({ ...(port === undefined ? {} : { port }), host });
  } catch (error) {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await gateway.close();
    throw listenFailure(error, host, port ?? resolved.server.port);
  }
  io.out(`Switchboard is listening on ${url}\nPlayground: ${url}/graphql\n${youngGeneration()}`);
  // The page exists only with an admin credential (gateway/operator/); the token itself is never printed here.
  if (resolved.admin.token !== null)
    io.out(`Operator:   ${url}/admin (with the admin token, config admin.token)\n`);
  io.out(await describeSources(resolved.sources));
  await stopRequested;
  await gateway.close().catch(() => undefined);
  return EXIT.ok;
}
