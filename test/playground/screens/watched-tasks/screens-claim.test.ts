import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens, WAIT_MS } from '../../../harness/playground/playground-screens.js';
import { postsInKorean, readingKorean } from '../screen-language.js';
import { channelCard, seededFailurePost, watchFailing } from './screen-tasks.js';

/**
 * Issue 39 item 2 as people see it: a failure post someone claimed with "I'm on it", and the
 * watcher's channel card that says so too, at a desk (1280 px) and on a phone (390×844), in English
 * and Korean. Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { shoot } = screen;

/** Presses the claim button on the post and waits for the post, edited in place, to name Alice. */
async function claim(post: Locator, label: string, onIt: RegExp): Promise<void> {
  await post.locator('.bk-button', { hasText: label }).first().click();
  await expect.poll(async () => post.innerText(), { timeout: WAIT_MS }).toMatch(onIt);
}

/** The card of `name` says who is on it too (edited at its next cycle), shot as `shot`. */
async function cardSays(name: string, onIt: RegExp, shot: string): Promise<void> {
  const card = channelCard(screen, name);
  await expect.poll(async () => card.innerText(), { timeout: WAIT_MS }).toMatch(onIt);
  await shoot(card, shot);
}

describe('issue 39 item 2 at desk and phone width', { timeout: 150_000 }, () => {
  it('a claimed failure post in English: who is on it, and Hand back', async () => {
    const post = await seededFailurePost(screen);
    await claim(post, "I'm on it", /is on it/);
    expect(await post.locator('.bk-button', { hasText: 'Hand back' }).count()).toBe(1);
    await shoot(post, 'claimed-failure-en');
    await cardSays('invoices-azure', /is on it/, 'claimed-card-en');
  });

  it('a claimed failure post in Korean', async () => {
    await readingKorean(screen, async () => {
      // The channel reads Korean from now on (an admin sets it); a second task fails the same way.
      await postsInKorean(screen);
      await watchFailing(screen, 'invoices-claimed-kr');
      const post = screen.page
        .locator('#messages .message')
        .filter({ hasText: 'invoices-claimed-kr' })
        // The post, not the channel's card (which starts with the watch notice and has the button too).
        .filter({ hasNotText: '◉' })
        .filter({ hasText: /TRF\.0015/ })
        .last();
      // Its button is relabelled once claimed: wait for it with the button, then follow it without.
      await post.filter({ hasText: '제가 맡겠습니다' }).waitFor({ timeout: 60_000 });
      await claim(post, '제가 맡겠습니다', /맡았습니다/);
      await shoot(post, 'claimed-failure-ko');
      await cardSays('invoices-claimed-kr', /맡았습니다/, 'claimed-card-ko');
    });
  });
});
