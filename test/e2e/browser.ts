/**
 * Shared by the playground tests: the harness's offline Chromium
 * (startOfflineChromium) with only the gateway reachable, and Monaco editing.
 */
import type { Page } from 'playwright-core';
import { startOfflineChromium } from '../harness/index.js';

// Safety nets against a hang, not timing assertions.
export const PAGE_READY_MS = 30_000;
export const ANSWER_MS = 15_000;

/** Opens a browser whose only reachable host is `gatewayUrl`'s; `blocked` lists every other request the page tried. */
export async function openBrowser(gatewayUrl: string): Promise<{ page: Page; blocked: string[] }> {
  const { page, blocked } = await startOfflineChromium(new URL(gatewayUrl).host);
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
