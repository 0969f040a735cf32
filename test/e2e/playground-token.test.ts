/**
 * The playground with a partner's token (issue 11): a person pastes the
 * token into GraphiQL's headers editor, and what the page introspects is the
 * schema that token sees. Here the anonymous demo caller sees prices; a
 * token with catalog:read alone does not, so Product.price disappears.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteTokenStore, type TokenStore } from '../../gateway/auth/index.js';
import {
  DEMO_AUTH,
  startGatewayOn,
  startSystems,
  unifiedDemoConfig,
  useHarness,
  type TestGateway,
} from '../harness/index.js';
import { issueOwn } from '../integration/auth/helpers.js';
import { ANSWER_MS, openBrowser, PAGE_READY_MS, replaceEditorText } from './browser.js';

useHarness();

let gateway: TestGateway;
let page: Page;
let blocked: string[];
let dir: string;
let store: TokenStore;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-playground-token-'));
  const keyFile = join(dir, 'keys.json');
  store = createSqliteTokenStore({ path: join(dir, 'tokens.db') });
  ({ token } = await issueOwn(keyFile, store, { partner: 'acme', scopes: ['catalog:read'] }));
  const systems = await startSystems(['storefront', 'erp', 'billing']);
  gateway = await startGatewayOn(
    unifiedDemoConfig(systems, {
      auth: { ...DEMO_AUTH, keyFile, sqlitePath: join(dir, 'tokens.db') },
    }),
  );
  ({ page, blocked } = await openBrowser(gateway.url));
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The field names of Product, as the page's introspection answers them. */
const FIELDS = '{ __type(name: "Product") { fields { name } } }';

describe('playground with a token', { timeout: 90_000 }, () => {
  it('introspects the schema of the token pasted into the headers editor', async () => {
    await page.goto(`${gateway.url}/graphql`);
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.waitFor({ state: 'visible', timeout: PAGE_READY_MS });
    // Monaco puts only the lines in view into the page: a tall window shows the whole answer.
    await page.setViewportSize({ width: 1280, height: 2400 });
    const responseText = async (): Promise<string> =>
      ((await page.locator('.graphiql-response').textContent()) ?? '').replace(/\u00a0/g, ' ');
    const squeeze = (text: string): string => text.replace(/\s+/g, '');
    const run = async (): Promise<string> => {
      await replaceEditorText(page, editor, FIELDS);
      // GraphiQL commits the editors after a debounce; the headers were typed before the query, so they are committed too.
      await page.waitForFunction(
        (expected) =>
          (localStorage.getItem('graphiql:query') ?? '').replace(/\s+/g, '') === expected,
        squeeze(FIELDS),
        { timeout: ANSWER_MS },
      );
      await page.locator('.graphiql-execute-button').click();
      await expect.poll(responseText, { timeout: ANSWER_MS }).toContain('"title"');
      return responseText();
    };

    // Without a token: the demo's anonymous caller, who may see prices.
    expect(await run()).toContain('"price"');

    await page.getByRole('button', { name: 'Headers', exact: true }).click();
    const headers = page.locator('.graphiql-editor-tool .monaco-editor:visible').first();
    await headers.waitFor({ state: 'visible', timeout: ANSWER_MS });
    await replaceEditorText(page, headers, `{"Authorization": "Bearer ${token}"}`);
    // Cleared first, so the answer read next is the new one.
    await replaceEditorText(page, editor, '{ __typename }');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(responseText, { timeout: ANSWER_MS }).toContain('"Query"');

    const withToken = await run();
    expect(withToken).toContain('"sku"');
    expect(withToken).not.toContain('"price"');
    expect(withToken).not.toContain('"stock"');
    expect(blocked).toEqual([]);
  });
});
