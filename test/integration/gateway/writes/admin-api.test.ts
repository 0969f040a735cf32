/**
 * The admin GraphQL API at /admin/graphql of a real gateway over real
 * sockets, on a real journal (SQLite; PostgreSQL) seeded through its API:
 * what an operator can read and do, and what nobody else can.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchboardConfig } from '../../../../gateway/index.js';
import {
  createPostgresJournal,
  createSqliteJournal,
  type WriteJournal,
} from '../../../../gateway/writes/index.js';
import { createRestSource } from '../../../../sources/rest/index.js';
import {
  startGatewayOn,
  startPostgres,
  useHarness,
  type TestGateway,
} from '../../../harness/index.js';
import { seedJournal, type Seeded } from './operator-seed.js';

useHarness();

const ROOT = resolve(import.meta.dirname, '../../../..');
const scratch = mkdtempSync(join(tmpdir(), 'switchboard-admin-api-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const TOKEN = 'admin-token-for-tests-0123456789abcdef';
const ADMIN = '/admin/graphql';
const bearer = { authorization: `Bearer ${TOKEN}` };

/** One source that is never called: the admin API reads the journal only. */
function configWith(
  writes: SwitchboardConfig['writes'],
  token: string | null = TOKEN,
): SwitchboardConfig {
  return {
    sources: [
      createRestSource({
        name: 'storefront',
        contract: join(ROOT, 'demo/storefront/openapi.yaml'),
        url: 'http://127.0.0.1:9',
      }),
    ],
    writes,
    ...(token === null ? {} : { admin: { token } }),
    logging: { level: 'silent' },
  } as SwitchboardConfig;
}

const WRITE_FIELDS = `id mutation state reason createdAt caller { id partner requestId }
  steps { index source operation state attempts repeatSafety lookup compensation compensationNone idempotencyKey request result error { code message source step } }`;

