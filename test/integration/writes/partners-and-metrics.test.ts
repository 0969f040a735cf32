/**
 * A partner's write, end to end: the token an identity provider signed is
 * verified at the edge, its partner is in the journal and the audit trail
 * (never the token), and the gateway's metrics count writes by the state
 * they settled in and the dead letters waiting in the shared journal.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSqliteJournal, type WriteJournal } from '../../../gateway/writes/index.js';
import {
  ISSUER_AUDIENCE,
  startGatewayOn,
  startIssuer,
  startSystems,
  track,
  useHarness,
  type Systems,
  type TestGateway,
  type TestIssuer,
} from '../../harness/index.js';
import { orderInput, PLACE_ORDER, tempDir, writesConfig } from './setup.js';

useHarness();

const ADMIN_TOKEN = 'admin-token-for-the-writes-metrics-0123456789';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
let systems: Systems;
let gateway: TestGateway;
let idp: TestIssuer;
let journal: WriteJournal;
let partnerToken: string;

beforeAll(async () => {
  systems = await startSystems();
  idp = await startIssuer();
  const dir = tempDir();
  const sqlitePath = join(dir, 'journal.db');
  gateway = await startGatewayOn(
    writesConfig(
      systems,
      { sqlitePath },
      {
        admin: { token: ADMIN_TOKEN },
        auth: {
          keyFile: join(dir, 'keys.json'),
          sqlitePath: join(dir, 'tokens.db'),
          anonymousScopes: [],
          trustedIssuers: [idp.trust(ISSUER_AUDIENCE)],
        },
      },
    ),
  );
  journal = await createSqliteJournal({ path: sqlitePath });
  track(journal, 'journal reader');
  partnerToken = await idp.sign({
    sub: 'acme',
    scope: 'orders:write orders:read catalog:read customers:read invoices:read',
  });
});

async function metric(name: string, labels = ''): Promise<number | undefined> {
  const text = await (await gateway.fetch('/metrics', { headers: ADMIN })).text();
  const line = text
    .split('\n')
    .find(
      (candidate) =>
        candidate.startsWith(`${name}${labels} `) ||
        (labels === '' && candidate.startsWith(`${name} `)),
    );
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe("a partner's write", () => {
  it('needs the scope: without a token the mutation is refused before any system is called', async () => {
    systems.resetCounts();
    const { status, body } = await gateway.graphql(PLACE_ORDER, { input: orderInput() });
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(systems.storefront.counter.total()).toBe(0);
  });

  it("is journaled with the partner and the token's id, never the token, and counted as succeeded", async () => {
    const { body } = await gateway.graphql(
      PLACE_ORDER,
      { input: orderInput() },
      { headers: { authorization: `Bearer ${partnerToken}` } },
    );
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    const writeId = (body.extensions?.write as { id: string }).id;
    const write = await journal.get(writeId);
    expect(write?.caller).toMatchObject({ partner: 'acme' });
    expect(write?.caller.identity).toEqual(expect.any(String));
    expect(JSON.stringify(write)).not.toContain(partnerToken);
    const audit = await journal.audit({ partner: 'acme' });
    expect(audit.map((entry) => entry.writeId)).toContain(writeId);
    expect(await metric('switchboard_writes_total', '{state="succeeded"}')).toBe(1);
  });

  it('counts a write parked in the dead-letter queue, and the dead letters waiting', async () => {
    expect(await metric('switchboard_dead_letters')).toBe(0);
    systems.billing.misbehaviour.set({ operations: ['CreateInvoice'], rejectNext: 1 } as never);
    systems.erp.misbehaviour.set({ operations: ['CancelSalesOrder'], rejectNext: 1 } as never);
    try {
      const { body } = await gateway.graphql(
        PLACE_ORDER,
        { input: orderInput() },
        { headers: { authorization: `Bearer ${partnerToken}` } },
      );
      expect(body.errors?.[0]?.extensions?.code).toBe('WRITE_INCOMPLETE');
    } finally {
      systems.billing.misbehaviour.set({});
      systems.erp.misbehaviour.set({});
    }
    expect(await metric('switchboard_writes_total', '{state="dead-lettered"}')).toBe(1);
    expect(await metric('switchboard_dead_letters')).toBe(1);
  });
});
