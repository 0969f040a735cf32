/**
 * `npm start`: the whole demo on one machine. Starts every demo system of
 * record, the admin endpoint and a gateway on the default config file
 * (switchboard.config.ts, pointed at the started systems through
 * STOREFRONT_URL, ERP_URL and BILLING_URL), prints where to go, and stops it
 * all on Ctrl-C or SIGTERM.
 *
 * Ports: gateway 4000, storefront 4001, erp 4002, billing 4003, admin 4009;
 * each overridable by env (GATEWAY_PORT, STOREFRONT_PORT, ERP_PORT,
 * BILLING_PORT, ADMIN_PORT). SWITCHBOARD_CONFIG names another config file;
 * SWITCHBOARD_DEBUG=1 prints the full error when the demo cannot start.
 * SWITCHBOARD_ADMIN_TOKEN is the operator page's admin token; unset, a
 * random one is made for this run and printed once, beside the page's URL.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGateway, type Gateway, type SwitchboardConfig } from '../gateway/index.js';
import { DEMO_SYSTEMS, startAdmin, type DemoSystem, type DemoSystemName } from './index.js';

const HOST = '127.0.0.1';
const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const DEFAULT_PORTS = { gateway: 4000, admin: 4009 } as const;
const SHUTDOWN_LIMIT_MS = 10_000; // 10 s: past this, something hangs and we say so

/** A failure the user can fix; printed as one line, without a stack. */
class StartError extends Error {}

function portFromEnv(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new StartError(`${variable} must be a port number between 0 and 65535, got "${raw}".`);
  }
  return port;
}

function envName(name: string): string {
  return `${name.toUpperCase()}_PORT`;
}

function takenMessage(port: number, what: string, variable: string): string {
  return `Port ${port} (${what}) is already in use: stop what holds it or set ${variable} to another port.`;
}

/** True when nothing listens on `port` of HOST (0 is always free). */
function portIsFree(port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, HOST, () => probe.close(() => done(true)));
  });
}

/**
 * Runs `start`; when it fails because the port is taken, says so in one line.
 * The port is probed after the failure, so a clear message costs nothing on
 * the happy path and covers servers whose bind errors carry no EADDRINUSE
 * code (gRPC reports "No address added").
 */
async function onPort<T>(
  what: string,
  variable: string,
  port: number,
  start: () => Promise<T>,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'EADDRINUSE' || !(await portIsFree(port))) {
      throw new StartError(takenMessage(port, what, variable));
    }
    throw new StartError(
      `Could not start ${what} on port ${port}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function isConfig(value: unknown): value is SwitchboardConfig {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { sources?: unknown }).sources)
  );
}

async function loadConfig(file: string): Promise<SwitchboardConfig> {
  let loaded: unknown;
  try {
    loaded = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new StartError(
      `Could not load the config file ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const config = (loaded as { default?: unknown }).default;
  if (!isConfig(config))
    throw new StartError(
      `The config file ${file} must export default defineConfig({ sources: [...] }).`,
    );
  return config;
}

interface Running {
  systems: DemoSystem[];
  admin?: { url: string; close(): Promise<void> };
  gateway?: Gateway;
}

async function stop(running: Running): Promise<void> {
  // The gateway first, so no request reaches a system that is going away.
  await running.gateway?.close();
  await running.admin?.close();
  await Promise.all(running.systems.map((system) => system.close()));
}

interface Plan {
  systems: Array<{
    name: DemoSystemName;
    variable: string;
    port: number;
    start: (typeof DEMO_SYSTEMS)[number]['start'];
  }>;
  admin: number;
  gateway: number;
}

/** Reads every port first, so a bad value fails before anything starts; two variables naming one port is a mistake named as such. */
function plan(): Plan {
  const planned: Plan = {
    systems: DEMO_SYSTEMS.map(({ name, defaultPort, start }) => ({
      name,
      variable: envName(name),
      port: portFromEnv(envName(name), defaultPort),
      start,
    })),
    admin: portFromEnv('ADMIN_PORT', DEFAULT_PORTS.admin),
    gateway: portFromEnv('GATEWAY_PORT', DEFAULT_PORTS.gateway),
  };
  const holders = new Map<number, string>();
  for (const { variable, port } of [
    ...planned.systems,
    { variable: 'ADMIN_PORT', port: planned.admin },
    { variable: 'GATEWAY_PORT', port: planned.gateway },
  ]) {
    const other = holders.get(port);
    if (port !== 0 && other !== undefined)
      throw new StartError(
        `${other} and ${variable} both name port ${port}: give each its own port.`,
      );
    holders.set(port, variable);
  }
  return planned;
}

