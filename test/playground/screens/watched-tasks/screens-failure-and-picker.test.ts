import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { postsInKorean, readingKorean } from '../screen-language.js';
import { seededFailurePost, watchFailing } from './screen-tasks.js';

/**
 * Issue 39 items 4 and 5 as people see them: the failure post and the candidate list of
 * `/migrate pause 1912`, at a desk (1280 px) and on a phone (390×844), in English and Korean.
 * Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, message, shoot } = screen;

describe('issue 39 surfaces at desk and phone width', { timeout: 150_000 }, () => {
  it('the failure post in English: one lead line with the time and the meaning, the card’s buttons', async () => {
    const post = await seededFailurePost(screen);
    const text = await post.innerText();
    expect(text).toMatch(/invoices-azure failed at 14%, .*: TRF\.0015 The source account does not use Blob/);
    expect(text.match(/TRF\.0015/g)).toHaveLength(1);
    expect(await post.locator('.bk-button', { hasText: 'Resume' }).count()).toBe(1);
    await shoot(post, 'failure-post-en');
  });

  it('the candidate list of /migrate pause 1912 in English: only what can be paused', async () => {
    await type('/migrate pause 1912');
    const picker = await message(/can be paused now/);
    expect(await picker.locator('.bk-button').allInnerTexts()).toEqual(expect.arrayContaining(['Pause']));
    expect(await picker.innerText()).toMatch(/cannot be paused now/);
    await shoot(picker, 'candidates-en');
  });

  it('the candidate list and the failure post in Korean', async () => {
    await readingKorean(screen, async () => {
      await type('/migrate pause 1912');
      const picker = await message(/일시 중지할 수 있는 항목/);
      await shoot(picker, 'candidates-ko');

      // The channel reads Korean from now on (an admin sets it); a second task fails the same way.
      await postsInKorean(screen);
      await watchFailing(screen, 'invoices-azure-kr');
      const post = screen.page
        .locator('#messages .message')
        .filter({ hasText: 'invoices-azure-kr' })
        .filter({ hasText: /TRF\.0015/ })
        .filter({ hasText: '실패' })
        .last();
      await post.waitFor({ timeout: 60_000 });
      expect((await post.innerText()).match(/TRF\.0015/g)).toHaveLength(1);
      await shoot(post, 'failure-post-ko');
    });
  });
});
