/**
 * A caller's value that its XSD type cannot hold stops at the edge, for
 * every integer built-in and xs:decimal (test/fixtures/wsdl/ranges/
 * ranges.wsdl): past a built-in's range (xs:long beyond ±2^63, a negative
 * xs:unsignedInt), past a facet's bound by one digit a double would drop,
 * too many digits, or text that is no number of its scalar ("1e3", "NaN",
 * 10,000 digits). Each is a 400 naming the argument (or the literal's
 * place), and the recording backend counts no call; the limits themselves
 * pass, with their digits on the wire as written.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSoapSource } from '../../../../sources/soap/index.js';
import { startGatewayOn, useHarness, type TestGateway } from '../../../harness/index.js';
import { startRecordingSoapServer, type RecordingSoapServer } from './recording-server.js';

useHarness();

const RANGES = fileURLToPath(new URL('../../../fixtures/wsdl/ranges/ranges.wsdl', import.meta.url));

let backend: RecordingSoapServer;
let gateway: TestGateway;

beforeAll(async () => {
  backend = await startRecordingSoapServer({
    Check: '<CheckResponse xmlns="urn:example:ranges"><ok>yes</ok></CheckResponse>',
  });
  gateway = await startGatewayOn({
    sources: [
      createSoapSource({
        name: 'ranges',
        contract: RANGES,
        url: backend.url,
        operationKinds: { Check: 'query' },
      }),
    ],
    endpoints: { sources: 'read-only' },
    logging: { level: 'silent' },
  });
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await backend?.close();
});

const check = (argument: string, literal: string): string =>
  `{ ranges { check(${argument}: ${literal}) } }`;

/** Sends each case and expects 400 BAD_USER_INPUT naming the argument, with the constraint and limit. */
async function expectRefused(
  cases: ReadonlyArray<readonly [string, string, string, number | string]>,
): Promise<void> {
  for (const [argument, literal, constraint, limit] of cases) {
    const { status, body } = await gateway.graphql(check(argument, literal));
    expect(status, `${argument}: ${literal}`).toBe(400);
    expect(body.errors?.[0]?.extensions, `${argument}: ${literal}`).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument,
      constraint,
      limit,
    });
    expect(body.errors?.[0]?.message).toContain(`Argument "${argument}" must be`);
  }
}

