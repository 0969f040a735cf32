/**
 * gRPC round trips: every field kind (all scalar types at their limits,
 * enums with renamed values, bytes, nested and recursive messages), oneof,
 * proto3 optional, maps with int64/bool/int32 keys and every well-known
 * type, sent through a gateway to a real gRPC server built with the same
 * libraries as the demo billing (@grpc/grpc-js, @grpc/proto-loader). The
 * server records each request as it decoded it and echoes it back, so each
 * test asserts what the backend decoded and what the caller got.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { createGrpcSource } from '../../../../sources/grpc/index.js';
import { startGatewayOn, track, useHarness, type TestGateway } from '../../../harness/index.js';

useHarness();

const PROTO_ROOT = fileURLToPath(new URL('../../../fixtures/proto/', import.meta.url));
const CONTRACT = `${PROTO_ROOT}edge/edge-cases.proto`;

type Decoded = Record<string, unknown>;

/** A real EdgeService on 127.0.0.1:0 that records each decoded request and answers it back. */
async function startEdgeServer(): Promise<{
  url: string;
  decoded: Array<{ method: string; request: Decoded }>;
  close(): Promise<void>;
}> {
  const definition = loadSync(CONTRACT, {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const service = (
    grpc.loadPackageDefinition(definition) as unknown as {
      edge: { v1: { EdgeService: grpc.ServiceClientConstructor } };
    }
  ).edge.v1.EdgeService.service;
  const decoded: Array<{ method: string; request: Decoded }> = [];
  const echo =
    (method: string) =>
    (call: grpc.ServerUnaryCall<Decoded, Decoded>, callback: grpc.sendUnaryData<Decoded>): void => {
      const request = withReadableMapKeys(call.request);
      decoded.push({ method, request });
      callback(null, forProtobufjs(request));
    };
  const server = new grpc.Server();
  server.addService(service, {
    Echo: echo('Echo'),
    LookupFlag: echo('LookupFlag'),
    Touch: echo('Touch'),
    GetTree: (
      call: grpc.ServerUnaryCall<Decoded, Decoded>,
      callback: grpc.sendUnaryData<Decoded>,
    ) => {
      decoded.push({ method: 'GetTree', request: call.request });
      callback(null, {
        label: String(call.request.value),
        children: [{ label: 'leaf', children: [] }],
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  let closed = false;
  return track(
    {
      url: `127.0.0.1:${port}`,
      decoded,
      close: async () => {
        if (closed) return;
        closed = true;
        server.forceShutdown();
      },
    },
    'edge grpc server',
  );
}

/**
 * protobufjs hands 64-bit map keys to the server as 8-character hashes of
 * their bits: recorded here as digits, so tests compare numbers.
 */
function withReadableMapKeys(request: Decoded): Decoded {
  const maps = request.maps as { nodes?: Record<string, unknown> } | undefined;
  if (maps?.nodes === undefined) return request;
  const nodes = Object.fromEntries(
    Object.entries(maps.nodes).map(([hash, node]) => [
      protobuf.util.LongBits.fromHash(hash).toLong(false).toString(),
      node,
    ]),
  );
  return { ...request, maps: { ...maps, nodes } };
}

/** protobufjs writes a bool map key with writer.bool(key): the string "false" would go out as true, "" goes out as false. */
function forProtobufjs(request: Decoded): Decoded {
  const maps = request.maps as { switches?: Record<string, unknown> } | undefined;
  if (maps?.switches === undefined) return request;
  const switches = Object.fromEntries(
    Object.entries(maps.switches).map(([key, value]) => [key === 'false' ? '' : key, value]),
  );
  return { ...request, maps: { ...maps, switches } };
}

async function serve(): Promise<{
  server: Awaited<ReturnType<typeof startEdgeServer>>;
  gateway: TestGateway;
}> {
  const server = await startEdgeServer();
  const gateway = await startGatewayOn({
    sources: [
      createGrpcSource({
        name: 'edge',
        contract: CONTRACT,
        includeDirs: [PROTO_ROOT],
        url: server.url,
        deadlineMs: 5000,
      }),
    ],
    logging: { level: 'silent' },
  });
  return { server, gateway };
}

const SCALARS = `{
  d: 1.5, f: 0.25, i32: -2147483648, u32: "4294967295", s32: -5, fx32: "4294967295", sfx32: -7,
  i64: "-9223372036854775808", u64: "18446744073709551615", s64: "-9007199254740993", fx64: "18446744073709551615", sfx64: "-1",
  b: true, s: "ünï 🙂", raw: "AP8B", flag: TRUE_, fooBar: "snake", fooBar2: "camel"
}`;
const SCALAR_FIELDS =
  'd f i32 u32 s32 fx32 sfx32 i64 u64 s64 fx64 sfx64 b s raw flag fooBar fooBar2';

describe('gRPC field kinds, on the wire', () => {
  it('sends every scalar kind at its limits, enums by their proto names and bytes as bytes', async () => {
    const { server, gateway } = await serve();
    const { body } = await gateway.graphql(
      `mutation { edge { echo(scalars: ${SCALARS}) { scalars { ${SCALAR_FIELDS} } } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(server.decoded).toHaveLength(1);
    const scalars = server.decoded[0]?.request.scalars as Decoded;
    expect({ ...scalars, raw: [...(scalars.raw as Buffer)] }).toEqual({
      d: 1.5,
      f: 0.25,
      i32: -2147483648,
      u32: 4294967295,
      s32: -5,
      fx32: 4294967295,
      sfx32: -7,
      i64: '-9223372036854775808',
      u64: '18446744073709551615',
      s64: '-9007199254740993',
      fx64: '18446744073709551615',
      sfx64: '-1',
      b: true,
      s: 'ünï 🙂',
      raw: [0, 255, 1],
      flag: 'true',
      foo_bar: 'snake',
      fooBar: 'camel',
    });
    expect(body.data.edge.echo.scalars).toEqual({
      d: 1.5,
      f: 0.25,
      i32: -2147483648,
      u32: '4294967295',
      s32: -5,
      fx32: '4294967295',
      sfx32: -7,
      i64: '-9223372036854775808',
      u64: '18446744073709551615',
      s64: '-9007199254740993',
      fx64: '18446744073709551615',
      sfx64: '-1',
      b: true,
      s: 'ünï 🙂',
      raw: 'AP8B',
      flag: 'TRUE_',
      fooBar: 'snake',
      fooBar2: 'camel',
    });
  });
});

const WELL_KNOWN = {
  at: '2026-01-02T03:04:05.123Z',
  mask: ['price.amount', 'note'],
  // An edge.v1.Node { label: "in any" }, encoded by hand: field 1, wire type 2, 6 bytes.
  any: {
    typeUrl: 'type.googleapis.com/edge.v1.Node',
    value: Buffer.concat([Buffer.from([0x0a, 6]), Buffer.from('in any')]).toString('base64'),
  },
  value: { list: [1, 'two', null, true], nested: { ok: false } },
  list: [1, 'a'],
  marker: true,
  maybe: false,
  blob: 'AAE=',
  big: '18446744073709551615',
  history: ['2026-01-01T00:00:00Z', '1969-12-31T23:59:59.500Z'],
};

describe('gRPC well-known types, maps, oneof and optional, on the wire', () => {
  it('sends well-known types in their protobuf form and reads them back', async () => {
    const { server, gateway } = await serve();
    const { body } = await gateway.graphql(
      'mutation ($wk: EdgeWellKnownInput) { edge { echo(wellKnown: $wk) { wellKnown { at mask any value list marker maybe blob big history } } } }',
      { wk: WELL_KNOWN },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.edge.echo.wellKnown).toEqual(WELL_KNOWN);
    expect(server.decoded).toHaveLength(1);
    const number = (n: number) => ({ numberValue: n, kind: 'numberValue' });
    expect(server.decoded[0]?.request).toEqual({
      well_known: {
        at: { seconds: '1767323045', nanos: 123_000_000 },
        mask: { paths: ['price.amount', 'note'] },
        any: {
          type_url: 'type.googleapis.com/edge.v1.Node',
          value: Buffer.from([0x0a, 6, ...Buffer.from('in any')]),
        },
        value: {
          kind: 'structValue',
          structValue: {
            fields: {
              list: {
                kind: 'listValue',
                listValue: {
                  values: [
                    number(1),
                    { stringValue: 'two', kind: 'stringValue' },
                    { nullValue: 'NULL_VALUE', kind: 'nullValue' },
                    { boolValue: true, kind: 'boolValue' },
                  ],
                },
              },
              nested: {
                kind: 'structValue',
                structValue: { fields: { ok: { boolValue: false, kind: 'boolValue' } } },
              },
            },
          },
        },
        list: { values: [number(1), { stringValue: 'a', kind: 'stringValue' }] },
        marker: {},
        // A wrapper holding its default is still there: false is not "unset".
        maybe: { value: false },
        blob: { value: Buffer.from([0, 1]) },
        big: { value: '18446744073709551615' },
        history: [
          { seconds: '1767225600', nanos: 0 },
          { seconds: '-1', nanos: 500_000_000 },
        ],
      },
    });
  });

  it('refuses a wrapped integer its kind cannot hold at the edge (protobufjs would wrap -1 to 2^64 - 1): no call', async () => {
    const { server, gateway } = await serve();
    for (const [big, constraint] of [
      ['-1', 'min'],
      ['18446744073709551616', 'max'],
    ] as const) {
      const { status, body } = await gateway.graphql(
        'mutation ($wk: EdgeWellKnownInput) { edge { echo(wellKnown: $wk) { wellKnown { big } } } }',
        { wk: { big } },
      );
      expect(status, big).toBe(400);
      expect(body.errors?.[0]?.extensions, big).toMatchObject({
        code: 'BAD_USER_INPUT',
        constraint,
      });
    }
    expect(server.decoded).toHaveLength(0);
  });

  it('sends maps with int64, bool and int32 keys, a oneof member, and an optional set to zero', async () => {
    const { server, gateway } = await serve();
    const { body } = await gateway.graphql(`mutation { edge { echo(
      maps: { nodes: [{ key: "-9007199254740993", value: { label: "n", children: [{ label: "c" }] } }], switches: [{ key: true, value: "on" }, { key: false, value: "off" }], flags: [{ key: -3, value: LOWER_CASE }] },
      choice: { pick: { when: "2026-05-06T07:08:09Z" }, limit: 0 },
      nothing: {}, otherNode: { id: "o-1" }
    ) { maps { nodes { key value { label children { label } parent { label } } } switches { key value } flags { key value } } choice { pick { text number node { label } when } limit } nothing { _empty } otherNode { id } } } }`);
    expect(body.errors).toBeUndefined();
    expect(server.decoded[0]?.request).toEqual({
      maps: {
        nodes: { '-9007199254740993': { label: 'n', children: [{ label: 'c' }] } },
        switches: { true: 'on', false: 'off' },
        flags: { '-3': 'lower_case' },
      },
      choice: {
        pick: 'when',
        when: { seconds: '1778051289', nanos: 0 },
        limit: 0,
        _limit: 'limit',
      },
      nothing: {},
      other_node: { id: 'o-1' },
    });
    expect(body.data.edge.echo).toEqual({
      maps: {
        nodes: [
          {
            key: '-9007199254740993',
            value: { label: 'n', children: [{ label: 'c' }], parent: null },
          },
        ],
        switches: [
          { key: true, value: 'on' },
          { key: false, value: 'off' },
        ],
        flags: [{ key: -3, value: 'LOWER_CASE' }],
      },
      // proto3 `optional` keeps presence: a limit of 0 was sent and came back as 0, not as "unset".
      choice: {
        pick: { text: null, number: null, node: null, when: '2026-05-06T07:08:09Z' },
        limit: 0,
      },
      nothing: { _empty: null },
      otherNode: { id: 'o-1' },
    });
    const looked = await gateway.graphql(
      '{ edge { lookupFlag(pick: { number: "-42" }) { pick { text number when } limit } getTree(value: "root") { label children { label children { label } } } } }',
    );
    expect(looked.body.errors).toBeUndefined();
    expect(server.decoded.slice(1)).toEqual([
      { method: 'LookupFlag', request: { pick: 'number', number: '-42' } },
      { method: 'GetTree', request: { value: 'root' } },
    ]);
    expect(looked.body.data.edge).toEqual({
      // An optional left out stays unset on the wire and null for the caller.
      lookupFlag: { pick: { text: null, number: '-42', when: null }, limit: null },
      getTree: { label: 'root', children: [{ label: 'leaf', children: [] }] },
    });
  });
});
