import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WATCHED_AT_START } from '../../../../dev/playground/start-playground.js';
import { GiB } from '../../../../dev/simulators/huawei-oms/index.js';
import { usePlaygroundScreens, WAIT_MS } from '../../../harness/playground/playground-screens.js';
import { postsInKorean, readingKorean, speak } from '../screen-language.js';
import { watchFailing } from './screen-tasks.js';

/**
 * Issue 39 item 1 as people see it: a failure post after the task was resumed (edited in place:
 * the state now, who resumed it, what failed earlier, no Resume), and the card of a deleted task
 * (Deleted, never Succeeded), at a desk (1280 px) and on a phone (390×844), in English and Korean.
 * Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, message, actAs, shoot } = screen;

/** The failure post of `name` in the channel (its broadcast), not the channel's card. */
function failurePost(name: string): Locator {
  return screen.page
    .locator('#messages .message')
    .filter({ hasText: 'replied to a thread' })
    .filter({ hasText: name })
    .last();
}

/** Resumes the task of a failure post from the post, then waits for the watcher to edit it. */
async function resumeFrom(post: Locator, resume: string, earlier: RegExp): Promise<void> {
  await post.locator('.bk-button', { hasText: resume }).first().click();
  await screen.cyclesUntil(`the post edited to ${earlier}`, async () =>
    earlier.test(await post.innerText({ timeout: 500 }).catch(() => '')),
  );
}

/**
 * As Dana (deleting is for workspace admins), in `locale`: `/migrate delete <ref>`, its Delete
 * button and the confirm; the card the click leaves (only Dana sees it: shoot it before switching).
 */
async function deleteFromCard(
  ref: string,
  name: string,
  verb: string,
  deleted: RegExp,
  locale: string,
): Promise<Locator> {
  await speak(screen, 'Dana', locale);
  await type(`/migrate delete ${ref}`);
  const card = await message(name);
  await card.locator('.bk-button', { hasText: verb }).first().click();
  await screen.page.locator('#confirm-layer .confirm-yes').click();
  await expect.poll(async () => card.innerText(), { timeout: WAIT_MS }).toMatch(deleted);
  return card;
}

describe('issue 39 item 1 at desk and phone width', { timeout: 240_000 }, () => {
  it('in English: a recovered failure post and a deleted card', async () => {
    // The seeded invoices-azure fails the way this task does: two failures in one cycle share one
    // listing post instead of a post each, so this task starts after that one has failed.
    await screen.advanceWhenRunning(WATCHED_AT_START.id);
    await screen.shown(failurePost('invoices-azure').filter({ hasText: /TRF\.0015/ }), 'the failure post');
    await watchFailing(screen, 'invoices-recovered');
    const post = failurePost('invoices-recovered');
    await screen.shown(post.filter({ hasText: /TRF\.0015/ }), 'the failure post');
    await resumeFrom(post, 'Resume', /Earlier: .*failed at 14%/);
    const text = await post.innerText();
    expect(text).toMatch(/Resumed by/);
    expect(await post.locator('.bk-button', { hasText: 'Resume' }).count()).toBe(0);
    await shoot(post, 'recovered-failure-en');

    const card = await deleteFromCard(
      'hw-sim:191297407830875',
      'static-site-assets',
      'Delete',
      /Deleted/,
      'en-US',
    );
    expect(await card.innerText()).not.toMatch(/Succeeded/);
    await shoot(card, 'deleted-card-en');
    await actAs('Alice');
  });

  it('in Korean', async () => {
    try {
      await readingKorean(screen, async () => {
        await postsInKorean(screen);
        await watchFailing(screen, 'invoices-recovered-kr');
        const post = failurePost('invoices-recovered-kr');
        await screen.shown(post.filter({ hasText: /TRF\.0015/ }), 'the failure post');
        await resumeFrom(post, '재개', /이전: .*실패/);
        expect(await post.locator('.bk-button', { hasText: /^재개$/ }).count()).toBe(0);
        await shoot(post, 'recovered-failure-ko');

        const done = screen.playground.simulators.get('huawei-oms').addTask({
          name: 'site-assets-kr',
          status: 5,
          progress: 1,
          totalSize: 3 * GiB,
          totalNum: 42_000,
          src: { cloud_type: 'Google', region: 'us-central1', bucket: 'site-assets' },
          dst: { region: 'cn-north-4', bucket: 'site-assets-obs' },
        });
        const card = await deleteFromCard(`hw-sim:${done.id}`, 'site-assets-kr', '삭제', /삭제됨/, 'ko-KR');
        expect(await card.innerText()).not.toMatch(/성공/);
        await shoot(card, 'deleted-card-ko');
      });
    } finally {
      // readingKorean puts Dana, who acted last, back to English; Alice read Korean too.
      await actAs('Alice');
      await screen.page.locator('#language-switch').selectOption('en-US');
    }
  });
});
