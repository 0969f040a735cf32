/**
 * Shared by the playground tests: Debian's Chromium through playwright-core,
 * with a fresh profile, every host but the gateway blocked (and recorded),
 * closed with the test file's harness.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { track } from '../harness/index.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Safety nets against a hang, not timing assertions.
export const PAGE_READY_MS = 30_000;
export const ANSWER_MS = 15_000;

/** Opens a browser whose only reachable host is `gatewayUrl`'s; `blocked` lists every other request the page tried. */
export async function openBrowser(gatewayUrl: string): Promise<{ page: Page; blocked: string[] }> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No Chromium at ${CHROMIUM}: run 'bash scripts/test-prerequisites.sh' (npm test does) or set CHROMIUM_PATH.`,
    );
  const profile = await mkdtemp(join(tmpdir(), 'switchboard-chromium-'));
  // A fresh profile per run: nothing cached from another run can make the page look offline-ready.
  track({ close: () => rm(profile, { recursive: true, force: true }) }, 'chromium profile');
  const context = await chromium.launchPersistentContext(profile, {
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
  const page = context.pages()[0] ?? (await context.newPage());
  const blocked: string[] = [];
  const gatewayHost = new URL(gatewayUrl).host;
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.host === gatewayHost) return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  return { page, blocked };
}

/**
 * Replaces the text of a Monaco editor. insertText bypasses Monaco's
 * auto-closing of brackets and quotes, which typing key by key would trigger.
 */
export async function replaceEditorText(
  page: Page,
  editor: ReturnType<Page['locator']>,
  text: string,
): Promise<void> {
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}
