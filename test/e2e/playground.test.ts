/**
 * The playground in a real browser (Debian's Chromium through playwright-core):
 * the page loads from the gateway alone, with every other host blocked, it
 * opens with the schema's example queries, and a query typed into the editor
 * answers with data from all three systems of record.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../demo/index.js';
import {
  startGatewayOn,
  startSystems,
  unifiedDemoConfig,
  useHarness,
  type TestGateway,
} from '../harness/index.js';
import { ANSWER_MS, openBrowser, PAGE_READY_MS, replaceEditorText } from './browser.js';

useHarness();

const SCREENSHOT = process.env.PLAYGROUND_SCREENSHOT ?? '/tmp/playground.png';

let gateway: TestGateway;
let page: Page;
/** Every request the page tried to send anywhere but the gateway. */
let blocked: string[];

beforeAll(async () => {
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
  ({ page, blocked } = await openBrowser(gateway.url));
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
    await replaceEditorText(page, editor, query);
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
