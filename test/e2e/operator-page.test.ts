/**
 * The operator page in a real browser (Debian's Chromium through
 * playwright-core), with every request to another host blocked: it shows
 * nothing until the admin token is given, then each source; a dead letter
 * made by the demo systems' fault modes (POST /__admin/misbehave) appears
 * with its steps, Replay finishes it (each system's own records, GET
 * /__admin/records, show each write once), and Discard takes a reason that
 * lands in the audit trail and calls no system. Screenshots of each stage
 * go to OPERATOR_SCREENSHOTS (a temporary folder by default).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startAdmin } from '../../demo/index.js';
import {
  startGatewayOn,
  startOfflineChromium,
  startSystems,
  track,
  unifiedDemoConfig,
  useHarness,
  type OfflineBrowser,
  type Systems,
  type TestGateway,
} from '../harness/index.js';
import { appliedFor, type Applied } from '../integration/writes/applied.js';
import { orderInput, PLACE_ORDER } from '../integration/writes/setup.js';

useHarness();

const TOKEN = 'operator-e2e-admin-token-0123456789abcdef';
const SHOTS =
  process.env.OPERATOR_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'switchboard-operator-'));
// Safety nets against a hang, not timing assertions.
const WAIT_MS = 20_000;

let systems: Systems;
/** The demo's admin endpoint: fault modes in, each system's own write records out, over HTTP. */
let demoAdmin: string;
let gateway: TestGateway;
let browser: OfflineBrowser;
let page: Page;

beforeAll(async () => {
  systems = await startSystems();
  const adminServer = track(
    await startAdmin({ systems: systems.list, port: 0, host: '127.0.0.1' }),
    'demo admin',
  );
  demoAdmin = adminServer.url;
  gateway = await startGatewayOn(unifiedDemoConfig(systems, { admin: { token: TOKEN } }));
  browser = await startOfflineChromium(new URL(gateway.url).host);
  page = browser.page;
});

