/**
 * adjustInventory: one erp step, its key sent as the erp's requestId, so a
 * caller retrying with the same key (or a replay) changes the stock once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGatewayOn,
  startSystems,
  useHarness,
  type Systems,
  type TestGateway,
} from '../../harness/index.js';
import { tempDir, writesConfig } from './setup.js';

useHarness();
let systems: Systems;
let gateway: TestGateway;
beforeAll(async () => {
  systems = await startSystems();
  gateway = await startGatewayOn(writesConfig(systems, { sqlitePath: `${tempDir()}/journal.db` }));
});
afterAll(async () => {
  await gateway?.close();
});

const ADJUST = `mutation($sku: ID!, $delta: Int!) {
  adjustInventory(sku: $sku, warehouse: WH_EAST, delta: $delta, reason: RECEIVED) { documentNumber sku warehouse delta reason onHandAfter }
}`;

describe('adjustInventory', () => {
  it('changes the erp stock once per key, and answers the adjustment', async () => {
    const headers = { 'idempotency-key': `adjust-${Date.now()}` };
    const first = await gateway.graphql(ADJUST, { sku: 'SKU-00005', delta: 7 }, { headers });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.adjustInventory).toMatchObject({
      sku: 'SKU-00005',
      warehouse: 'WH_EAST',
      delta: 7,
      reason: 'RECEIVED',
    });
    const again = await gateway.graphql(ADJUST, { sku: 'SKU-00005', delta: 7 }, { headers });
    expect(again.body.data.adjustInventory).toEqual(first.body.data.adjustInventory);
    expect(again.body.extensions?.write).toMatchObject({ replayed: true });
    const applied = systems.erp
      .records()
      .writes.filter(
        (write) =>
          write.operation === 'AdjustInventory' &&
          write.id === first.body.data.adjustInventory.documentNumber,
      );
    expect(applied).toHaveLength(1);
    expect(applied[0]?.requestId).toMatch(/^swb-[0-9a-f-]+-0-do$/);
  });

  it('is refused at the edge past its limits, before the journal', async () => {
    const refused = await gateway.graphql(ADJUST, { sku: 'SKU-00005', delta: 1_000_000 });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.body.extensions?.write).toBeUndefined();
  });
});
