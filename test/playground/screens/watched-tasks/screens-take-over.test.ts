import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens, WAIT_MS } from '../../../harness/playground/playground-screens.js';
import { postsInKorean, readIn } from '../screen-language.js';
import { closeThread } from '../screen-page.js';
import { channelCard, seededFailurePost, watchFailing } from './screen-tasks.js';

/**
 * Issue 48 item 3 as people see it, at a desk (1280 px) and on a phone (390×844), in English and
 * Korean: Take over behind a confirm naming the owner, the post once taken over, who is on each
 * failure in `/migrate list failed`, and escalation's reminder and mention in the thread.
 * Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, message, actAs, shoot } = screen;

function failurePost(name: string | RegExp): Locator {
  return screen.page
    .locator('#messages .message')
    .filter({ hasText: name })
    .filter({ hasText: /TRF\.0015/ })
    .filter({ has: screen.page.locator('.bk-button') })
    .last();
}

describe('issue 48 item 3 at desk and phone width', { timeout: 420_000 }, () => {
  it('Take over in English: the confirm names the owner; the post says who took it from whom', async () => {
    const post = await seededFailurePost(screen);
    await actAs('Alice');
    await post.locator('.bk-button', { hasText: "I'm on it" }).first().click();
    await expect.poll(async () => post.innerText(), { timeout: WAIT_MS }).toMatch(/is on it/);
    await actAs('Bob');
    await post.locator('.bk-button', { hasText: 'Take over' }).first().click();
    const dialog = screen.page.locator('#confirm-layer .confirm');
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/Take this failure over\?[\s\S]*is on it/);
    await shoot(dialog, 'take-over-confirm-en');
    await screen.page.locator('#confirm-layer .confirm-yes').click();
    await expect.poll(async () => post.innerText(), { timeout: WAIT_MS }).toMatch(/took over from/);
    await shoot(post, 'taken-over-post-en');
    await type('/migrate list failed');
    const list = await message(/failed[\s\S]*took over from/);
    await shoot(list, 'list-failed-claims-en');
  });

  it('escalation in Korean: a reminder, then the approvers mentioned, in the thread', async () => {
    const language = screen.page.locator('#language-switch');
    try {
      await readIn(screen, 'ko-KR');
      await postsInKorean(screen, 'Dana');
      // Both steps a minute after the failure: the test moves the playground's clock there.
      await type('/migrate settings escalation remind 1 escalate 1');
      await message(/Updated the escalation|에스컬레이션 설정을/);
      await actAs('Alice');
      // About 15 s on it fails: moved there once the watch has it running.
      const task = await watchFailing(screen, 'invoices-escalated-kr');
      await failurePost('invoices-escalated-kr').waitFor({ timeout: 60_000 });
      await shoot(failurePost('invoices-escalated-kr'), 'escalation-failure-post-ko');
      // The steps are replies in the card's thread: open it (a minute of nobody taking it on).
      const card = channelCard(screen, 'invoices-escalated-kr');
      await card.waitFor({ timeout: 60_000 });
      // Both steps sent (the watch record's confirmed posts) before the thread is opened.
      const watcher = screen.playground.bot.deps.watcher;
      const key = `w:T0FAKE001:C0FAKE001:hw-sim:task:${task.id}`;
      const sent = async () => (await watcher.store.read<{ sent: string[] }>(key))?.sent ?? [];
      // Both are due a minute after the failure: the clock moved there, the next cycle sends them.
      await screen.advance(61_000);
      await expect
        .poll(async () => (await sent()).some((k) => k.endsWith(':escalated')), {
          timeout: 60_000,
          interval: 1_000,
        })
        .toBe(true);
      await card.locator('.thread-summary').click();
      const thread = screen.page.locator('#thread-messages .message');
      const reminder = thread.filter({ hasText: '아직 아무도 맡지 않았습니다' }).last();
      await reminder.waitFor();
      await shoot(reminder, 'escalation-reminder-ko');
      const escalated = thread.filter({ hasText: '확인하거나' }).last();
      await escalated.waitFor();
      await shoot(escalated, 'escalation-mention-ko');
      await closeThread(screen.page);
    } finally {
      await actAs('Dana');
      await type('/migrate settings escalation off');
      await language.selectOption('en-US');
    }
  });
});
