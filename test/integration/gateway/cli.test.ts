/**
 * The `switchboard` command against real files: argument, output and
 * exit-code cases call the CLI in this process (runCli); the bin itself is
 * spawned as a real child process where it matters: an exit 1 and an exit 2
 * with nothing but the one-line reason on stderr, and `start` serving,
 * following its environment and stopping on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT as ROOT,
  SWITCHBOARD_BIN as BIN,
  runCli as run,
  spawnCli,
  startSystems,
  useHarness,
} from '../../harness/index.js';

useHarness();
const children = new Set<ReturnType<typeof spawn>>();
const scratch = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

// Some tests spawn the CLI; the limit guards against a hang on a busy machine, it times nothing.
describe('switchboard CLI', { timeout: 120_000 }, () => {
  it('--help prints usage and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('print-subgraph --rest');
  });

  it('print-subgraph --rest prints the SDL on stdout', async () => {
    const { code, stdout, stderr } = await run([
      'print-subgraph',
      '--rest',
      'demo/storefront/openapi.yaml',
      '--name',
      'storefront',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/type Query \{/);
    expect(stdout).toContain('getProduct(');
    expect(stderr).toBe('');
  });

  it('print-subgraph --rest prints what it left out as warnings on stderr, keeping stdout pure SDL', async () => {
    const { code, stdout, stderr } = await run([
      'print-subgraph',
      '--rest',
      'test/fixtures/openapi/polymorphism.yaml',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/type Query \{/);
    expect(stdout).not.toContain('warning');
    expect(stderr).toMatch(/^warning: #\/paths\/~1upload\/post: .*multipart/m);
  });

  it('a missing contract exits 1 with a one-line reason and no stack (the real bin)', async () => {
    const { code, stdout, stderr } = await spawnCli([
      'print-subgraph',
      '--rest',
      'no/such/openapi.yaml',
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^switchboard: CONTRACT_/);
    expect(stderr).not.toMatch(/\bat .*:\d+:\d+/);
  });

  it('print-subgraph --soap prints the erp WSDL as SDL', async () => {
    const { code, stdout } = await run([
      'print-subgraph',
      '--soap',
      'demo/erp/erp.wsdl',
      '--name',
      'erp',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /getStockLevels\(itemCode: \[String!\]! @constraint\(maxLength: 64, minItems: 1\), warehouse: Warehouse\): \[StockLevel!\]!/,
    );
    expect(stdout).toMatch(/type Mutation \{[\s\S]*createSalesOrder\(/);
  });

  it('print-subgraph --grpc reads a .proto with its include path, and warns about what it left out', async () => {
    const { code, stdout, stderr } = await run([
      'print-subgraph',
      '--grpc',
      'demo/billing/proto/billing/v1/billing.proto',
      '--include',
      'demo/billing/proto',
      '--name',
      'billing',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/batchGetPrices\(/);
    expect(stdout).toMatch(/type Subscription \{[\s\S]*watchInvoiceEvents\(/);
    expect(stderr).toMatch(/^warning: .*ImportInvoices: Client streaming RPCs are not supported/m);
  });

  it('print-subgraph --grpc-reflect asks a running server and prints the same operations', async () => {
    const systems = await startSystems(['billing']);
    try {
      const fromReflection = await run([
        'print-subgraph',
        '--grpc-reflect',
        systems.billing.url,
        '--name',
        'billing',
      ]);
      expect(fromReflection.code).toBe(0);
      const fromProto = await run([
        'print-subgraph',
        '--grpc',
        'demo/billing/proto/billing/v1/billing.proto',
        '--include',
        'demo/billing/proto',
        '--name',
        'billing',
      ]);
      const fields = (sdl: string): string[] =>
        [...sdl.matchAll(/^\s+(\w+)\(/gm)].map((match) => match[1] as string).sort();
      expect(fields(fromReflection.stdout)).toEqual(fields(fromProto.stdout));
      expect(fields(fromReflection.stdout)).toContain('capturePayment');
    } finally {
      await systems.close();
    }
  });

  it('bad SOAP and gRPC input exits non-zero with a one-line reason', async () => {
    for (const args of [
      ['print-subgraph', '--soap', 'no/such/service.wsdl'],
      ['print-subgraph', '--soap', 'demo/storefront/openapi.yaml'],
      ['print-subgraph', '--grpc', 'no/such/billing.proto'],
      ['print-subgraph', '--grpc', 'demo/erp/erp.wsdl'],
      // Port 1: nothing listens there, so reflection is refused at once.
      ['print-subgraph', '--grpc-reflect', '127.0.0.1:1', '--name', 'billing'],
    ]) {
      const { code, stdout, stderr } = await run(args);
      expect(code, args.join(' ')).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(stderr).not.toMatch(/\bat .*:\d+:\d+/);
    }
  });

  it('names the source after the contract file, and asks for a name with --grpc-reflect', async () => {
    const { code, stdout } = await run([
      'print-subgraph',
      '--rest',
      'test/fixtures/openapi/polymorphism.yaml',
    ]);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/\bApi[A-Z]/);
    const unnamed = await run(['print-subgraph', '--grpc-reflect', '127.0.0.1:1']);
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr.trim()).toBe(
      'switchboard: print-subgraph --grpc-reflect needs --name <source name>, e.g. --name billing.',
    );
  });

  it('a wrong command line exits 2', async () => {
    expect((await run(['print-subgraph', '--bogus', 'x'])).code).toBe(2);
    expect((await run(['print-subgraph'])).code).toBe(2);
    // The real bin: its exit code is main()'s.
    const spawned = await spawnCli(['fly']);
    expect(spawned.code).toBe(2);
    expect(spawned.stderr).toBe('switchboard: unknown command "fly". Run "switchboard --help".\n');
  });

  it('start refuses a negative or out-of-range --port in one line, as a value, not an ambiguous option', async () => {
    for (const port of ['-1', '70000', 'abc']) {
      const { code, stderr } = await run(['start', '--port', port]);
      expect(code, port).toBe(1);
      expect(stderr.trim(), port).toBe(
        `switchboard: CONFIG_INVALID: --port should be a port number from 0 to 65535, instead got "${port}".`,
      );
    }
  });

  // Regression: `npx switchboard start` ignored GATEWAY_PORT and the systems' *_PORT variables the README names.
  it("start with the default config follows GATEWAY_PORT and the systems' port variables, and says which sources answer", async () => {
    const systems = await startSystems(['storefront']);
    const { createServer } = await import('node:net');
    const free = await new Promise<number>((done) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => done(port));
      });
    });
    const storefrontPort = new URL(systems.storefront.url).port;
    // The *_URL variables would win over the ports: this test is about the ports alone.
    const { STOREFRONT_URL: _s, ERP_URL: _e, BILLING_URL: _b, ...inherited } = process.env;
    const env = {
      ...inherited,
      GATEWAY_PORT: String(free),
      STOREFRONT_PORT: storefrontPort,
      ERP_PORT: '9',
      BILLING_PORT: '9',
    };
    const child = spawn(process.execPath, [BIN, 'start'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    try {
      const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
      const out = await new Promise<string>((done, fail) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (/billing .*\n/.test(text)) done(text);
        });
        child.on('close', (code) => fail(new Error(`switchboard start exited ${code}: ${text}`)));
      });
      expect(out).toContain(`Switchboard is listening on http://127.0.0.1:${free}`);
      expect(out).toMatch(
        new RegExp(`storefront +rest +http://127\\.0\\.0\\.1:${storefrontPort}/ +up \\(\\d+ ms\\)`),
      );
      expect(out).toMatch(/erp +soap +http:\/\/127\.0\.0\.1:9\/erp +DOWN: /);
      expect(out).toMatch(/billing +grpc +127\.0\.0\.1:9 +DOWN: /);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await systems.close();
    }
  });

  it('start on a port in use says so in one line', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', () => done()));
    const { port } = blocker.address() as { port: number };
    try {
      const { code, stderr } = await run(['start', '--port', String(port)]);
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        `switchboard: CONFIG_INVALID: Port ${port} on 127.0.0.1 is already in use: stop what holds it, or pass --port (or server.port) with another one.`,
      );
    } finally {
      await new Promise<void>((done) => blocker.close(() => done()));
    }
  });

  // The request line is gathered per turn of the loop (gateway/log-buffer.ts): none may be lost on SIGTERM.
  it('start serves the config file, prints the playground URL, stops cleanly on SIGTERM and leaves the request line', async () => {
    const systems = await startSystems(['storefront']);
    try {
      const config = join(scratch, 'switchboard.config.ts');
      // As in a real project: an ESM package, so the config loads as a module.
      writeFileSync(join(scratch, 'package.json'), '{ "type": "module" }\n');
      writeFileSync(
        config,
        `import { defineConfig } from ${JSON.stringify(join(ROOT, 'gateway/index.ts'))};
import { createRestSource } from ${JSON.stringify(join(ROOT, 'sources/rest/index.ts'))};
export default defineConfig({
  sources: [createRestSource({ name: 'storefront', contract: ${JSON.stringify(systems.storefront.contract)}, url: ${JSON.stringify(systems.storefront.url)} })],
  logging: { level: 'info' },
});
`,
      );
      const child = spawn(process.execPath, [BIN, 'start', '--config', config, '--port', '0'], {
        cwd: ROOT,
        // Without Node's young-generation flag: the start-up lines say so (docs/operations.md).
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
      let out = '';
      const url = await new Promise<string>((done, fail) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /Playground: (http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(out);
          if (match) done(match[1] as string);
        });
        child.on('close', (code) =>
          fail(new Error(`switchboard start exited ${code} before listening`)),
        );
      });
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ storefront { getProduct(productId: "prod_00003") { sku } } }',
        }),
      });
      expect(await response.json()).toEqual({
        data: { storefront: { getProduct: { sku: 'SKU-00003' } } },
      });
      expect(out).toContain('Node:       default young generation');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const requests = stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.message === 'request');
      expect(requests).toEqual([
        expect.objectContaining({ level: 'info', method: 'POST', path: '/graphql', status: 200 }),
      ]);
    } finally {
      await systems.close();
    }
  });
});