/**
 * Probes every port before starting anything: the common mistake (a demo
 * already running) then fails in one line, with nothing to undo and none of
 * the servers' own bind-error logging.
 */
async function checkPorts(ports: Plan): Promise<void> {
  const wanted = [
    ...ports.systems.map(({ name, variable, port }) => ({ what: name as string, variable, port })),
    { what: 'admin', variable: 'ADMIN_PORT', port: ports.admin },
    { what: 'gateway', variable: 'GATEWAY_PORT', port: ports.gateway },
  ];
  for (const { what, variable, port } of wanted) {
    if (!(await portIsFree(port))) throw new StartError(takenMessage(port, what, variable));
  }
}

async function start(running: Running): Promise<void> {
  const ports = plan();
  await checkPorts(ports);
  const urls: Partial<Record<DemoSystemName, string>> = {};
  for (const { name, variable, port, start: startSystem } of ports.systems) {
    const system = await onPort(name, variable, port, () => startSystem({ host: HOST, port }));
    running.systems.push(system);
    urls[name] = system.url;
  }
  running.admin = await onPort('admin', 'ADMIN_PORT', ports.admin, () =>
    startAdmin({ systems: running.systems, port: ports.admin, host: HOST }),
  );

  // The config file reads these when it is imported, so they are set first.
  for (const [name, url] of Object.entries(urls)) process.env[`${name.toUpperCase()}_URL`] = url;
  // The operator page needs an admin token; one made here lives as long as this run and is shown only on the terminal.
  const madeToken = !process.env.SWITCHBOARD_ADMIN_TOKEN;
  if (madeToken) process.env.SWITCHBOARD_ADMIN_TOKEN = randomBytes(24).toString('base64url');
  const config = await loadConfig(
    resolve(ROOT, process.env.SWITCHBOARD_CONFIG || 'switchboard.config.ts'),
  );
  running.gateway = await createGateway(config);
  const gateway = running.gateway;
  const base = (
    await onPort('gateway', 'GATEWAY_PORT', ports.gateway, () =>
      gateway.listen({ port: ports.gateway, host: HOST }),
    )
  ).replace(/\/$/, '');

  for (const system of running.systems) console.log(`  ${system.name.padEnd(10)} ${system.url}`);
  console.log(`Admin:      ${running.admin.url}/__admin/stats`);
  console.log(`Playground: ${base}/graphql`);
  const adminToken = config.admin?.token;
  if (typeof adminToken === 'string')
    console.log(
      `Operator:   ${base}/admin  (admin token: ${madeToken ? `${adminToken}, made for this run; set SWITCHBOARD_ADMIN_TOKEN to choose one` : 'the value of SWITCHBOARD_ADMIN_TOKEN'})`,
    );
  else console.log('Operator:   off (the config sets no admin.token)');
  console.log('Press Ctrl-C to stop.');
}

async function main(): Promise<void> {
  const running: Running = { systems: [] };
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    const limit = setTimeout(() => {
      console.error(`Still stopping after ${SHUTDOWN_LIMIT_MS} ms; exiting anyway.`);
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    limit.unref();
    console.log(`${signal}: stopping...`);
    stop(running).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(
          `Error while stopping: ${error instanceof Error ? error.message : String(error)}`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    await start(running);
  } catch (error) {
    await stop(running).catch(() => undefined);
    const message =
      error instanceof StartError
        ? error.message
        : `Could not start the demo: ${error instanceof Error ? error.message : String(error)}`;
    // One line, the reason: a stack helps us, not someone whose port is taken.
    console.error(message.split('\n')[0]);
    if (process.env.SWITCHBOARD_DEBUG) console.error(error);
    process.exit(1);
  }
}

await main();
