/**
 * The playground in a real browser (Debian's Chromium through playwright-core):
 * the page loads from the gateway alone, with every other host blocked, it
 * opens with the schema's example queries, and a query typed into the editor
 * answers with data from all three systems of record.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../demo/index.js';
import {
  startGatewayOn,
  startSystems,
  track,
  unifiedDemoConfig,
  useHarness,
  type TestGateway,
} from '../harness/index.js';

useHarness();

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = process.env.PLAYGROUND_SCREENSHOT ?? '/tmp/playground.png';
// Safety nets against a hang, not timing assertions.
const PAGE_READY_MS = 30_000;
const ANSWER_MS = 15_000;

let gateway: TestGateway;
let context: BrowserContext;
let page: Page;
/** Every request the page tried to send anywhere but the gateway. */
const blocked: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No Chromium at ${CHROMIUM}: run 'bash scripts/test-prerequisites.sh' (npm test does) or set CHROMIUM_PATH.`,
    );
  const systems = await startSystems(['storefront', 'erp', 'billing']);
  const examples = new URL('../../schema/examples/', import.meta.url);
  const defaultTabs = readdirSync(examples)
    .sort()
    .map((name) => ({ query: readFileSync(new URL(name, examples), 'utf8') }));
  gateway = await startGatewayOn(
    unifiedDemoConfig(systems, {
      playground: { title: 'Switchboard e2e', defaultTabs },
      endpoints: { sources: 'read-only' },
    }),
  );
  const profile = await mkdtemp(join(tmpdir(), 'switchboard-chromium-'));
  // A fresh profile per run: nothing cached from another run can make the page look offline-ready.
  track({ close: () => rm(profile, { recursive: true, force: true }) }, 'chromium profile');
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 720 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
  let closed: Promise<void> | undefined;
  track({ close: () => (closed ??= context.close()) }, 'chromium');
  page = context.pages()[0] ?? (await context.newPage());
  const gatewayHost = new URL(gateway.url).host;
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.host === gatewayHost) return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
});

// Chromium start-up and Monaco's first render are slow on a busy machine; the waits inside have their own limits.
describe('playground', { timeout: 90_000 }, () => {
  it('serves GraphiQL offline, opens with the example queries, and runs a typed query across the three systems', async () => {
    const seed = catalogue();
    const product = seed.products[0];
    const price = seed.prices.find((candidate) => candidate.sku === product?.sku);
    if (!product || !price) throw new Error('the catalogue has no priced products');

    // A source's own page first: its tabs must not replace the unified page's (issue 13).
    await page.goto(`${gateway.url}/graphql/erp`);
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.waitFor({ state: 'visible', timeout: PAGE_READY_MS });
    await expect
      .poll(async () => page.locator('.graphiql-tab').count(), { timeout: ANSWER_MS })
      .toBeGreaterThan(0);

    await page.goto(`${gateway.url}/graphql`);
    expect(await page.title()).toContain('Switchboard e2e');
    await editor.waitFor({ state: 'visible', timeout: PAGE_READY_MS });

    // The example queries open as tabs, named after their operations.
    for (const name of ['Products', 'Order', 'InvoiceEvents'])
      await expect
        .poll(async () => page.locator('.graphiql-tab').filter({ hasText: name }).count(), {
          timeout: ANSWER_MS,
        })
        .toBeGreaterThan(0);

    const query = `{ product(sku: "${product.sku}") { sku title price { amount currencyCode } stock { available } } }`;
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    // insertText bypasses Monaco's auto-closing of brackets and quotes, which typing key by key would trigger.
    await page.keyboard.insertText(query);
    // One line is what a fast typist enters; GraphiQL's own button lays it out.
    await page.getByRole('button', { name: /prettify/i }).click();
    // GraphiQL commits the editor's text to its state (and localStorage) after a debounce;
    // running before that would send the previous query.
    // Compared without whitespace: the editor may re-indent what it is given.
    const squeeze = (text: string): string => text.replace(/\s+/g, '');
    await page.waitForFunction(
      (expected) => (localStorage.getItem('graphiql:query') ?? '').replace(/\s+/g, '') === expected,
      squeeze(query),
      { timeout: ANSWER_MS },
    );
    await page.locator('.graphiql-execute-button').click();

    // Monaco renders spaces as no-break spaces; compare with plain ones.
    const responseText = async (): Promise<string> =>
      ((await page.locator('.graphiql-response').textContent()) ?? '').replace(/\u00a0/g, ' ');
    await expect.poll(responseText, { timeout: ANSWER_MS }).toContain(product.title);
    const text = await responseText();
    const minor = price.amountMinor.toString().padStart(3, '0');
    expect(text).toContain(`"amount": "${minor.slice(0, -2)}.${minor.slice(-2)}"`); // from billing, exact
    expect(text).toMatch(/"available": \d+/); // from the erp
    expect(text).not.toContain('"errors"');

    await page.screenshot({ path: SCREENSHOT });
    expect(blocked).toEqual([]);
  });
});
