import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBilling } from '../../../../demo/billing/index.js';
import type { DemoSystem } from '../../../../demo/common/system.js';
import type { Source } from '../../../../sources/common/index.js';
import { createGrpcSource, type GrpcSourceOptions } from '../../../../sources/grpc/index.js';

let dir: string;
let billing: DemoSystem;
const pem: Record<string, string> = {};
const opened: Source[] = [];

/** A throwaway CA that signs a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI. */
function makeCertificates(): void {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=switchboard-test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const who of ['server', 'client']) {
    run(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${who}`,
      '-keyout',
      `${who}.key`,
      '-out',
      `${who}.csr`,
    );
    run(
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      `${who}.crt`,
      ...(who === 'server' ? ['-extfile', 'server.ext'] : []),
    );
  }
  for (const name of ['ca.crt', 'server.key', 'server.crt', 'client.key', 'client.crt'])
    pem[name] = readFileSync(join(dir, name), 'utf8');
}

async function open(options: Partial<GrpcSourceOptions>): Promise<Source> {
  const source = await createGrpcSource({
    name: 'billing',
    contract: billing.contract,
    url: billing.url,
    deadlineMs: 3000,
    ...options,
  });
  opened.push(source);
  return source;
}

const getPrice = (source: Source) =>
  source.operations.get('getPrice')!.invoke({ sku: 'SKU-00001' }, {});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-tls-'));
  makeCertificates();
  billing = await startBilling({
    tls: { key: pem['server.key']!, cert: pem['server.crt']!, ca: pem['ca.crt'] },
    bearerToken: 's3cret',
    apiKey: { name: 'x-api-key', value: 'k1' },
  });
});

afterAll(async () => {
  for (const source of opened) await source.close();
  await billing?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('gRPC source over mutual TLS with credentials in metadata', () => {
  const tls = () => ({ ca: pem['ca.crt'], cert: pem['client.crt'], key: pem['client.key'] });

  it('calls with the CA, a client certificate, a bearer token and an API key in static metadata', async () => {
    const source = await open({
      tls: tls(),
      auth: { type: 'bearer', token: 's3cret' },
      metadata: { 'x-api-key': 'k1' },
    });
    expect(await getPrice(source)).toMatchObject({ sku: 'SKU-00001' });
    expect((await source.health()).ok).toBe(true);
  });

  it('sends an apiKey auth as metadata', async () => {
    const source = await open({
      tls: tls(),
      auth: { type: 'apiKey', name: 'X-Api-Key', value: 'k1' },
      metadata: { authorization: 'Bearer s3cret' },
    });
    expect(await getPrice(source)).toMatchObject({ sku: 'SKU-00001' });
  });

  it('maps refused credentials to SOURCE_UNAUTHENTICATED without the token in the message', async () => {
    const source = await open({
      tls: tls(),
      auth: { type: 'bearer', token: 'wrong' },
      metadata: { 'x-api-key': 'k1' },
    });
    const error = await getPrice(source).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'SOURCE_UNAUTHENTICATED',
      details: { grpcCode: 'UNAUTHENTICATED' },
    });
    expect(String((error as Error).message)).not.toContain('wrong');
  });

  it('fails as unavailable without a client certificate, or over plaintext', async () => {
    billing.counter.reset();
    const noClientCert = await open({
      tls: { ca: pem['ca.crt'] },
      auth: { type: 'bearer', token: 's3cret' },
      deadlineMs: 1500,
    });
    await expect(getPrice(noClientCert)).rejects.toMatchObject({
      code: expect.stringMatching(/SOURCE_UNAVAILABLE|SOURCE_TIMEOUT/),
    });
    const plaintext = await open({ auth: { type: 'bearer', token: 's3cret' }, deadlineMs: 1500 });
    await expect(getPrice(plaintext)).rejects.toMatchObject({
      code: expect.stringMatching(/SOURCE_UNAVAILABLE|SOURCE_TIMEOUT/),
    });
    expect((await plaintext.health()).ok).toBe(false);
    // Neither call got through to billing's handlers.
    expect(billing.counter.total()).toBe(0);
  });
});
