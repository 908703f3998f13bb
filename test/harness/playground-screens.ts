import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startPlayground } from '../../dev/playground/start-playground.js';
import type { Clock } from '../../src/clock.js';
import { until } from './until.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve('test-artifacts', 'screens');
export const WAIT_MS = 45_000;
export const DESK = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/**
 * The playground in headless Chromium for a screenshot test file (on `clock`, when given, a clock
 * the test moves): started before its tests,
 * stopped after, and what the tests do with it (type a command, find a message, act as someone,
 * shoot a message at desk and phone width into test-artifacts/screens/).
 */
export function usePlaygroundScreens(options: { clock?: Clock } = {}) {
  let playground: Awaited<ReturnType<typeof startPlayground>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
    mkdirSync(SHOTS, { recursive: true });
    playground = await startPlayground(
      { PORT: '0', STORE_URL: 'memory://', LOG_LEVEL: 'silent' },
      { clock: options.clock },
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
      timeout: 30_000,
    });
    page = await browser.newPage({ viewport: DESK });
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(playground.info.pageUrl);
    await page.locator('#live-label', { hasText: 'live' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
  });

  return {
    get page(): Page {
      return page;
    },
    get playground() {
      return playground;
    },
    async type(text: string): Promise<void> {
      await page.locator('#composer-input').fill(text);
      await page.locator('#composer-input').press('Enter');
    },
    async message(text: string | RegExp, timeout = WAIT_MS): Promise<Locator> {
      const found = page.locator('#messages .message').filter({ hasText: text }).last();
      await found.waitFor({ timeout });
      return found;
    },
    async actAs(name: string): Promise<void> {
      await page.locator('.user-button', { hasText: name }).click();
      await page.locator('.user-button[aria-pressed="true"]', { hasText: name }).waitFor();
    },
    /**
     * The message (or messages: the first scrolled into view last) at the desk and on the phone;
     * nothing spills sideways.
     */
    async shoot(found: Locator | readonly Locator[], name: string): Promise<void> {
      const all = Array.isArray(found) ? found : [found as Locator];
      try {
        for (const [size, viewport] of [
          ['desk', DESK],
          ['phone', PHONE],
        ] as const) {
          await page.setViewportSize(viewport);
          // A post the editor redraws between finding it and scrolling is replaced by its new
          // version: scroll to that one (the locator finds it again) rather than fail.
          for (const one of [...all].reverse()) {
            await until(
              () =>
                one.scrollIntoViewIfNeeded({ timeout: 5_000 }).then(
                  () => true,
                  () => false,
                ),
              { what: `${name}: its post shown to scroll to`, timeoutMs: WAIT_MS, everyMs: 100 },
            );
          }
          await page.screenshot({ path: path.join(SHOTS, `${name}-${size}.png`) });
          if (size !== 'phone') continue;
          for (const one of all) {
            // A post the editor redraws meanwhile is briefly replaced in the page: measure it
            // once it is back (boundingBox answers null for a node that is not shown).
            await expect
              .poll(
                async () => {
                  const box = await one.boundingBox();
                  return box === null ? 'not shown' : box.x + box.width <= viewport.width + 1;
                },
                { timeout: WAIT_MS },
              )
              .toBe(true);
          }
        }
      } finally {
        await page.setViewportSize(DESK);
      }
    },
    /** The page as it is now, as `<name>.png`. */
    async shot(name: string): Promise<void> {
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
    },
    /** True while the page does not scroll sideways. */
    noSidewaysScroll(): Promise<boolean> {
      return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1');
    },
  };
}
