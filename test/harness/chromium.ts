/**
 * Headless Chromium (Debian's, through playwright-core) for browser tests:
 * a fresh profile per run, every request to a host other than the one
 * allowed aborted and recorded, and the page's console errors collected.
 * Registered for closeAll(), like every server the harness starts.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { track } from './cleanup.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface OfflineBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every request the page tried to send anywhere but the allowed host. */
  readonly blocked: string[];
  /** Console errors and uncaught exceptions of the page (CSP violations included). */
  readonly errors: string[];
}

/** Starts Chromium that may reach `allowedHost` ("127.0.0.1:54321") and nothing else. */
export async function startOfflineChromium(allowedHost: string): Promise<OfflineBrowser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No Chromium at ${CHROMIUM}: run 'bash scripts/test-prerequisites.sh' (npm test does) or set CHROMIUM_PATH.`,
    );
  const profile = await mkdtemp(join(tmpdir(), 'switchboard-chromium-'));
  // A fresh profile per run: nothing cached from another run can make a page look offline-ready.
  track({ close: () => rm(profile, { recursive: true, force: true }) }, 'chromium profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
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
  const blocked: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.host === allowedHost) return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, blocked, errors };
}
