import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProtoContract } from '../../../../sources/grpc/contract.js';
import { createContractModel, type MethodModel } from '../../../../sources/grpc/model.js';
import { decodeResponse, encodeRequest, InputError } from '../../../../sources/grpc/values.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/proto/', import.meta.url));
const model = createContractModel(
  loadProtoContract('edge', `${FIXTURES}edge/edge-cases.proto`, [FIXTURES]),
);
const method = (name: string): MethodModel => {
  const found = model.methods.find((m) => m.name === name);
  if (!found) throw new Error(`no method ${name}`);
  return found;
};

/** Echo takes and answers the same message, so what goes in must come back out. */
const roundTrip = (name: string, args: Record<string, unknown>): unknown =>
  decodeResponse(method(name).response, encodeRequest(method(name).request, args));

const SCALARS = {
  d: 1.5,
  f: 0.25,
  i32: -7,
  u32: '4294967295',
  s32: -2147483648,
  fx32: '4000000000',
  sfx32: 12,
  i64: '9007199254740993',
  u64: '18446744073709551615',
  s64: '-9223372036854775808',
  fx64: '9007199254740995',
  sfx64: '-9007199254740993',
  b: true,
  s: 'héllo',
  raw: Buffer.from([0, 1, 254, 255]).toString('base64'),
  flag: 'LOWER_CASE',
  fooBar: 'a',
  fooBar2: 'b',
};

describe('values: GraphQL ↔ protobuf', () => {
  it('round-trips every scalar kind exactly, int64 past 2^53 included', () => {
    const answer = roundTrip('echo', { scalars: SCALARS }) as Record<string, any>;
    expect(answer.scalars).toEqual(SCALARS);
  });

  it('fills proto3 defaults on output and leaves absent messages null', () => {
    const answer = roundTrip('echo', { scalars: { s: 'x' } }) as Record<string, any>;
    expect(answer.scalars).toMatchObject({
      i64: '0',
      u32: '0',
      b: false,
      raw: '',
      flag: 'FLAG_UNSPECIFIED',
      s: 'x',
    });
    expect(answer.wellKnown).toBeNull();
    expect(answer.choice).toBeNull();
  });

  it('round-trips well-known types, keeping nanoseconds', () => {
    const wellKnown = {
      at: '2026-11-24T09:30:00.123456789Z',
      mask: ['topic.labels', 'ack_deadline_seconds'],
      any: {
        typeUrl: 'type.googleapis.com/edge.v1.Node',
        value: Buffer.from('hi').toString('base64'),
      },
      value: { a: [1, 'two', null, { b: false }] },
      list: [1, 'x', { y: null }],
      marker: true,
      maybe: false,
      blob: Buffer.from('blob').toString('base64'),
      big: '18446744073709551615',
      history: ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.5Z'],
    };
    const answer = roundTrip('echo', { wellKnown }) as Record<string, any>;
    expect(answer.wellKnown).toEqual({
      ...wellKnown,
      history: ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.500Z'],
    });
  });

  it('keeps wrappers null when unset and set when false or zero', () => {
    const answer = roundTrip('echo', { wellKnown: { maybe: false } }) as Record<string, any>;
    expect(answer.wellKnown).toMatchObject({
      maybe: false,
      big: null,
      blob: null,
      at: null,
      marker: null,
    });
  });

  it('round-trips maps with int64, bool and int32 keys as entry lists', () => {
    const maps = {
      nodes: [
        {
          key: '9007199254740993',
          value: {
            label: 'n',
            children: [{ label: 'c', children: [], parent: null }],
            parent: null,
          },
        },
      ],
      switches: [
        { key: true, value: 'on' },
        { key: false, value: 'off' },
      ],
      flags: [{ key: 7, value: 'NULL_' }],
    };
    const answer = roundTrip('echo', { maps }) as Record<string, any>;
    expect(answer.maps.nodes).toEqual(maps.nodes);
    expect(
      [...answer.maps.switches].sort((a: any, b: any) => Number(a.key) - Number(b.key)),
    ).toEqual([
      { key: false, value: 'off' },
      { key: true, value: 'on' },
    ]);
    expect(answer.maps.flags).toEqual(maps.flags);
  });

  it('round-trips oneofs as one set member, and proto3 optional presence', () => {
    expect(roundTrip('lookupFlag', { pick: { number: '-9007199254740993' }, limit: 0 })).toEqual({
      pick: { number: '-9007199254740993' },
      limit: 0,
    });
    expect(roundTrip('lookupFlag', { pick: { when: '2026-02-03T04:05:06Z' } })).toEqual({
      pick: { when: '2026-02-03T04:05:06Z' },
      limit: null,
    });
    expect(roundTrip('lookupFlag', {})).toEqual({ pick: null, limit: null });
  });

  it('refuses a oneof with none or several members, naming the members', () => {
    expect(() =>
      encodeRequest(method('lookupFlag').request, { pick: { text: 'a', number: '1' } }),
    ).toThrow(/pick takes exactly one of text, number, node, when; 2 given/);
    expect(() => encodeRequest(method('lookupFlag').request, { pick: {} })).toThrow(InputError);
    expect(() =>
      encodeRequest(method('lookupFlag').request, { pick: { text: 'a', other: 1 } }),
    ).toThrow(InputError);
  });

  it('refuses wrong types, unknown fields and unknown enum values without echoing the value', () => {
    const echo = method('echo').request;
    expect(() => encodeRequest(echo, { scalars: { i64: '12abc' } })).toThrow(
      'scalars.i64 should be a BigInt.',
    );
    expect(() => encodeRequest(echo, { scalars: { flag: 'MAYBE' } })).toThrow(
      /scalars.flag should be one of FLAG_UNSPECIFIED/,
    );
    expect(() => encodeRequest(echo, { scalarz: {} })).toThrow(
      'scalarz is not a field of EverythingInput.',
    );
    expect(() => encodeRequest(echo, { wellKnown: { at: 'yesterday' } })).toThrow(
      /wellKnown.at: "yesterday" is not an RFC 3339 date-time/,
    );
    expect(() => encodeRequest(echo, { maps: { nodes: [{ value: {} }] } })).toThrow(
      'maps.nodes[0] should be an entry with a key.',
    );
    expect(() => encodeRequest(echo, { scalars: { raw: 'not base64!' } })).toThrow(
      'scalars.raw should be a Base64.',
    );
  });

  it('maps an Empty response to true and a wrapper request to its value', () => {
    expect(roundTrip('touch', {})).toBe(true);
    const getTree = method('getTree');
    const bytes = encodeRequest(getTree.request, { value: 'root' });
    expect(getTree.requestType.decode(bytes).toJSON()).toEqual({ value: 'root' });
  });

  it('reads bytes that are not the message as an error, not a value', () => {
    expect(() =>
      decodeResponse(method('getTree').response, Uint8Array.from([0x0a, 0xff, 0xff, 0xff])),
    ).toThrow();
  });
});
