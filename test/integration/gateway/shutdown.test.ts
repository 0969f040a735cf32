/**
 * Graceful shutdown (issue 12 §3, shutdown.graceMs): a real
 * `switchboard start` process sent SIGTERM while a read and a write are in
 * flight. The read, held by the storefront for less than the grace period,
 * is answered; new connections are refused at once; the write, held by the
 * erp past the grace period, is cut and stays in the journal as far as it
 * got; the process exits 0. Started again on the same journal, the gateway
 * finishes the write by recovery, and each system holds the order once.
 */
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteJournal, type Write } from '../../../gateway/writes/index.js';
import { startSystems, track, useHarness } from '../../harness/index.js';
import { appliedFor, PLACED } from '../writes/applied.js';
import { startChildGateway } from './fixtures/child-gateway.js';
import { recordsReader } from '../writes/records.js';
import { orderInput, PLACE_ORDER, tempDir } from '../writes/setup.js';

useHarness();

/** Polls `read` until `done` says yes; a safety net of 30 s against hangs, not a timing assertion. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether a new TCP connection to `url` is refused (true) or accepted (false, and closed again). */
function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

const post = (url: string, body: object, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('switchboard start on SIGTERM', { timeout: 480_000 }, () => {
  it('answers the request in flight, refuses new connections, exits 0 and leaves a held write to recovery', async () => {
    const systems = await startSystems();
    const records = await recordsReader(systems);
    const dir = tempDir();
    const journalPath = join(dir, 'journal.db');
    const journal = track(await createSqliteJournal({ path: journalPath }), 'journal reader');
    try {
      // The read waits 1.5 s at the storefront, inside the 3 s grace period; the write's sales
      // order is applied by the erp and never answered, so it outlasts the grace period (the erp's
      // 6 s call deadline then ends the hung call, after the journal has closed).
      systems.storefront.misbehaviour.set({ operations: ['getProduct'], latencyMs: 1_500 });
      systems.erp.misbehaviour.set({ operations: ['CreateSalesOrder'], hangAfterApply: 1 });
      const first = await startChildGateway(systems, dir, {
        // No recovery loop in this instance: the write it holds must stay as it left it.
        writes: { sqlitePath: journalPath, leaseMs: 1_000, recoveryIntervalMs: 0 },
        shutdown: { graceMs: 3_000 },
        pipeline: { sources: { erp: { timeoutMs: 6_000 } } },
      });
      const write = post(
        `${first.url}/graphql`,
        { query: PLACE_ORDER, variables: { input: orderInput({ customerId: 'cus_0009' }) } },
        { 'idempotency-key': `shutdown-${Date.now()}` },
      ).then(
        (response) => `answered ${response.status}`,
        () => 'cut',
      );
      await until(
        async () => systems.counts().erp.CreateSalesOrder ?? 0,
        (count) => count >= 1,
      );
      let readAnswered = false;
      const read = post(`${first.url}/graphql/storefront`, {
        query: '{ getProduct(productId: "prod_00003") { sku } }',
      }).then(async (response) => {
        readAnswered = true;
        return { status: response.status, body: await response.json() };
      });
      await until(
        async () => systems.counts().storefront.getProduct ?? 0,
        (count) => count >= 1,
      );

      first.child.signal('SIGTERM');
      const refusedFirst = await until(
        async () => ({ refused: await refused(first.url), readAnswered }),
        (state) => state.refused || state.readAnswered,
      );
      expect(refusedFirst).toEqual({ refused: true, readAnswered: false });
      expect(await read).toEqual({
        status: 200,
        body: { data: { getProduct: { sku: 'SKU-00003' } } },
      });
      expect(await write).toBe('cut');
      expect((await first.child.exited).code).toBe(0);

      // Left as far as it got: the order placed, the sales order sent (its outcome unknown), the invoice not sent.
      const [left] = await journal.list({ limit: 1 });
      expect(left?.state).toBe('running');
      expect(left?.steps.map((step) => step.state)).toEqual(['succeeded', 'sent', 'pending']);
      expect(systems.counts().billing.CreateInvoice ?? 0).toBe(0);

      systems.erp.misbehaviour.set({});
      const second = await startChildGateway(systems, dir, {
        writes: { sqlitePath: journalPath, leaseMs: 1_000, recoveryIntervalMs: 500 },
      });
      const settled = (await until(
        () => journal.get(left!.id),
        (found) =>
          found !== undefined &&
          ['succeeded', 'compensated', 'dead-lettered'].includes(found.state),
      )) as Write;
      await second.child.close();
      expect((await second.child.exited).code).toBe(0);
      expect(settled.state).toBe('succeeded');
      const orderId = (settled.steps[0]?.result as { id: string }).id;
      expect(await records.order(orderId)).toEqual({
        storefront: 'PENDING',
        erp: 1,
        billing: ['INVOICE_STATUS_OPEN'],
      });
      // Found by its external reference on recovery, not sent again.
      expect(systems.counts().erp.CreateSalesOrder).toBe(1);
      expect(appliedFor(systems, orderId)).toEqual(PLACED);
    } finally {
      await records.close();
    }
  });
});
