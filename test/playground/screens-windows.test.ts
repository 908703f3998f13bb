import { describe, expect, it } from 'vitest';
import { GiB } from '../../dev/simulators/huawei-oms/index.js';
import { usePlaygroundScreens, WAIT_MS } from '../harness/playground-screens.js';

/**
 * Issue 48 item 1 as people see it, at a desk (1280 px) and on a phone (390×844), in English and
 * Korean: `/migrate window add` answered, `window list`, and a watched card paused by its window
 * ("Paused by window … · resumes …"). The window starts at the next minute of the playground's
 * clock, and the test moves the clock there rather than waiting for it.
 */
const screen = usePlaygroundScreens();
const { type, message, actAs, shoot, shot, noSidewaysScroll } = screen;

/** The app's Home tab, afresh, scrolled to its time windows, at desk and phone width. */
async function shootHome(waiting: RegExp, name: string): Promise<void> {
  const { page } = screen;
  try {
    for (const [size, viewport] of [
      ['desk', { width: 1280, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.locator('.sidebar-item[data-nav="channel"]').click();
      await page.locator('.sidebar-item[data-nav="app"]').click();
      await page.locator('.tab[data-tab="home"]').click();
      const home = page.locator('#home .blocks');
      await home.filter({ hasText: waiting }).waitFor();
      // The tab may be published again meanwhile (each open sends app_home_opened): scroll the new one.
      const section = home.locator('.section-text', { hasText: waiting }).last();
      await expect
        .poll(
          () =>
            section.scrollIntoViewIfNeeded({ timeout: 2_000 }).then(
              () => true,
              () => false,
            ),
          {
            timeout: 20_000,
          },
        )
        .toBe(true);
      await shot(`${name}-${size}`);
      expect(await noSidewaysScroll()).toBe(true);
    }
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('.sidebar-item[data-nav="channel"]').click();
  }
}

/** `HH:MM` in UTC of `at` (epoch ms). */
function utcClock(epochMs: number): string {
  const at = new Date(epochMs);
  return `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
}

describe('issue 48 item 1 at desk and phone width', { timeout: 420_000 }, () => {
  it('a window added, listed, and pausing a watched task, in English then Korean', async () => {
    await actAs('Alice');
    const task = screen.playground.simulators.get('huawei-oms').addTask({
      name: 'nightly-archive',
      status: 2,
      progress: 0.2,
      totalSize: 4096 * GiB,
      speed: 8 * 1024 ** 2,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'archive' },
      dst: { region: 'cn-north-4', bucket: 'archive-obs' },
    });
    const capped = screen.playground.simulators.get('huawei-oms').addTask({
      name: 'photo-backfill',
      status: 2,
      progress: 0.4,
      totalSize: 2048 * GiB,
      speed: 64 * 1024 ** 2,
      src: { cloud_type: 'AWS', region: 'eu-west-1', bucket: 'photos' },
      dst: { region: 'cn-north-4', bucket: 'photos-obs' },
    });
    await type(`/migrate watch hw-sim:${task.id}`);
    await message(/nightly-archive/);
    await type(`/migrate watch hw-sim:${capped.id}`);
    await message(/photo-backfill/);
    // Both windows start at the same minute, at least 30 s ahead (so neither is typed inside it),
    // and the clock is moved there once both are added.
    const start = Math.ceil((screen.now() + 30_000) / 60_000) * 60_000;
    const [from, to] = [utcClock(start), utcClock(start + 30 * 60_000)];
    await type(
      `/migrate window add hw-sim:${capped.id} daily ${from}-${to} UTC limit 50 MB/s as office hours`,
    );
    await message(/office hours/);
    await type(`/migrate window add hw-sim:${task.id} daily ${from}-${to} UTC pause as night-only`);
    const added = await message(/Window added/);
    await shoot(added, 'window-added-en');
    await type('/migrate window list');
    const list = await message(/Time windows/);
    await shoot(list, 'window-list-en');
    await screen.advance(Math.max(0, start + 1_000 - screen.now()));
    const card = screen.page
      .locator('#messages .message')
      .filter({ hasText: 'nightly-archive' })
      .filter({ has: screen.page.locator('.thread-summary') })
      .last();
    await expect
      .poll(async () => card.innerText(), { timeout: 60_000, interval: 1_000 })
      .toMatch(/Paused by window/);
    await shoot(card, 'window-paused-card-en');
    const cappedCard = screen.page
      .locator('#messages .message')
      .filter({ hasText: 'photo-backfill' })
      .filter({ hasText: 'Watched in this channel' })
      .last();
    await expect
      .poll(async () => cappedCard.innerText(), { timeout: 60_000, interval: 1_000 })
      .toMatch(/Capped at 50 MB\/s by window/);
    await shoot(cappedCard, 'window-capped-card-en');
    await shootHome(/Time windows/, 'window-home-en');

    const language = screen.page.locator('#language-switch');
    try {
      await language.selectOption('ko-KR');
      await actAs('Dana');
      await type('/migrate settings language ko');
      await message(/Channel posts now use|채널 게시물/);
      await actAs('Alice');
      await type('/migrate window list');
      await shoot(await message(/night-only/), 'window-list-ko');
      // The card is redrawn in the channel's language at its next edit.
      await type(`/migrate status hw-sim:${task.id}`);
      const status = await message(/nightly-archive[\s\S]*(일시 중지|창)/, WAIT_MS);
      await shoot(status, 'window-status-ko');
      await shootHome(/시간 창/, 'window-home-ko');
    } finally {
      await language.selectOption('en-US');
    }
  });
});
