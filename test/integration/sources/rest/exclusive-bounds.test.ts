/**
 * Issue 14: OpenAPI exclusive bounds were dropped, so an amount the contract
 * refuses (0 where it must be more than 0) reached the backend. Both forms
 * now become @constraint(exclusiveMin/exclusiveMax) and are refused before
 * any call; the mock validates every request against the same contract.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRestSource } from '../../../../sources/rest/index.js';
import { startGatewayOn, startOpenApiMock, useHarness } from '../../../harness/index.js';

useHarness();

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../fixtures/openapi/${name}`, import.meta.url));

describe.each(['exclusive-bounds-30.yaml', 'exclusive-bounds-31.yaml'])(
  'exclusive bounds of %s',
  (contract) => {
    it('are in the subgraph and refuse the bound itself before the backend is called', async () => {
      const mock = await startOpenApiMock(fixture(contract));
      const gateway = await startGatewayOn({
        sources: [createRestSource({ name: 'quotes', contract: fixture(contract), url: mock.url })],
        endpoints: { sources: 'read-only' },
        logging: { level: 'silent' },
      });
      const ask = (amount: number, count = 1) =>
        gateway.graphql(
          'query ($a: Float!, $c: Int!) { quotes { getQuote(amount: $a, count: $c) { id } } }',
          { a: amount, c: count },
        );

      for (const [amount, constraint] of [
        [0, 'exclusiveMin'],
        [-1, 'exclusiveMin'],
        [100, 'exclusiveMax'],
        [100.5, 'exclusiveMax'],
      ] as const) {
        const { status, body } = await ask(amount);
        expect(status).toBe(400);
        expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', constraint });
      }
      // The inclusive bounds beside them keep their meaning.
      expect((await ask(50, 0)).body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        constraint: 'min',
      });
      expect(mock.received).toHaveLength(0);

      for (const amount of [0.01, 99.99]) {
        const { body } = await ask(amount, 10);
        expect(body.errors).toBeUndefined();
        expect(body.data.quotes.getQuote).toEqual({ id: 'q_1' });
      }
      expect(mock.received).toHaveLength(2);
      expect(mock.violations()).toEqual([]);
    });
  },
);