/** The admin API, as a script would call it. */
async function admin(query: string, variables: Record<string, unknown>): Promise<any> {
  const { body } = await gateway.graphql(query, variables, {
    path: '/admin/graphql',
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  if (body.errors !== undefined) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function misbehave(system: string, settings: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${demoAdmin}/__admin/misbehave`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ system, ...settings }),
  });
  expect(response.status).toBe(200);
}

/** What each system applied for one storefront order, from its own records (GET /__admin/records). */
async function appliedRecords(orderId: string): Promise<Applied> {
  const records = (await (await fetch(`${demoAdmin}/__admin/records`)).json()) as Record<
    string,
    unknown
  >;
  // appliedFor reads `records()` of each system: here, what the endpoint answered.
  const answered = Object.fromEntries(
    Object.entries(records).map(([name, value]) => [name, { records: () => value }]),
  );
  return appliedFor(answered as unknown as Systems, orderId);
}

/** A placeOrder whose invoice is refused and whose erp undo fails: parked as a dead letter. */
async function deadLetter(): Promise<{ writeId: string; orderId: string }> {
  await misbehave('billing', { operations: ['CreateInvoice'], rejectNext: 1 });
  await misbehave('erp', { operations: ['CancelSalesOrder'], rejectNext: 1 });
  try {
    const { body } = await gateway.graphql(PLACE_ORDER, { input: orderInput() });
    const write = body.extensions?.write as { state: string; id: string };
    expect(write.state).toBe('dead-lettered');
    const writeId = write.id;
    const data = await admin('query($id: ID!) { write(id: $id) { steps { result } } }', {
      id: writeId,
    });
    return { writeId, orderId: data.write.steps[0].result.id };
  } finally {
    for (const system of ['storefront', 'erp', 'billing']) await misbehave(system, {});
  }
}

const card = (writeId: string) => page.locator(`article[data-write-id="${writeId}"]`);
const shot = (name: string) => page.screenshot({ path: join(SHOTS, name), fullPage: true });

// Chromium start-up is slow on a busy machine; the waits inside have their own limits.
describe('operator page', { timeout: 120_000 }, () => {
  it('shows nothing without the token, then the sources; a dead letter appears and Replay finishes it once; Discard takes a reason', async () => {
    // A read through every system, so the sources have calls to show.
    const read = await gateway.graphql(
      '{ product(sku: "SKU-00001") { title price { amount } stock { available } } }',
    );
    expect(read.body.errors).toBeUndefined();

    await page.goto(`${gateway.url}/admin`);
    expect(await page.title()).toBe('Switchboard operator');
    await expect.poll(() => page.locator('#login').isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.locator('#board').isVisible()).toBe(false);
    expect(await page.locator('#sources tr').count()).toBe(0);
    await shot('1-locked.png');

    await page.locator('#token').fill(TOKEN);
    await page.getByRole('button', { name: 'Open' }).click();
    const sourceRows = page.locator('#sources tr');
    await expect.poll(() => sourceRows.count(), { timeout: WAIT_MS }).toBe(3);
    expect(
      await sourceRows.evaluateAll((rows) =>
        rows.map((row) => (row as HTMLElement).dataset.source),
      ),
    ).toEqual(['storefront', 'erp', 'billing']);
    expect(await page.locator('#sources tr[data-source="erp"]').textContent()).toContain('up');
    expect(await page.locator('#no-dead-letters').isVisible()).toBe(true);

    const replayed = await deadLetter();
    const discarded = await deadLetter();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await card(replayed.writeId).waitFor({ state: 'visible', timeout: WAIT_MS });
    await card(discarded.writeId).waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await page.locator('#dead-letter-count').textContent()).toBe('2');
    // The steps and their errors, as the journal holds them.
    const steps = card(replayed.writeId).locator('table.steps tbody tr');
    expect(await steps.count()).toBe(3);
    expect(await steps.nth(2).textContent()).toContain('billing');
    expect(await steps.nth(1).textContent()).toContain('compensation-failed');
    await shot('2-dead-letters.png');

    await card(replayed.writeId).getByRole('button', { name: 'Replay' }).click();
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: WAIT_MS })
      .toBe(`Write ${replayed.writeId} replayed: now compensated.`);
    await card(replayed.writeId).waitFor({ state: 'detached', timeout: WAIT_MS });
    // Each system's own write log: created once, undone once.
    expect(await appliedRecords(replayed.orderId)).toEqual({
      storefront: { createOrder: 1, cancelOrder: 1 },
      erp: { CreateSalesOrder: 1, CancelSalesOrder: 1 },
      billing: {},
    });

    // Discard stays disabled until a reason is typed.
    const discard = card(discarded.writeId).getByRole('button', { name: 'Discard' });
    expect(await discard.isDisabled()).toBe(true);
    await card(discarded.writeId).locator('input').fill('Cancelled by phone with the customer');
    await discard.click();
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: WAIT_MS })
      .toBe(`Write ${discarded.writeId} discarded: now discarded.`);
    await card(discarded.writeId).waitFor({ state: 'detached', timeout: WAIT_MS });
    // A discard changes the journal only: the systems keep what they applied, nothing undone.
    expect(await appliedRecords(discarded.orderId)).toEqual({
      storefront: { createOrder: 1 },
      erp: { CreateSalesOrder: 1 },
      billing: {},
    });
    const kept = await admin('query($id: ID!) { write(id: $id) { state reason } }', {
      id: discarded.writeId,
    });
    expect(kept.write).toEqual({
      state: 'DISCARDED',
      reason: 'Cancelled by phone with the customer',
    });
    // The discard is in the audit trail the page shows, by the admin.
    const discardEntry = page
      .locator(`#audit tr[data-write-id="${discarded.writeId}"]`)
      .filter({ hasText: 'Cancelled by phone with the customer' });
    expect(await discardEntry.count()).toBe(1);
    expect(await discardEntry.textContent()).toContain('admin');
    expect(await page.locator('#no-dead-letters').isVisible()).toBe(true);
    await shot('3-after-replay-and-discard.png');

    // Filtered by a partner that wrote nothing, the trail is empty.
    await page.locator('#partner').fill('acme');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect
      .poll(() => page.locator('#audit-count').textContent(), { timeout: WAIT_MS })
      .toBe('0 entries of partner acme, newest first.');

    // Lock forgets the token and clears what was shown.
    await page.getByRole('button', { name: 'Lock' }).click();
    expect(await page.locator('#board').isVisible()).toBe(false);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    expect(browser.blocked).toEqual([]);
    expect(browser.errors).toEqual([]);
  });
});
