import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Operation, Source } from '../../../sources/common/index.js';
import {
  closeAll,
  isPortFree,
  startGatewayOn,
  trackedCount,
  useHarness,
} from '../../harness/index.js';

useHarness();

/** A small real source: greets, and counts how often it was asked. */
function greeterSource(): Source & { calls: () => number; closed: () => number } {
  let calls = 0;
  let closed = 0;
  const greet: Operation = {
    name: 'greet',
    kind: 'query',
    idempotent: true,
    async invoke(args) {
      calls += 1;
      return `Hello, ${String(args.name)}`;
    },
  };
  return {
    name: 'greeter',
    kind: 'rest',
    typeDefs: parse('type Query { greet(name: String!): String! }'),
    operations: new Map([['greet', greet]]),
    warnings: [],
    health: async () => ({ ok: true, latencyMs: 0 }),
    async close() {
      closed += 1;
    },
    calls: () => calls,
    closed: () => closed,
  };
}

const portOf = (url: string): number => Number(new URL(url).port);

describe('startGatewayOn', () => {
  it('listens on 127.0.0.1 and answers GraphQL over POST and GET, per source and namespaced', async () => {
    const source = greeterSource();
    const gateway = await startGatewayOn({
      sources: [source],
      endpoints: { sources: 'read-write' },
      logging: { level: 'silent' },
    });
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const posted = await gateway.graphql<{ greet: string }>(
      'query($name: String!) { greet(name: $name) }',
      { name: 'Ada' },
      { path: '/graphql/greeter' },
    );
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual({ data: { greet: 'Hello, Ada' } });
    expect(posted.headers.get('content-type')).toMatch(/json/);

    const got = await gateway.graphql('{ greeter { greet(name: "Grace") } }', undefined, {
      method: 'GET',
    });
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual({ greeter: { greet: 'Hello, Grace' } });
    expect(source.calls()).toBe(2);

    const health = await gateway.fetch('/healthz');
    expect(health.status).toBe(200);
    await health.body?.cancel();
  });

  it('returns the status and raw text of answers that are not GraphQL JSON', async () => {
    const gateway = await startGatewayOn({
      sources: [greeterSource()],
      endpoints: { sources: 'read-write' },
      logging: { level: 'silent' },
    });
    const invalid = await gateway.graphql('{ greeter { nope } }');
    expect(invalid.body.errors?.[0]?.message).toMatch(/nope/);
    const missing = await gateway.graphql('{ __typename }', undefined, {
      path: '/no-such-endpoint',
    });
    expect(missing.status).toBe(404);
    expect(typeof missing.text).toBe('string');
  });

  it('passes headers through', async () => {
    const gateway = await startGatewayOn({
      sources: [greeterSource()],
      endpoints: { sources: 'read-write' },
      logging: { level: 'silent' },
    });
    const answer = await gateway.graphql('{ greeter { greet(name: "x") } }', undefined, {
      headers: { 'x-request-id': 'harness-test-1' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).toBeTruthy();
  });

  it('close is idempotent, frees the port, closes the sources and unregisters', async () => {
    const before = trackedCount();
    const source = greeterSource();
    const gateway = await startGatewayOn({
      sources: [source],
      endpoints: { sources: 'read-write' },
      logging: { level: 'silent' },
    });
    expect(trackedCount()).toBe(before + 1);
    await gateway.graphql('{ greeter { greet(name: "x") } }');
    await Promise.all([gateway.close(), gateway.close()]);
    await gateway.close();
    expect(source.closed()).toBeGreaterThanOrEqual(1);
    expect(await isPortFree(portOf(gateway.url))).toBe(true);
    expect(trackedCount()).toBe(before);
  });

  it('closeAll stops a gateway a test left running', async () => {
    const gateway = await startGatewayOn({
      sources: [greeterSource()],
      endpoints: { sources: 'read-write' },
      logging: { level: 'silent' },
    });
    await gateway.graphql('{ greeter { greet(name: "x") } }');
    await closeAll();
    expect(await isPortFree(portOf(gateway.url))).toBe(true);
  });
});
