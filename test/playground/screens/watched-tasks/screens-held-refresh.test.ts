import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens, WAIT_MS } from '../../../harness/playground/playground-screens.js';
import { TestClock } from '../../../harness/test-clock.js';
import { until } from '../../../harness/until.js';
import { shootHome } from '../screen-home.js';
import { postsInKorean, readingKorean } from '../screen-language.js';
import { s3Tasks } from './screen-tasks.js';

/**
 * Issue 59 items 1 and 7 as people see them, at a desk (1280 px) and on a phone (390×844), in
 * English and Korean: a task a window paused before anyone watched it, on its card, status, list
 * and Home (the window that holds it first, no cap while it is paused); and Refresh on the watched
 * card and on a post in its thread (the whole card, never a plain one). The bot's clock is moved to
 * the windows' start rather than waited for.
 */
const clock = new TestClock();
const screen = usePlaygroundScreens({ clock });
const { type, message, actAs, shoot } = screen;
const MINUTE = 60_000;

/** `HH:MM` in Seoul at `ms`. */
function seoul(ms: number): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Seoul',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(ms));
}

/** The watcher's card of `name` in the channel. */
function channelCard(name: string, watched: RegExp): Locator {
  return screen.page
    .locator('#messages .message')
    .filter({ hasText: name })
    .filter({ hasText: watched })
    .last();
}

/** The edits of the watcher's channel card of task `id`, as the fake Slack received them. */
function cardEdits(id: string) {
  const slack = screen.playground.fakeSlack;
  const card = slack
    .callsTo('chat.postMessage')
    .find((c) => !c.body.thread_ts && c.ts && JSON.stringify(c.body.blocks).includes(id));
  return card ? slack.callsTo('chat.update').filter((c) => c.body.ts === card.ts) : [];
}

/** Presses Refresh on a post of the thread of `card`; the answer only the presser sees. */
async function refreshInThread(card: Locator, post: RegExp, answer: RegExp): Promise<Locator> {
  const { page } = screen;
  await card.locator('.thread-summary').click();
  const reply = page.locator('#thread-messages .message').filter({ hasText: post }).last();
  await reply.waitFor({ timeout: WAIT_MS });
  await reply
    .locator('.bk-button', { hasText: /Refresh|새로고침/ })
    .first()
    .click();
  const told = page.locator('#thread-messages .message.is-ephemeral').filter({ hasText: answer }).last();
  await told.waitFor({ timeout: WAIT_MS });
  return told;
}

