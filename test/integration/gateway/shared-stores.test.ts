/**
 * Two gateway instances sharing every store at once (issue 12 §3): the read
 * cache and the rate limiter on one real Redis, the token registry and the
 * write journal on one real PostgreSQL. Instance A is a real
 * `switchboard start` process, instance B runs in this process. A token
 * revoked in the shared registry is refused by both; a plan's request limit
 * is counted across both; an idempotency key used on A replays on B with
 * nothing sent again; and a write A is driving when it is SIGKILLed is
 * finished by B, each system holding the order once. docs/operations.md,
 * "Shared stores", says what each store holds and why.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresTokenStore, type TokenStore } from '../../../gateway/auth/index.js';
import {
  createPostgresJournal,
  type Write,
  type WriteJournal,
} from '../../../gateway/writes/index.js';
import {
  DEMO_ANONYMOUS_SCOPES,
  startGatewayOn,
  startPostgres,
  startRedis,
  startSystems,
  track,
  useHarness,
  type Systems,
  type TestGateway,
  type TestProcess,
} from '../../harness/index.js';
import { eventually, issueOwn } from '../auth/helpers.js';
import { appliedFor, PLACED } from '../writes/applied.js';
import { startChildGateway } from './fixtures/child-gateway.js';
import { recordsReader, type RecordsReader } from '../writes/records.js';
import { orderInput, PLACE_ORDER, tempDir, writesConfig } from '../writes/setup.js';

useHarness();
const QUERY = '{ __typename }';

let systems: Systems;
let records: RecordsReader;
let registry: TokenStore;
let journal: WriteJournal;
let keyFile: string;
let a: { child: TestProcess; url: string };
let b: TestGateway;

/** A call to instance A over HTTP (it is another process). */
async function callA(
  body: object,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${a.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  const [started, redis, postgres] = await Promise.all([
    startSystems(),
    startRedis(),
    startPostgres({ fsync: false }),
  ]);
  systems = started;
  const [tokensUrl, journalUrl] = await Promise.all([
    postgres.createDatabase('tokens'),
    postgres.createDatabase('journal'),
  ]);
  registry = track(await createPostgresTokenStore({ connectionString: tokensUrl }), 'registry');
  journal = track(await createPostgresJournal({ connectionString: journalUrl }), 'journal');
  const dir = tempDir();
  keyFile = join(dir, 'keys.json');
  // What both instances share: one key file (as a secret mounted on each), one Redis, one PostgreSQL.
  const shared = {
    auth: {
      anonymousScopes: DEMO_ANONYMOUS_SCOPES,
      keyFile,
      tokenStore: 'postgres',
      postgresUrl: tokensUrl,
      revocationRefreshMs: 200,
    },
    rateLimits: {
      store: 'redis',
      redisUrl: redis.url,
      windowSeconds: 600,
      plans: { tight: { requests: 4 } },
    },
    cache: { store: 'redis', redisUrl: redis.url },
  } as const;
  // The key file exists before either instance starts, so both read the same keys.
  await issueOwn(keyFile, registry, { partner: 'warm-up' });
  a = await startChildGateway(systems, dir, {
    ...shared,
    // Warnings on stderr: shown by waitFor when A does not start.
    logging: { level: 'warn' },
    // A's claim on a write lasts 3 s: B takes a write over only once A stopped renewing it.
    writes: {
      journal: 'postgres',
      postgresUrl: journalUrl,
      leaseMs: 3_000,
      recoveryIntervalMs: 0,
    },
  });
  b = await startGatewayOn(
    writesConfig(
      systems,
      { journal: 'postgres', postgresUrl: journalUrl, leaseMs: 1_000, recoveryIntervalMs: 300 },
      shared,
    ),
  );
  records = await recordsReader(systems);
}, 300_000);
afterAll(async () => {
  await records?.close();
});

