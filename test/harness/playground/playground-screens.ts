import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { TEAM } from '../../../dev/playground/people.js';
import { PlaygroundClock } from '../../../dev/playground/playground-clock.js';
import { startPlayground } from '../../../dev/playground/start-playground.js';
import type { Clock } from '../../../src/clock.js';
import { until } from '../until.js';
import { atDeskAndPhone, openPlaygroundPage } from './chromium-page.js';

export const WAIT_MS = 45_000;

/**
 * The playground in headless Chromium for a screenshot test file: started before its tests, stopped
 * after, and what the tests do with it (type a command, find a message, act as someone, shoot a
 * message at desk and phone width into test-artifacts/screens/, and `advance` the playground's
 * clock: the bot, the simulators and the page move together, so a failure, a window's edge or a
 * reminder a minute away comes at once instead of after a real minute; `nextCycle` is the
 * watcher's next cycle now instead of a few real seconds on). With `options.clock` the bot runs
 * on the test's own clock instead: `advance` moves it when it is a `PlaygroundClock` no simulator
 * follows (the file moves a simulator's clock itself), and is not for that file otherwise.
 * `options.env`: settings of the bot's beside the playground's (a signing key, say);
 * `options.shots`: the folder under test-artifacts/ instead; `options.chromiumArgs`: flags beside
 * those every file needs (`openPlaygroundPage`).
 */
export function usePlaygroundScreens(
  options: {
    clock?: Clock;
    env?: Record<string, string>;
    shots?: string;
    chromiumArgs?: readonly string[];
  } = {},
) {
  const shots = path.resolve('test-artifacts', options.shots ?? 'screens');
  let playground: Awaited<ReturnType<typeof startPlayground>>;
  let browser: Browser;
  let page: Page;
  /** The page's clock follows the playground's once the test first moves it. */
  let pageClockInstalled = false;

  /**
   * Moves the bot and every simulator `ms` forward (`PlaygroundClock`), and the page with them
   * (its "ago" times read the same clock). The move starts a watcher cycle, and this resolves once
   * it is done: what came due in that time has been polled and posted (the page shows it next).
   */
  async function advance(ms: number): Promise<void> {
    const moved = movable().advance(ms);
    // Its refusal (too far ahead) is thrown below, once the page has been moved too.
    moved.catch(() => undefined);
    if (!pageClockInstalled) {
      pageClockInstalled = true;
      await page.clock.install({ time: movable().now() });
      await page.clock.resume();
    } else await page.clock.setSystemTime(movable().now());
    await moved;
  }

  /** The clock `advance` moves: the playground's, or the file's own when it is a `PlaygroundClock`. */
  function movable(): PlaygroundClock {
    if (!options.clock) return playground.clock;
    if (options.clock instanceof PlaygroundClock) return options.clock;
    throw new Error('advance() moves the playground clock: this file gave a clock of its own');
  }

  /**
   * The watcher's next cycle now: the clock moves one poll interval (the time a person waits for
   * it), and this resolves once that cycle is done.
   */
  function nextCycle(): Promise<void> {
    return advance(playground.info.pollIntervalSeconds * 1000);
  }

  /**
   * The watcher's next cycles now, one after another, until the page shows what `shown` checks
   * (a bounded wait naming `what`): what a person sees after a few cycles (a success seen, the
   * wave it opens at the next one, the card's edit in the next edit window) comes at once. Each
   * cycle is run only when the page has not shown it within half a second; at most `cycles` of them
   * (each moves the clock a poll interval, within its skew), then it waits on real time.
   */
  async function cyclesUntil(what: string, shown: () => Promise<boolean>, cycles = 8): Promise<void> {
    const step = playground.info.pollIntervalSeconds * 1000;
    for (let i = 0; i < cycles && movable().skewMs + step <= PlaygroundClock.MAX_SKEW_MS; i++) {
      const seen = await until(shown, { what, timeoutMs: 500, everyMs: 100 }).then(
        () => true,
        () => false,
      );
      if (seen) return;
      await nextCycle();
    }
    await until(shown, { what, timeoutMs: WAIT_MS, everyMs: 250 });
  }

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    playground = await startPlayground(
      { PORT: '0', STORE_URL: 'memory://', LOG_LEVEL: 'silent', ...options.env },
      options.clock ? { clock: options.clock } : {},
    );
    ({ browser, page } = await openPlaygroundPage(playground.info.pageUrl, WAIT_MS, options.chromiumArgs));
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
    /** Waits for `found` to be shown, running the watcher's cycles meanwhile (`cyclesUntil`). */
    async shown(found: Locator, what: string, cycles?: number): Promise<Locator> {
      await cyclesUntil(what, () => found.isVisible(), cycles);
      return found;
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
      await atDeskAndPhone(page, async (size, viewport) => {
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
        await page.screenshot({ path: path.join(shots, `${name}-${size}.png`) });
        if (size !== 'phone') return;
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
      });
    },
    advance,
    nextCycle,
    cyclesUntil,
    /**
     * Once the watcher has the simulator's task `id` as running (a watch that began at its failure
     * would say no failure), moves the clock `ms` on: past the failure of a task failing at 14 %
     * from 12 % (about 15 s at the simulator's default speed), say.
     */
    async advanceWhenRunning(id: string, ms = 20_000): Promise<void> {
      const watcher = playground.bot.deps.watcher;
      await until(
        async () => (await watcher.list(TEAM.id)).find((r) => r.watch.id === id)?.state === 'running',
        { what: `the watch of ${id} running`, timeoutMs: WAIT_MS, everyMs: 250 },
      );
      await advance(ms);
    },
    /** The playground clock's time (the bot's and the simulators'), epoch ms. */
    now(): number {
      return (options.clock ?? playground.clock).now();
    },
    /** The page as it is now, as `<name>.png`. */
    async shot(name: string): Promise<void> {
      await page.screenshot({ path: path.join(shots, `${name}.png`) });
    },
    /** True while the page does not scroll sideways. */
    noSidewaysScroll(): Promise<boolean> {
      return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1');
    },
  };
}
