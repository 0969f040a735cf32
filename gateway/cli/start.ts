/** `switchboard start`: load a config file, serve it, stop cleanly on SIGINT/SIGTERM. */
import { parseArgs } from 'node:util';
import { GatewayError } from '../errors.js';
import { createGateway } from '../server.js';
import { loadConfig } from './load-config.js';
import { EXIT, type CliIo } from './output.js';

export const DEFAULT_CONFIG_FILE = 'switchboard.config.ts';

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
