/**
 * REST BigInt and Decimal arguments meet their contract's range at the edge:
 * an int64 past ±2^63, a negative uint64 or uint32, a decimal past its
 * maximum by a digit a double drops. Each is 400 BAD_USER_INPUT naming the
 * argument, and the mock (which validates every request against the same
 * contract) receives nothing; the limits themselves pass.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestSource } from '../../../../sources/rest/index.js';
import {
  startGatewayOn,
  startOpenApiMock,
  useHarness,
  type TestGateway,
} from '../../../harness/index.js';

useHarness();

const CONTRACT = fileURLToPath(
  new URL('../../../fixtures/openapi/integer-formats.yaml', import.meta.url),
);

let mock: Awaited<ReturnType<typeof startOpenApiMock>>;
let gateway: TestGateway;

beforeAll(async () => {
  mock = await startOpenApiMock(CONTRACT);
  gateway = await startGatewayOn({
    sources: [createRestSource({ name: 'counters', contract: CONTRACT, url: mock.url })],
    endpoints: { sources: 'read-write' },
    logging: { level: 'silent' },
  });
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await mock?.close();
});

const ask = (argument: string, literal: string) =>
  gateway.graphql(`{ counters { getCounter(${argument}: ${literal}) { id } } }`);

describe('REST integer formats at the edge', () => {
  it('refuses what the format or the bounds cannot hold, with no call; passes the limits', async () => {
    for (const [argument, literal, constraint, limit] of [
      ['serial', '"9223372036854775808"', 'max', '9223372036854775807'],
      ['serial', '"-9223372036854775809"', 'min', '-9223372036854775808'],
      ['total', '"18446744073709551616"', 'max', '18446744073709551615'],
      ['total', '"-1"', 'min', '0'],
      ['small', '"4294967296"', 'max', '4294967295'],
      ['positive', '"0"', 'min', '1'],
      ['amount', '"99999.990000000000001"', 'max', '99999.99'],
      ['amount', '"0.001"', 'min', '0.01'],
    ] as const) {
      const { status, body } = await ask(argument, literal);
      expect(status, `${argument}: ${literal}`).toBe(400);
      expect(body.errors?.[0]?.extensions, `${argument}: ${literal}`).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument,
        constraint,
        limit,
      });
    }
    expect(mock.received).toHaveLength(0);

    for (const [argument, literal] of [
      ['serial', '"9223372036854775807"'],
      ['total', '"18446744073709551615"'],
      ['small', '4294967295'],
      ['amount', '"99999.99"'],
    ] as const) {
      const { body } = await ask(argument, literal);
      expect(body.errors, `${argument}: ${literal}`).toBeUndefined();
      expect(body.data.counters.getCounter).toEqual({ id: 'c_1' });
    }
    expect(mock.received).toHaveLength(4);
    expect(mock.violations()).toEqual([]);
  });

  it('sends a Decimal in a JSON body as a number only when no digit is lost, and refuses it otherwise', async () => {
    const pay = (amount: string) =>
      gateway.graphql(
        `mutation { counters { createPayment(input: { amount: ${amount}, count: "7" }) { id } } }`,
      );
    const before = mock.received.length;
    const lossy = await pay('"0.30000000000000000001"');
    expect(lossy.body.errors?.[0]?.extensions).toMatchObject({ code: 'SOURCE_BAD_INPUT' });
    expect(lossy.body.errors?.[0]?.message).toMatch(/more digits than counters's JSON number/);
    expect(mock.received.length).toBe(before);

    const exact = await pay('"19.990"');
    expect(exact.body.errors).toBeUndefined();
    expect(exact.body.data.counters.createPayment).toEqual({ id: 'p_1' });
    expect(mock.received.at(-1)?.body).toEqual({ amount: 19.99, count: 7 });
    expect(mock.violations()).toEqual([]);
  });
});
