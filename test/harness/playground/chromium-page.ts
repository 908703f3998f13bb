import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DESK = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/**
 * Debian's headless Chromium (playwright-core drives it), and a page at desk width on the
 * playground at `pageUrl` once it is live; its waits last `waitMs`. `extraArgs`: Chromium flags
 * beside those every file needs.
 */
export async function openPlaygroundPage(
  pageUrl: string,
  waitMs: number,
  extraArgs: readonly string[] = [],
): Promise<{ browser: Browser; page: Page }> {
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (CI does), or set CHROMIUM_PATH.`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      ...extraArgs,
    ],
    timeout: 30_000,
  });
  const page = await browser.newPage({ viewport: DESK });
  page.setDefaultTimeout(waitMs);
  await page.goto(pageUrl);
  await page.locator('#live-label', { hasText: 'live' }).waitFor();
  return { browser, page };
}

type Viewport = { width: number; height: number };

/** Runs `each` at desk width, then at phone width; the page is at desk width afterwards, whatever happened. */
export async function atDeskAndPhone(
  page: Page,
  each: (size: 'desk' | 'phone', viewport: Viewport) => Promise<void>,
): Promise<void> {
  try {
    for (const [size, viewport] of [
      ['desk', DESK],
      ['phone', PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      await each(size, viewport);
    }
  } finally {
    await page.setViewportSize(DESK);
  }
}
