/** `switchboard start`: load a config file, serve it, stop cleanly on SIGINT/SIGTERM. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { SwitchboardConfig } from '../config/index.js';
import { GatewayError } from '../errors.js';
import { createGateway } from '../server.js';
import { EXIT, type CliIo } from './output.js';

export const DEFAULT_CONFIG_FILE = 'switchboard.config.ts';

/** Imports a config file (TypeScript through tsx) and returns its default export; `check` shares it. */
export async function loadConfig(file: string): Promise<SwitchboardConfig> {
  const path = resolve(file);
  let loaded: { default?: unknown };
  try {
    loaded = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (cause) {
    const missing = (cause as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && String((cause as Error).message).includes(path);
    throw new GatewayError({
      code: 'CONFIG_INVALID',
      safeMessage: missing ? `No config file at ${file}.` : `The config file ${file} could not be loaded: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`,
      details: { path: file },
      cause,
    });
  }
  const config = typeof loaded.default === 'function' ? await (loaded.default as () => unknown)() : await loaded.default;
  if (typeof config !== 'object' || config === null) {
    throw new GatewayError({ code: 'CONFIG_INVALID', safeMessage: `The config file ${file} should export a config as default (export default defineConfig({...})).`, details: { path: file } });
  }
  return config as SwitchboardConfig;
}

function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new GatewayError({ code: 'CONFIG_INVALID', safeMessage: `--port should be a port number from 0 to 65535, instead got "${value.slice(0, 20)}".`, details: { path: '--port' } });
  return Number(value);
}

export async function start(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { config: { type: 'string', default: DEFAULT_CONFIG_FILE }, port: { type: 'string' }, host: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const port = portOf(values.port);
  const config = await loadConfig(values.config ?? DEFAULT_CONFIG_FILE);
  const gateway = await createGateway(config);
  let url: string;
  try {
    url = await gateway.listen({ ...(port === undefined ? {} : { port }), ...(values.host === undefined ? {} : { host: values.host }) });
  } catch (error) {
    await gateway.close();
    throw error;
  }
  io.out(`Switchboard is listening on ${url}\nPlayground: ${url}/graphql\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.err('switchboard: stopping...\n');
      gateway.close().then(done, done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return EXIT.ok;
}
