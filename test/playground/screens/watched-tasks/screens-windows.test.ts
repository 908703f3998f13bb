import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens, WAIT_MS } from '../../../harness/playground/playground-screens.js';
import { shootHome } from '../screen-home.js';
import { postsInKorean, readingKorean } from '../screen-language.js';
import { channelCard, s3Tasks } from './screen-tasks.js';

/**
 * Issue 48 item 1 as people see it, at a desk (1280 px) and on a phone (390×844), in English and
 * Korean: `/migrate window add` answered, `window list`, and a watched card paused by its window
 * ("Paused by window … · resumes …"). The window starts at the next minute of the playground's
 * clock, and the test moves the clock there rather than waiting for it.
 */
const screen = usePlaygroundScreens();
const { type, message, actAs, shoot } = screen;

/** `HH:MM` in UTC of `at` (epoch ms). */
function utcClock(epochMs: number): string {
  const at = new Date(epochMs);
  return `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
}

describe('issue 48 item 1 at desk and phone width', { timeout: 420_000 }, () => {
  it('a window added, listed, and pausing a watched task, in English then Korean', async () => {
    await actAs('Alice');
    const [task, capped] = s3Tasks(
      screen,
      ['nightly-archive', 0.2, 4096, 8, 'us-east-1', 'archive'],
      ['photo-backfill', 0.4, 2048, 64, 'eu-west-1', 'photos'],
    );
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
    const card = channelCard(screen, 'nightly-archive');
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
    await shootHome(screen, /Time windows/, 'window-home-en');

    await readingKorean(screen, async () => {
      await postsInKorean(screen);
      await type('/migrate window list');
      await shoot(await message(/night-only/), 'window-list-ko');
      // The card is redrawn in the channel's language at its next edit.
      await type(`/migrate status hw-sim:${task.id}`);
      const status = await message(/nightly-archive[\s\S]*(일시 중지|창)/, WAIT_MS);
      await shoot(status, 'window-status-ko');
      await shootHome(screen, /시간 창/, 'window-home-ko');
    });
  });
});