describe('two instances on one Redis and one PostgreSQL', { timeout: 120_000 }, () => {
  it('refuses on both a token revoked in the shared registry, and counts one limit across both', async () => {
    const { token, jti } = await issueOwn(keyFile, registry, { partner: 'acme' });
    expect((await callA({ query: QUERY }, bearer(token))).status).toBe(200);
    expect((await b.graphql(QUERY, undefined, { headers: bearer(token) })).status).toBe(200);
    await registry.revoke(jti, Date.now());
    expect(
      await eventually(async () => (await callA({ query: QUERY }, bearer(token))).status === 401),
    ).toBe(true);
    expect(
      await eventually(
        async () => (await b.graphql(QUERY, undefined, { headers: bearer(token) })).status === 401,
      ),
    ).toBe(true);
    const onB = await b.graphql(QUERY, undefined, { headers: bearer(token) });
    expect(onB.body.errors?.[0]?.extensions?.code).toBe('AUTH_TOKEN_REVOKED');

    // 4 requests per window for the plan, counted in Redis: two on each instance, then both refuse.
    const { token: tight } = await issueOwn(keyFile, registry, {
      partner: 'globex',
      plan: 'tight',
    });
    const statuses = [
      (await callA({ query: QUERY }, bearer(tight))).status,
      (await b.graphql(QUERY, undefined, { headers: bearer(tight) })).status,
      (await callA({ query: QUERY }, bearer(tight))).status,
      (await b.graphql(QUERY, undefined, { headers: bearer(tight) })).status,
      (await callA({ query: QUERY }, bearer(tight))).status,
      (await b.graphql(QUERY, undefined, { headers: bearer(tight) })).status,
    ];
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('replays on B the write a key placed on A, sending nothing again', async () => {
    const headers = { 'idempotency-key': `shared-${Date.now()}` };
    const input = orderInput({ customerId: 'cus_0011' });
    const first = await callA({ query: PLACE_ORDER, variables: { input } }, headers);
    expect(first.body.errors).toBeUndefined();
    const before = systems.counts();
    const again = await b.graphql(PLACE_ORDER, { input }, { headers });
    expect(again.body.data.placeOrder.id).toBe(first.body.data.placeOrder.id);
    expect(again.body.extensions?.write).toMatchObject({
      id: first.body.extensions.write.id,
      replayed: true,
    });
    const after = systems.counts();
    expect([
      after.storefront.createOrder,
      after.erp.CreateSalesOrder,
      after.billing.CreateInvoice,
    ]).toEqual([
      before.storefront.createOrder,
      before.erp.CreateSalesOrder,
      before.billing.CreateInvoice,
    ]);
    expect(appliedFor(systems, first.body.data.placeOrder.id)).toEqual(PLACED);
  });

  it('finishes on B a write A was driving when it was killed: each system holds the order once', async () => {
    // The erp applies the sales order and never answers: A is killed while it waits.
    systems.erp.misbehaviour.set({ operations: ['CreateSalesOrder'], hangAfterApply: 1 });
    const salesOrdersBefore = systems.counts().erp.CreateSalesOrder ?? 0;
    void fetch(`${a.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `killed-${Date.now()}` },
      body: JSON.stringify({
        query: PLACE_ORDER,
        variables: { input: orderInput({ customerId: 'cus_0012' }) },
      }),
    }).catch(() => undefined);
    expect(
      await eventually(
        async () => (systems.counts().erp.CreateSalesOrder ?? 0) > salesOrdersBefore,
        300,
      ),
    ).toBe(true);
    a.child.signal('SIGKILL');
    await a.child.exited;
    systems.erp.misbehaviour.set({});
    const [killed] = await journal.list({ limit: 1 });
    expect(killed?.input).toMatchObject({ input: { customerId: 'cus_0012' } });

    let settled: Write | undefined;
    expect(
      await eventually(async () => {
        settled = await journal.get(killed!.id);
        return settled?.state === 'succeeded';
      }, 600),
    ).toBe(true);
    const orderId = (settled!.steps[0]?.result as { id: string }).id;
    expect(await records.order(orderId)).toEqual({
      storefront: 'PENDING',
      erp: 1,
      billing: ['INVOICE_STATUS_OPEN'],
    });
    // B found the sales order by its external reference and did not send it again.
    expect((systems.counts().erp.CreateSalesOrder ?? 0) - salesOrdersBefore).toBe(1);
    expect(appliedFor(systems, orderId)).toEqual(PLACED);
  });
});
