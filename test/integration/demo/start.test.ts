/**
 * `npm start` as a user runs it: a child process on ports chosen by env,
 * queried over HTTP, stopped with Ctrl-C (SIGINT) or SIGTERM.
 */
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../demo/index.js';
import {
  availableSystems,
  freePorts,
  isPortFree,
  spawnProcess,
  track,
  useHarness,
} from '../../harness/index.js';

useHarness();

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PORT_VARIABLES = [
  'GATEWAY_PORT',
  'ADMIN_PORT',
  ...availableSystems().map((name) => `${name.toUpperCase()}_PORT`),
];

async function portEnv(): Promise<Record<string, string>> {
  const ports = await freePorts(PORT_VARIABLES.length);
  return Object.fromEntries(
    PORT_VARIABLES.map((variable, index) => [variable, String(ports[index])]),
  );
}

/**
 * What `npm start` runs (`tsx demo/start.ts`), as `node --import tsx`: the
 * same loader, without the tsx CLI in between. That CLI relays signals to its
 * child and SIGKILLs it (exit 130) when the child does not confirm within
 * 30 ms, which a busy test machine can miss; and npx would die of the SIGINT
 * itself. Either would hide the exit code this test checks. The process gets
 * its own group and signals go to the group, as a terminal's Ctrl-C does.
 */
function launch(env: Record<string, string>) {
  // No inherited *_URL: the launcher must set them from the systems it started.
  return spawnProcess(process.execPath, ['--import', 'tsx', 'demo/start.ts'], {
    cwd: ROOT,
    env: {
      ...env,
      STOREFRONT_URL: '',
      ERP_URL: '',
      BILLING_URL: '',
      SWITCHBOARD_CONFIG: '',
      // No inherited admin token either: the launcher makes one and prints it.
      SWITCHBOARD_ADMIN_TOKEN: '',
    },
    group: true,
  });
}

/** Holds `port` the way another program would. */
async function occupy(port: number): Promise<{ close(): Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  let closed: Promise<void> | undefined;
  return track(
    { close: () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve()))) },
    `blocker on port ${port}`,
  );
}

async function allFree(env: Record<string, string>): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    Object.entries(env).map(
      async ([variable, port]) => [variable, await isPortFree(Number(port))] as const,
    ),
  );
  return Object.fromEntries(entries);
}

// A cold tsx compile of the whole demo on a busy machine can take a while; the waits inside have their own limits.
describe('npm start (demo/start.ts)', { timeout: 90_000 }, () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'starts the demo on the ports from env, answers, and stops cleanly on %s',
    async (signal) => {
      const env = await portEnv();
      const demo = launch(env);
      // A cold tsx compile of the demo on a loaded machine has taken over 30 s (the default wait).
      const [, playground] = await demo.waitFor(/Playground: (http:\/\/\S+)/, {
        timeoutMs: 60_000,
      });
      const [, stats] = await demo.waitFor(/Admin: +(http:\/\/\S+)/);
      const [, operator, adminToken] = await demo.waitFor(
        /Operator: +(http:\/\/\S+) +\(admin token: ([\w-]{32}), made for this run/,
      );
      expect(playground).toBe(`http://127.0.0.1:${env.GATEWAY_PORT}/graphql`);
      expect(stats).toBe(`http://127.0.0.1:${env.ADMIN_PORT}/__admin/stats`);
      expect(operator).toBe(`http://127.0.0.1:${env.GATEWAY_PORT}/admin`);

      const product = catalogue().products[0];
      if (!product) throw new Error('the catalogue has no products');
      const answer = await fetch(playground as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        // /graphql serves the unified schema (switchboard.config.ts sets `schema`).
        body: JSON.stringify({ query: `{ product(sku: "${product.sku}") { title } }` }),
      });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ data: { product: { title: product.title } } });

      const counts = (await (await fetch(stats as string)).json()) as Record<
        string,
        Record<string, number>
      >;
      expect(counts.storefront).toEqual({ getProductBySku: 1 });
      // The operator page's data answers the printed token, and only it (after the counts: it probes every system).
      const overview = (token: string) =>
        fetch(`${operator}/overview`, { headers: { authorization: `Bearer ${token}` } });
      expect((await overview(`${adminToken}x`)).status).toBe(401);
      expect((await overview(adminToken as string)).status).toBe(200);

      demo.signal(signal);
      expect(await demo.exited).toEqual({ code: 0, signal: null });
      expect(await allFree(env)).toEqual(
        Object.fromEntries(Object.keys(env).map((variable) => [variable, true])),
      );
    },
  );

  it('exits non-zero with one clear line when a port is taken, and leaves nothing listening', async () => {
    const env = await portEnv();
    const taken = Number(env.GATEWAY_PORT);
    const blocker = await occupy(taken);
    const demo = launch(env);
    const exit = await demo.exited;
    expect(exit.code).toBe(1);
    const lines = demo.stderr().trim().split('\n');
    expect(lines).toEqual([
      `Port ${taken} (gateway) is already in use: stop what holds it or set GATEWAY_PORT to another port.`,
    ]);
    await blocker.close();
    expect(await allFree(env)).toEqual(
      Object.fromEntries(Object.keys(env).map((variable) => [variable, true])),
    );
  });

  // Regression: GATEWAY_PORT equal to STOREFRONT_PORT blamed the gateway's port as "in use" by something else.
  it('names both variables when two of them give the same port, and starts nothing', async () => {
    const env = await portEnv();
    const demo = launch({ ...env, GATEWAY_PORT: env.STOREFRONT_PORT as string });
    expect((await demo.exited).code).toBe(1);
    expect(demo.stderr().trim()).toBe(
      `STOREFRONT_PORT and GATEWAY_PORT both name port ${env.STOREFRONT_PORT}: give each its own port.`,
    );
    expect(await allFree(env)).toEqual(
      Object.fromEntries(Object.keys(env).map((variable) => [variable, true])),
    );
  });

  it('refuses a port that is not a number', async () => {
    const env = { ...(await portEnv()), STOREFRONT_PORT: 'forty' };
    const demo = launch(env);
    expect((await demo.exited).code).toBe(1);
    expect(demo.stderr().trim()).toBe(
      'STOREFRONT_PORT must be a port number between 0 and 65535, got "forty".',
    );
  });
});
