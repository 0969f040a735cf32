/**
 * Issue 14 / issue 13 §2 for gRPC: a hostile billing (a real grpc-js server
 * on 127.0.0.1 speaking billing.proto) fails every call with the status the
 * test chooses and a message full of internals. Server-class statuses reach
 * the caller as a generic sentence; caller-class ones pass their message on,
 * cleaned; every failure is one log line with the message, redacted.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrpcSource } from '../../../sources/grpc/index.js';
import { startGatewayOn, useHarness, type TestGateway } from '../../harness/index.js';
import { interceptLog, type LogCapture } from './rewrite-proxy.js';

useHarness();

const PROTO_ROOT = fileURLToPath(new URL('../../../demo/billing/proto', import.meta.url));
const CONTRACT = `${PROTO_ROOT}/billing/v1/billing.proto`;
let failWith: { code: grpc.status; details: string } = { code: grpc.status.INTERNAL, details: '' };
let calls = 0;
let server: grpc.Server;
let gateway: TestGateway;
let log: LogCapture;

beforeAll(async () => {
  const definition = loadSync(CONTRACT, { includeDirs: [PROTO_ROOT] });
  const service = (
    grpc.loadPackageDefinition(definition) as unknown as {
      billing: { v1: { BillingService: { service: grpc.ServiceDefinition } } };
    }
  ).billing.v1.BillingService.service;
  const fail = (_call: unknown, callback: grpc.sendUnaryData<unknown>): void => {
    calls += 1;
    callback({
      code: failWith.code,
      details: failWith.details,
      name: 'Error',
      message: failWith.details,
      metadata: new grpc.Metadata(),
    });
  };
  server = new grpc.Server();
  server.addService(
    service,
    Object.fromEntries(
      Object.keys(service).map((name) => [name, fail]),
    ) as grpc.UntypedServiceImplementation,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  log = interceptLog();
  gateway = await startGatewayOn({
    sources: [
      createGrpcSource({
        name: 'billing',
        contract: CONTRACT,
        includeDirs: [PROTO_ROOT],
        url: `127.0.0.1:${port}`,
      }),
    ],
    logging: { level: 'info' },
    endpoints: { sources: 'read-write' },
  });
});

afterAll(async () => {
  log.restore();
  await gateway.close();
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
});

const SECRET =
  'pq: deadlock detected on 10.2.0.9:5432 (db-billing.svc.cluster.local) api_key=sk_live_abcdef0123456789';

describe('a hostile gRPC backend', () => {
  it.each([
    [grpc.status.INTERNAL, 'SOURCE_UNAVAILABLE'],
    [grpc.status.UNKNOWN, 'SOURCE_UNAVAILABLE'],
    [grpc.status.DATA_LOSS, 'SOURCE_UNAVAILABLE'],
  ])(
    'status %s: the caller reads a generic sentence, the log has the message redacted',
    async (code, expected) => {
      failWith = { code, details: SECRET };
      calls = 0;
      log.take();
      const response = await gateway.graphql('{ getPrice(sku: "SKU-00001") { sku } }', undefined, {
        path: '/graphql/billing',
      });
      const [error] = response.body.errors ?? [];
      expect(error?.extensions).toEqual({
        code: expected,
        source: 'billing',
        operation: 'getPrice',
        grpcCode: grpc.status[code],
      });
      expect(error?.message).toMatch(/^billing [a-z ]+ for getPrice \(gRPC [A-Z_]+\)\.$/);
      expect(response.text).not.toMatch(/deadlock|10\.2\.0\.9|db-billing|sk_live/);
      expect(calls).toBe(1);
      const lines = log.take().filter((line) => line.source === 'billing');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 'warn',
        operation: 'getPrice',
        code: expected,
        grpcCode: grpc.status[code],
        reason: expect.stringContaining('deadlock detected on 10.2.0.9:5432'),
      });
      expect(JSON.stringify(lines[0])).not.toContain('sk_live_abcdef0123456789');
    },
  );

  it.each([
    grpc.status.INVALID_ARGUMENT,
    grpc.status.FAILED_PRECONDITION,
    grpc.status.NOT_FOUND,
    grpc.status.ALREADY_EXISTS,
  ])(
    'status %s: the backend reason reaches the caller without addresses or secrets',
    async (code) => {
      failWith = {
        code,
        details: `sku must be upper case (checked by 10.2.0.9:5432, token=abc123) ${'x'.repeat(600)}`,
      };
      const response = await gateway.graphql('{ getPrice(sku: "sku-1") { sku } }', undefined, {
        path: '/graphql/billing',
      });
      const [error] = response.body.errors ?? [];
      expect(error?.extensions).toMatchObject({
        source: 'billing',
        operation: 'getPrice',
        grpcCode: grpc.status[code],
      });
      expect(error?.message).toMatch(
        /\): sku must be upper case \(checked by <address>, token=<redacted>\)/,
      );
      expect(error?.message.length).toBeLessThan(400);
      expect(response.text).not.toMatch(/10\.2\.0\.9|abc123/);
    },
  );

  it('the gateway still answers afterwards', async () => {
    expect((await gateway.fetch('/healthz')).status).toBe(200);
    failWith = { code: grpc.status.NOT_FOUND, details: 'no price' };
    const response = await gateway.graphql('{ getPrice(sku: "SKU-00001") { sku } }', undefined, {
      path: '/graphql/billing',
    });
    expect(response.status).toBe(200);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('SOURCE_NOT_FOUND');
  });
});