describe('admin API on SQLite', () => {
  let gateway: TestGateway;
  let journal: WriteJournal;
  let seeded: Seeded;

  beforeAll(async () => {
    const sqlitePath = join(scratch, 'journal.db');
    journal = await createSqliteJournal({ path: sqlitePath });
    seeded = await seedJournal(journal);
    gateway = await startGatewayOn(configWith({ journal: 'sqlite', sqlitePath }));
  });
  afterAll(async () => {
    await gateway?.close();
    await journal?.close();
  });

  it('lists writes by state, the dead letters, and one write with its plan and steps', async () => {
    const { status, body } = await gateway.graphql(
      `{ writes(states: [DEAD_LETTERED, SUCCEEDED], limit: 10) { id state } deadLetters { id } write(id: "${seeded.acmeDeadLetter.id}") { ${WRITE_FIELDS} } }`,
      undefined,
      { path: ADMIN, headers: bearer },
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.writes.map((write: { id: string }) => write.id)).toEqual([
      seeded.hostileDeadLetter.id,
      seeded.globexDeadLetter.id,
      seeded.acmeDeadLetter.id,
      seeded.succeeded.id,
    ]);
    expect(body.data.deadLetters.map((write: { id: string }) => write.id)).toEqual([
      seeded.hostileDeadLetter.id,
      seeded.globexDeadLetter.id,
      seeded.acmeDeadLetter.id,
    ]);
    const write = body.data.write;
    expect(write).toMatchObject({
      id: seeded.acmeDeadLetter.id,
      mutation: 'placeOrder',
      state: 'DEAD_LETTERED',
      caller: { id: 'tok_acme_01', partner: 'acme', requestId: 'req-acme-2' },
    });
    expect(write.reason).toBe('erp: outcome unknown and the step is not repeatable');
    expect(write.steps.map((step: { state: string }) => step.state)).toEqual([
      'SUCCEEDED',
      'UNKNOWN',
      'PENDING',
    ]);
    expect(write.steps[0]).toMatchObject({
      source: 'storefront',
      repeatSafety: 'backend-key',
      compensation: 'cancelOrder',
      result: { orderId: 'ord_1' },
      idempotencyKey: `swb-${seeded.acmeDeadLetter.id}-0-do`,
    });
    expect(write.steps[1]).toMatchObject({
      repeatSafety: 'natural-key',
      lookup: 'findSalesOrderByReference',
      error: { code: 'SOURCE_TIMEOUT', source: 'erp', step: 1 },
    });
    expect(write.steps[2]).toMatchObject({
      compensation: null,
      compensationNone: 'an issued invoice is voided by a person',
    });
    // The anonymous caller is named so; never a token.
    const hostile = await gateway.graphql(
      `{ write(id: "${seeded.hostileDeadLetter.id}") { caller { id partner } } }`,
      undefined,
      { path: ADMIN, headers: bearer },
    );
    expect(hostile.body.data.write.caller).toEqual({ id: 'anonymous', partner: null });
  });

  it('reads the audit trail by partner, write and time', async () => {
    const query = `query ($partner: String, $writeId: ID, $since: String) { audit(partner: $partner, writeId: $writeId, since: $since, limit: 1000) { seq at writeId actor event state caller { id partner } step { source operation state } detail } }`;
    const acme = await gateway.graphql(
      query,
      { partner: 'acme' },
      { path: ADMIN, headers: bearer },
    );
    expect(acme.body.errors).toBeUndefined();
    expect(acme.body.data.audit).toHaveLength(9 + 7);
    expect(
      acme.body.data.audit.every(
        (entry: { caller: { id: string; partner: string } }) =>
          entry.caller.id === 'tok_acme_01' && entry.caller.partner === 'acme',
      ),
    ).toBe(true);
    expect(acme.body.data.audit).toContainEqual(
      expect.objectContaining({
        event: 'step',
        step: { source: 'erp', operation: 'createSalesOrder', state: 'UNKNOWN' },
      }),
    );
    const one = await gateway.graphql(
      query,
      { writeId: seeded.globexDeadLetter.id },
      { path: ADMIN, headers: bearer },
    );
    expect(new Set(one.body.data.audit.map((entry: { writeId: string }) => entry.writeId))).toEqual(
      new Set([seeded.globexDeadLetter.id]),
    );
    expect(
      (
        await gateway.graphql(
          query,
          { since: '2999-01-01T00:00:00Z' },
          { path: ADMIN, headers: bearer },
        )
      ).body.data.audit,
    ).toEqual([]);
    const bad = await gateway.graphql(
      query,
      { since: 'last tuesday' },
      { path: ADMIN, headers: bearer },
    );
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('WRITE_QUERY_INVALID');
  });

  it('discards a dead letter with a reason, recorded as done by "admin"; refuses no reason, a blank one, and a second discard', async () => {
    const target = seeded.globexDeadLetter.id;
    const missing = await gateway.graphql(
      `mutation { discardWrite(id: "${target}") { state } }`,
      undefined,
      { path: ADMIN, headers: bearer },
    );
    expect(missing.body.errors?.[0]?.message).toMatch(
      /argument "reason" of type "String!" is required/,
    );
    const blank = await gateway.graphql(
      `mutation { discardWrite(id: "${target}", reason: "  ") { state } }`,
      undefined,
      { path: ADMIN, headers: bearer },
    );
    expect(blank.body.errors?.[0]?.extensions?.code).toBe('WRITE_REASON_REQUIRED');
    expect((await journal.get(target))?.state).toBe('dead-lettered');

    const done = await gateway.graphql(
      `mutation ($id: ID!, $reason: String!) { discardWrite(id: $id, reason: $reason) { id state reason } }`,
      { id: target, reason: 'refunded by hand' },
      { path: ADMIN, headers: bearer },
    );
    expect(done.body).toEqual({
      data: { discardWrite: { id: target, state: 'DISCARDED', reason: 'refunded by hand' } },
    });
    expect((await journal.audit({ writeId: target })).at(-1)).toMatchObject({
      actor: 'admin',
      state: 'discarded',
      detail: 'refunded by hand',
    });
    const again = await gateway.graphql(
      `mutation { discardWrite(id: "${target}", reason: "again") { state } }`,
      undefined,
      { path: ADMIN, headers: bearer },
    );
    expect(again.body.errors?.[0]?.extensions?.code).toBe('WRITE_NOT_DEAD_LETTERED');
  });

  it('replay: refuses what is not a dead letter, and with no executor says so and leaves the write as it was', async () => {
    const notDead = await gateway.graphql(
      `mutation { replayWrite(id: "${seeded.succeeded.id}") { state } }`,
      undefined,
      { path: ADMIN, headers: bearer },
    );
    expect(notDead.body.errors?.[0]?.extensions?.code).toBe('WRITE_NOT_DEAD_LETTERED');
    const unavailable = await gateway.graphql(
      `mutation { replayWrite(id: "${seeded.acmeDeadLetter.id}") { state } }`,
      undefined,
      { path: ADMIN, headers: bearer },
    );
    expect(unavailable.body.errors?.[0]?.extensions?.code).toBe('WRITE_REPLAY_UNAVAILABLE');
    expect((await journal.get(seeded.acmeDeadLetter.id))?.state).toBe('dead-lettered');
  });

  it('answers unknown ids with null, malformed ids and huge limits with WRITE_QUERY_INVALID', async () => {
    const unknown = await gateway.graphql(
      `{ write(id: "00000000-0000-4000-8000-000000000000") { id } }`,
      undefined,
      { path: ADMIN, headers: bearer },
    );
    expect(unknown.body).toEqual({ data: { write: null } });
    const cases = [
      `{ write(id: "${"' OR 1=1 --".repeat(500)}") { id } }`,
      '{ writes(limit: 2147483647) { id } }',
      '{ writes(limit: 0) { id } }',
      '{ deadLetters(limit: 501) { id } }',
      '{ audit(limit: 100000) { seq } }',
      '{ audit(writeId: "nope") { seq } }',
      `mutation { replayWrite(id: "../../etc/passwd") { id } }`,
      `mutation { discardWrite(id: "x", reason: "y") { id } }`,
    ];
    for (const query of cases) {
      const { body } = await gateway.graphql(query, undefined, { path: ADMIN, headers: bearer });
      expect(body.errors?.[0]?.extensions?.code, query.slice(0, 60)).toBe('WRITE_QUERY_INVALID');
      expect(JSON.stringify(body).length, query.slice(0, 60)).toBeLessThan(1000);
    }
  });

  it('refuses every request without the admin credential with 401 before reading it, and changes nothing', async () => {
    const target = seeded.hostileDeadLetter.id;
    const discard = JSON.stringify({
      query: `mutation { discardWrite(id: "${target}", reason: "not yours") { state } }`,
    });
    const attempts: Array<{ path: string; headers: Record<string, string> }> = [
      { path: ADMIN, headers: {} },
      { path: ADMIN, headers: { authorization: 'Bearer wrong-token-wrong-token-wrong-token-00' } },
      { path: ADMIN, headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}` } },
      { path: ADMIN, headers: { authorization: `Bearer ${TOKEN}x` } },
      { path: ADMIN, headers: { authorization: TOKEN } },
      {
        path: ADMIN,
        headers: { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
      },
      { path: ADMIN, headers: { authorization: 'Bearer ' } },
      { path: `${ADMIN}?token=${TOKEN}`, headers: {} },
      { path: `${ADMIN}?access_token=${TOKEN}`, headers: {} },
      { path: `${ADMIN}/`, headers: {} },
      { path: ADMIN, headers: { cookie: `token=${TOKEN}`, 'x-admin-token': TOKEN } },
    ];
    for (const { path, headers } of attempts) {
      const response = await gateway.fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: discard,
      });
      const text = await response.text();
      expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="switchboard-admin"');
      expect(JSON.parse(text)).toEqual({
        errors: [
          {
            message: 'This path needs the admin credential.',
            extensions: { code: 'ADMIN_UNAUTHORIZED' },
          },
        ],
      });
      expect(text).not.toContain(TOKEN);
    }
    // GET too, with the token only in the query string.
    const get = await gateway.fetch(
      `${ADMIN}?query=${encodeURIComponent('{ deadLetters { id } }')}&token=${TOKEN}`,
    );
    expect(get.status).toBe(401);
    expect((await journal.get(target))?.state).toBe('dead-lettered');
    expect(
      (await journal.audit({ writeId: target })).some((entry) => entry.actor === 'admin'),
    ).toBe(false);
  });

  it('is not part of the public endpoint: /graphql has no writes, deadLetters or discardWrite', async () => {
    // The admin token is no caller token: the public endpoint refuses it as one (tokens, docs/partners.md).
    const withAdminToken = await gateway.graphql('{ deadLetters { id } }', undefined, {
      headers: bearer,
    });
    expect(withAdminToken.status).toBe(401);
    expect(withAdminToken.body.errors?.[0]?.extensions?.code).toBe('AUTH_TOKEN_INVALID');
    const { body } = await gateway.graphql('{ deadLetters { id } }');
    expect(body.errors?.[0]?.message).toMatch(/Cannot query field "deadLetters" on type "Query"/);
    const mutation = await gateway.graphql(
      `mutation { discardWrite(id: "${seeded.hostileDeadLetter.id}", reason: "x") { id } }`,
    );
    expect(mutation.body.errors?.[0]?.message).toMatch(/Cannot query field "discardWrite"/);
  });

  it('keeps the public limits: an oversized body is 413 with the token and 401 without (never read), a deep query is refused', async () => {
    const huge = JSON.stringify({
      query: `{ deadLetters { id } }`,
      variables: { pad: 'x'.repeat(2 * 1_048_576) },
    });
    const withToken = await gateway.fetch(ADMIN, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer },
      body: huge,
    });
    expect(withToken.status).toBe(413);
    await withToken.text();
    const without = await gateway.fetch(ADMIN, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: huge,
    });
    expect(without.status).toBe(401);
    await without.text();
    // The admin schema is shallow, so depth is only reachable with fields it does not have: the limit still reports itself.
    const deep = `{ writes { steps { ${'a { '.repeat(14)}b${' }'.repeat(14)} } } }`;
    const refused = await gateway.graphql(deep, undefined, { path: ADMIN, headers: bearer });
    expect(
      refused.body.errors?.map(
        (error: { extensions?: { code?: string } }) => error.extensions?.code,
      ),
    ).toContain('LIMIT_DEPTH_EXCEEDED');
    const nested = `{ ${'a: __typename '.repeat(1)}${'{'.repeat(200)}${'}'.repeat(200)} }`;
    const nesting = await gateway.graphql(nested, undefined, { path: ADMIN, headers: bearer });
    expect(nesting.status).toBeGreaterThanOrEqual(400);
    const form = await gateway.fetch(ADMIN, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...bearer },
      body: 'query={deadLetters{id}}',
    });
    expect(form.status).toBe(415);
    await form.text();
  });
});

describe('admin API switched off', () => {
  it('answers 404 on /admin/graphql whatever is sent when no admin token is configured', async () => {
    const gateway = await startGatewayOn(
      configWith({ journal: 'sqlite', sqlitePath: join(scratch, 'off.db') }, null),
    );
    try {
      for (const headers of [{}, bearer]) {
        const { status, body } = await gateway.graphql('{ deadLetters { id } }', undefined, {
          path: ADMIN,
          headers,
        });
        expect(status).toBe(404);
        expect(body).toEqual({
          errors: [{ message: 'Not found.', extensions: { code: 'NOT_FOUND' } }],
        });
      }
    } finally {
      await gateway.close();
    }
  });
});

describe('admin API on PostgreSQL', () => {
  it('reads and discards on the shared journal, filtered by partner', async () => {
    const postgres = await startPostgres();
    const url = await postgres.createDatabase();
    const journal = await createPostgresJournal({ connectionString: url });
    const gateway = await startGatewayOn(configWith({ journal: 'postgres', postgresUrl: url }));
    try {
      const seeded = await seedJournal(journal);
      const { body } = await gateway.graphql(
        `{ deadLetters { id } audit(partner: "globex") { writeId caller { id partner } } }`,
        undefined,
        { path: ADMIN, headers: bearer },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.deadLetters.map((write: { id: string }) => write.id)).toEqual([
        seeded.hostileDeadLetter.id,
        seeded.globexDeadLetter.id,
        seeded.acmeDeadLetter.id,
      ]);
      expect(new Set(body.data.audit.map((entry: { writeId: string }) => entry.writeId))).toEqual(
        new Set([seeded.globexDeadLetter.id]),
      );
      const done = await gateway.graphql(
        `mutation { discardWrite(id: "${seeded.acmeDeadLetter.id}", reason: "duplicate") { state } }`,
        undefined,
        { path: ADMIN, headers: bearer },
      );
      expect(done.body).toEqual({ data: { discardWrite: { state: 'DISCARDED' } } });
      expect((await journal.get(seeded.acmeDeadLetter.id))?.state).toBe('discarded');
    } finally {
      await gateway.close();
      await journal.close();
    }
  });
});