describe('issue 59 items 1 and 7 at desk and phone width', { timeout: 420_000 }, () => {
  it('a task a window holds, and Refresh on its card and thread, in English then Korean', async () => {
    const { page } = screen;
    await actAs('Alice');
    const oms = screen.playground.simulators.get('huawei-oms');
    const [held, moving] = s3Tasks(
      screen,
      ['lunch-archive', 0.35, 2048, 40, 'ap-northeast-2', 'ledger', 'ap-southeast-1'],
      ['photo-backfill', 0.4, 1024, 64, 'eu-west-1', 'photos'],
    );
    // Both windows start at the next minute of the bot's clock, which is then moved there.
    const start = Math.ceil((clock.now() + 1_000) / MINUTE) * MINUTE;
    await type(
      `/migrate window add hw-sim daily ${seoul(start)}-${seoul(start + 8 * 60 * MINUTE)} Asia/Seoul limit 50 MB/s as office hours`,
    );
    await message(/Window added[\s\S]*office hours/);
    await type(
      `/migrate window add hw-sim:${held.id} daily ${seoul(start)}-${seoul(start + 90 * MINUTE)} Asia/Seoul pause as lunch freeze`,
    );
    await message(/Window added[\s\S]*lunch freeze/);
    clock.moveTo(new Date(start + 1_000).toISOString());
    // The page reads relative times ("checked just now") on the bot's clock too.
    await page.clock.install({ time: clock.now() });
    await page.clock.resume();
    await until(() => oms.task(held.id)?.status === 3, {
      what: 'the window to pause the task',
      timeoutMs: 60_000,
      everyMs: 500,
    });

    // Watched only now: its card says who holds it from the start.
    await type(`/migrate watch hw-sim:${held.id}`);
    await type(`/migrate watch hw-sim:${moving.id}`);
    const card = channelCard('lunch-archive', /Watched in this channel/);
    await expect
      .poll(async () => card.innerText(), { timeout: WAIT_MS, interval: 1_000 })
      .toMatch(/Paused by window lunch freeze · resumes/);
    expect(await card.innerText()).not.toMatch(/Capped at/);
    await shoot(card, 'held-card-en');
    const movingCard = channelCard('photo-backfill', /Watched in this channel/);
    await expect
      .poll(async () => movingCard.innerText(), { timeout: WAIT_MS, interval: 1_000 })
      .toMatch(/Capped at 50 MB\/s by window office hours/);
    await shoot(movingCard, 'held-capped-card-en');

    await type(`/migrate status hw-sim:${held.id}`);
    await shoot(await message(/migrate status[\s\S]*Paused by window lunch freeze/), 'held-status-en');
    await type('/migrate list hw-sim');
    await shoot(await message(/migrate list[\s\S]*lunch-archive/), 'held-list-en');
    await shootHome(screen, 'lunch-archive', 'held-home-en');

    // Refresh on the watched card: the one editor redraws it whole.
    const edits = () => cardEdits(held.id).length;
    const before = edits();
    await card.locator('.bk-button', { hasText: 'Refresh' }).first().click();
    await expect.poll(edits, { timeout: WAIT_MS, interval: 500 }).toBeGreaterThan(before);
    const refreshed = await card.innerText();
    expect(refreshed).toMatch(/Watched in this channel/);
    expect(refreshed).toMatch(/Paused by window lunch freeze · resumes/);
    await shoot(card, 'refresh-card-en');

    // Refresh on a post in the thread: answered privately with the whole card, the post left as it is.
    await movingCard.locator('.bk-button', { hasText: 'Pause' }).first().click();
    await page.locator('#confirm-layer .confirm-yes').click();
    await expect
      .poll(async () => movingCard.innerText(), { timeout: WAIT_MS, interval: 1_000 })
      .toMatch(/Paused by/);
    const told = await refreshInThread(movingCard, /paused/, /Watched in this channel/);
    expect(await told.innerText()).toMatch(/Paused by/);
    await shoot(told, 'refresh-post-en');
    await page.locator('#thread-close').click();

    await readingKorean(screen, async () => {
      await postsInKorean(screen);
      const koCard = channelCard('lunch-archive', /지켜보는 중/);
      // Refresh redraws the channel's card, now in the channel's language.
      const koBefore = cardEdits(held.id).length;
      await card
        .locator('.bk-button')
        .filter({ hasText: /Refresh|새로/ })
        .first()
        .click();
      await expect
        .poll(() => cardEdits(held.id).length, { timeout: WAIT_MS, interval: 500 })
        .toBeGreaterThan(koBefore);
      await expect
        .poll(async () => koCard.innerText(), { timeout: WAIT_MS, interval: 1_000 })
        .toMatch(/시간 창\W*lunch freeze\W*에 따라 일시 중지됨/);
      expect(await koCard.innerText()).not.toMatch(/대역폭 상한/);
      await shoot(koCard, 'refresh-card-ko');
      await type(`/migrate status hw-sim:${held.id}`);
      await shoot(await message(/migrate status[\s\S]*시간 창\W*lunch freeze\W*에 따라/), 'held-status-ko');
      await type('/migrate list hw-sim');
      await shoot(await message(/migrate list[\s\S]*마이그레이션[\s\S]*lunch-archive/), 'held-list-ko');
      await shootHome(screen, 'lunch-archive', 'held-home-ko');
    });
  });
});
