/**
 * A real gateway process killed (SIGKILL) between two steps of a write,
 * then started again on the same journal: it finds the unfinished write
 * and completes it, and each system holds the order exactly once.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSqliteJournal, type Write } from '../../../gateway/writes/index.js';
import {
  spawnProcess,
  startSystems,
  track,
  useHarness,
  type Systems,
  type TestProcess,
} from '../../harness/index.js';
import { appliedFor, PLACED } from './applied.js';
import { recordsReader } from './records.js';
import { orderInput, PLACE_ORDER, tempDir } from './setup.js';

useHarness();
const CHILD = fileURLToPath(new URL('./fixtures/gateway-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function startChild(
  systems: Systems,
  journalPath: string,
): Promise<{ child: TestProcess; url: string }> {
  const config = {
    storefront: { url: systems.storefront.url, contract: systems.storefront.contract },
    erp: { url: systems.erp.url, contract: systems.erp.contract },
    billing: { url: systems.billing.url, contract: systems.billing.contract },
    writes: { sqlitePath: journalPath, leaseMs: 1_000, recoveryIntervalMs: 500 },
  };
  const child = spawnProcess(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { SWB_CHILD: JSON.stringify(config) },
  });
  const [, url] = (await child.waitFor(/listening (http:\/\/\S+)/, {
    timeoutMs: 60_000,
  })) as RegExpMatchArray;
  return { child, url: url as string };
}

/** Polls `read` until `done` says yes; a safety net of 30 s against hangs, not a timing assertion. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a gateway killed between two steps', { timeout: 120_000 }, () => {
  it('completes the write on restart: each system holds the order once', async () => {
    const systems = await startSystems();
    const records = await recordsReader(systems);
    const journalPath = `${tempDir()}/journal.db`;
    const journal = track(await createSqliteJournal({ path: journalPath }), 'journal reader');
    try {
      // The erp applies the sales order and never answers: the gateway is killed while it waits.
      systems.erp.misbehaviour.set({
        operations: ['CreateSalesOrder'],
        hangAfterApply: 1,
      } as never);
      const first = await startChild(systems, journalPath);
      const customerId = 'cus_0007';
      void fetch(`${first.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `crash-${Date.now()}` },
        body: JSON.stringify({
          query: PLACE_ORDER,
          variables: { input: orderInput({ customerId }) },
        }),
      }).catch(() => undefined);
      await until(
        async () => systems.counts().erp.CreateSalesOrder ?? 0,
        (count) => count >= 1,
      );
      first.child.signal('SIGKILL');
      await first.child.exited;
      const [write] = await journal.list({ limit: 1 });
      expect(write?.state).toBe('running');
      expect(write?.steps.map((step) => step.state)).toEqual(['succeeded', 'sent', 'pending']);
      expect(systems.counts().billing.CreateInvoice ?? 0).toBe(0);

      systems.erp.misbehaviour.set({});
      const second = await startChild(systems, journalPath);
      const settled = (await until(
        () => journal.get(write!.id),
        (found) =>
          found !== undefined &&
          !['planned', 'running', 'compensating', 'replaying'].includes(found.state),
      )) as Write;
      await second.child.close();
      expect(settled.state).toBe('succeeded');
      expect(settled.steps.map((step) => step.state)).toEqual([
        'succeeded',
        'succeeded',
        'succeeded',
      ]);
      const orderId = (settled.steps[0]?.result as { id: string }).id;
      expect(await records.order(orderId)).toEqual({
        storefront: 'PENDING',
        erp: 1,
        billing: ['INVOICE_STATUS_OPEN'],
      });
      // The erp's sales order was found by its external reference, not sent again.
      expect(systems.counts().erp.CreateSalesOrder).toBe(1);
      expect(appliedFor(systems, orderId)).toEqual(PLACED);
      expect(
        (await records.ordersOf(customerId)).filter((order) => order.id === orderId),
      ).toHaveLength(1);
    } finally {
      await records.close();
    }
  });
});