describe('XSD number ranges at the edge', () => {
  it('integer built-ins past their own range: refused with the limit, no call', async () => {
    const before = backend.received.length;
    await expectRefused([
      ['byte', '128', 'max', 127],
      ['byte', '-129', 'min', -128],
      ['short', '32768', 'max', 32767],
      ['unsignedByte', '-1', 'min', 0],
      ['unsignedShort', '65536', 'max', 65535],
      ['unsignedInt', '"4294967296"', 'max', '4294967295'],
      ['unsignedInt', '"-1"', 'min', '0'],
      ['long', '"9223372036854775808"', 'max', '9223372036854775807'],
      ['long', '-9223372036854775809', 'min', '-9223372036854775808'],
      ['unsignedLong', '"18446744073709551616"', 'max', '18446744073709551615'],
      ['unsignedLong', '"-1"', 'min', '0'],
      ['positiveInteger', '"0"', 'min', '1'],
      ['positiveInteger', '"-5"', 'min', '1'],
      ['nonNegativeInteger', '"-1"', 'min', '0'],
      ['negativeInteger', '"0"', 'max', '-1'],
      ['nonPositiveInteger', '"1"', 'max', '0'],
      // facets whose bounds a double rounds: 2^63 - 2, 10^20 + 1 exclusive
      ['serial', '"9223372036854775807"', 'max', '9223372036854775806'],
      ['serial', '"999"', 'min', '1000'],
      ['huge', '"100000000000000000001"', 'exclusiveMax', '100000000000000000001'],
      ['fiveDigits', '"123456"', 'max', '99999'],
    ]);
    // xs:int is GraphQL Int: graphql-js refuses 2^31 itself, and the gateway names the argument
    const int = await gateway.graphql(check('int', '2147483648'));
    expect(int.status).toBe(400);
    expect(int.body.errors?.[0]?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      argument: 'int',
    });
    expect(backend.received.length - before).toBe(0);
  });

  it('xs:decimal facets, compared on the digits: refused, no call', async () => {
    const before = backend.received.length;
    await expectRefused([
      ['money', '"0.001"', 'min', '0.01'],
      ['money', '"0.00"', 'min', '0.01'],
      ['money', '"100000"', 'max', '99999.99'],
      // one digit past 99999.99 that a double would not see
      ['money', '"99999.990000000000001"', 'max', '99999.99'],
      ['rate', '"1.5"', 'exclusiveMax', '1.5'],
      ['rate', '"-1.50"', 'exclusiveMin', '-1.5'],
      ['rate', '"1.5000000000000000001"', 'exclusiveMax', '1.5'],
    ]);
    // totalDigits and fractionDigits: the documented form
    for (const [argument, literal] of [
      ['money', '"12.345"'],
      ['measure', '"12345"'],
      ['measure', '"0.12345"'],
      ['measure', '"-123.45"'],
    ] as const) {
      const { status, body } = await gateway.graphql(check(argument, literal));
      expect(status, literal).toBe(400);
      expect(body.errors?.[0]?.extensions, literal).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument,
        constraint: 'pattern',
      });
    }
    expect(backend.received.length - before).toBe(0);
  });

  it('text that is no BigInt or Decimal, as a literal or a variable: refused, no call', async () => {
    const before = backend.received.length;
    const digits = '9'.repeat(10_000);
    const literals = [
      ['integer', '"1e3"'],
      ['integer', '"12.5"'],
      ['integer', '12.5'],
      ['integer', '" 7"'],
      ['integer', '"0x10"'],
      ['integer', '""'],
      ['integer', `"${digits}"`],
      ['long', digits],
      ['decimal', '"NaN"'],
      ['decimal', '"Infinity"'],
      ['decimal', '"1e5"'],
      ['decimal', '1e5'],
      ['decimal', '""'],
      ['decimal', `"${digits}.5"`],
    ] as const;
    for (const [argument, literal] of literals) {
      const { status, body } = await gateway.graphql(check(argument, literal));
      const shown = literal.slice(0, 20);
      expect(status, shown).toBe(400);
      expect(body.errors?.[0]?.extensions, shown).toMatchObject({
        code: 'GRAPHQL_VALIDATION_FAILED',
        argument,
      });
      // graphql-js names the type and the literal's place, the gateway the argument; the scalar says what it expects
      expect(body.errors?.[0]?.message, shown).toMatch(
        new RegExp(
          `^Argument "${argument}": Expected value of type "(BigInt|Decimal)", found .*; (BigInt|Decimal) (must be|has at most 100 digits)`,
        ),
      );
      expect(body.errors?.[0]?.locations?.[0]?.column, shown).toBeGreaterThan(0);
    }
    const variables = [
      ['BigInt', 'integer', '1e3'],
      ['BigInt', 'integer', 1e21],
      ['BigInt', 'long', digits],
      ['Decimal', 'decimal', 'NaN'],
      ['Decimal', 'decimal', '1E5'],
      ['Decimal', 'money', `0.${digits}`],
    ] as const;
    for (const [type, argument, value] of variables) {
      const { status, body } = await gateway.graphql(
        `query ($v: ${type}) { ranges { check(${argument}: $v) } }`,
        { v: value },
      );
      const shown = String(value).slice(0, 20);
      expect(status, shown).toBe(400);
      expect(body.errors?.[0]?.extensions?.code, shown).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.message, shown).toMatch(/^Variable "\$v" got invalid value/);
    }
    // a variable's value still meets the argument's range
    const past = await gateway.graphql('query ($v: BigInt) { ranges { check(long: $v) } }', {
      v: '9223372036854775808',
    });
    expect(past.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'long',
      constraint: 'max',
    });
    expect(backend.received.length - before).toBe(0);
  });

  it('the limits themselves pass, and their digits reach the backend as written', async () => {
    const before = backend.received.length;
    const accepted = [
      ['long', '"9223372036854775807"'],
      ['long', '"-9223372036854775808"'],
      ['unsignedLong', '"18446744073709551615"'],
      ['unsignedLong', '"-0"'],
      ['unsignedInt', '4294967295'],
      ['positiveInteger', '"0001"'],
      ['serial', '"9223372036854775806"'],
      ['huge', '"100000000000000000000"'],
      ['fiveDigits', '"-00099999"'],
      ['money', '"99999.99"'],
      ['money', '"0.01"'],
      ['money', '"12.50"'],
      ['rate', '"1.4999999999999999999"'],
      ['measure', '"123.4"'],
      ['measure', '"0.1234"'],
      ['measure', '"-1.23400"'],
      ['decimal', '12'],
      ['decimal', '-0.5'],
    ] as const;
    for (const [argument, literal] of accepted) {
      const { body } = await gateway.graphql(check(argument, literal));
      expect(body.errors, `${argument}: ${literal}`).toBeUndefined();
      expect(body.data?.ranges.check).toBe('yes');
    }
    // a JSON number for a Decimal is written out in digits, never with an exponent
    const written = await gateway.graphql('query ($v: Decimal) { ranges { check(decimal: $v) } }', {
      v: 1e-7,
    });
    expect(written.body.errors).toBeUndefined();
    const received = backend.received.slice(before);
    expect(received).toHaveLength(accepted.length + 1);
    const texts = received.map((envelope) => envelope.body[0]?.children[0]?.text);
    expect(texts[0]).toBe('9223372036854775807');
    expect(texts[9]).toBe('99999.99');
    expect(texts.at(-1)).toBe('0.0000001');
  });
});
