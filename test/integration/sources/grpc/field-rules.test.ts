/**
 * Issue 14: proto field rules reach the edge. A value that breaks a
 * `(buf.validate.field)` or `(validate.rules)` rule is 400 BAD_USER_INPUT at
 * its path, and so is an integer its proto kind cannot hold (protobufjs would
 * wrap it silently: -1 as uint64 is 2^64 - 1) or a BigInt field's rule
 * refuses, compared in digits; the recording gRPC server sees no call.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrpcSource } from '../../../../sources/grpc/index.js';
import { startGatewayOn, track, useHarness, type TestGateway } from '../../../harness/index.js';

useHarness();

const PROTO_ROOT = fileURLToPath(new URL('../../../fixtures/proto/', import.meta.url));
// buf/validate/validate.proto imports google/protobuf/descriptor.proto, bundled with protobufjs.
const PROTOBUFJS = fileURLToPath(new URL('../../../../node_modules/protobufjs/', import.meta.url));
const CONTRACT = `${PROTO_ROOT}validated/orders.proto`;

type Decoded = Record<string, unknown>;
const received: Decoded[] = [];
let close: () => void = () => {};
let gateway: TestGateway;

beforeAll(async () => {
  const definition = loadSync(CONTRACT, {
    includeDirs: [PROTO_ROOT, PROTOBUFJS],
    keepCase: true,
    longs: String,
    defaults: false,
  });
  const service = (
    grpc.loadPackageDefinition(definition) as unknown as {
      validated: { v1: { OrderService: grpc.ServiceClientConstructor } };
    }
  ).validated.v1.OrderService.service;
  const server = new grpc.Server();
  server.addService(service, {
    PlaceOrder: (
      call: grpc.ServerUnaryCall<Decoded, Decoded>,
      callback: grpc.sendUnaryData<Decoded>,
    ) => {
      received.push(call.request);
      callback(null, { order_id: `o-${received.length}` });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  close = () => server.forceShutdown();
  track({ close: async () => close() }, 'validated grpc server');
  gateway = await startGatewayOn({
    sources: [
      createGrpcSource({
        name: 'orders',
        contract: CONTRACT,
        includeDirs: [PROTO_ROOT, PROTOBUFJS],
        url: `127.0.0.1:${port}`,
        operationKinds: { PlaceOrder: 'query' },
      }),
    ],
    endpoints: { sources: 'read-only' },
    logging: { level: 'silent' },
  });
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  close();
});

const LINE = '{ sku: "SKU-1", quantity: 2, discount: 0.5 }';
const placeOrder = (args: string): string =>
  `{ orders { placeOrder(customer: "ACME", lines: [${LINE}]${args}) { order_id: orderId } } }`;

describe('proto field rules at the edge', () => {
  it('refuses what buf.validate and validate.rules refuse, before any call', async () => {
    const refused = [
      ['', 'lines: [{ sku: "SKU-1", quantity: 0 }]', 'exclusiveMin', 'lines[0].quantity'],
      ['', 'lines: [{ sku: "SKU-1", quantity: 101 }]', 'max', 'lines[0].quantity'],
      ['', 'lines: [{ sku: "ABC-1", quantity: 1 }]', 'pattern', 'lines[0].sku'],
      [
        '',
        'lines: [{ sku: "SKU-1", quantity: 1, discount: 1 }]',
        'exclusiveMax',
        'lines[0].discount',
      ],
      ['', 'lines: []', 'minItems', 'lines'],
      ['', `lines: [${LINE}, ${LINE}, ${LINE}, ${LINE}]`, 'maxItems', 'lines'],
      [', tags: ["a", "b", "c"]', '', 'maxItems', 'tags'],
      [', tags: ["toolong"]', '', 'maxLength', 'tags[0]'],
      [', note: "123"', '', 'pattern', 'note'],
      [', priority: 6', '', 'max', 'priority'],
      [
        ', extras: [{ key: "a", value: 1 }, { key: "b", value: 2 }, { key: "c", value: 3 }]',
        '',
        'maxItems',
        'extras',
      ],
    ] as const;
    for (const [extra, lines, constraint, argument] of refused) {
      const query =
        lines === ''
          ? placeOrder(extra)
          : `{ orders { placeOrder(customer: "ACME", ${lines}${extra}) { orderId } } }`;
      const { status, body } = await gateway.graphql(query);
      expect(status, query).toBe(400);
      expect(body.errors?.[0]?.extensions, query).toMatchObject({
        code: 'BAD_USER_INPUT',
        constraint,
        argument,
      });
    }
    expect(received).toHaveLength(0);
  });

  it('refuses integers their kind cannot hold, and BigInt rules, at the edge: no call', async () => {
    for (const [args, constraint, limit] of [
      [', stamp: "-1"', 'min', '0'],
      [', stamp: "18446744073709551616"', 'max', '18446744073709551615'],
      [', serial: "9223372036854775808"', 'max', '9223372036854775807'],
      [', serial: "-9223372036854775809"', 'min', '-9223372036854775808'],
      [', count: "4294967296"', 'max', '10'],
      [', count: "11"', 'max', '10'],
    ] as const) {
      const { status, body } = await gateway.graphql(placeOrder(args));
      expect(status, args).toBe(400);
      expect(body.errors?.[0]?.extensions, args).toMatchObject({
        code: 'BAD_USER_INPUT',
        constraint,
        limit,
      });
    }
    expect(received).toHaveLength(0);

    const ok = await gateway.graphql(
      placeOrder(
        ', stamp: "18446744073709551615", serial: "-9223372036854775808", count: "10", note: "fine", tags: ["a"], priority: -5',
      ),
    );
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.orders.placeOrder).toEqual({ order_id: 'o-1' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      stamp: '18446744073709551615',
      serial: '-9223372036854775808',
      count: 10,
    });
  });
});
