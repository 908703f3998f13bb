import { describe, expect, it } from 'vitest';
import { WATCHED_AT_START } from '../../dev/playground/start-playground.js';
import { GiB } from '../../dev/simulators/huawei-oms/index.js';
import { usePlaygroundScreens } from '../harness/playground-screens.js';

/**
 * Issue 39 items 4 and 5 as people see them: the failure post and the candidate list of
 * `/migrate pause 1912`, at a desk (1280 px) and on a phone (390×844), in English and Korean.
 * Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, message, actAs, shoot } = screen;

describe('issue 39 surfaces at desk and phone width', { timeout: 150_000 }, () => {
  it('the failure post in English: one lead line with the time and the meaning, the card’s buttons', async () => {
    const post = screen.page
      .locator('#messages .message')
      .filter({ hasText: 'replied to a thread' })
      .filter({ hasText: /TRF\.0015/ });
    // The seeded watched task fails about 15 s after start: moved there rather than waited for.
    await screen.advanceWhenRunning(WATCHED_AT_START.id);
    await post.waitFor({ timeout: 60_000 });
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
    const language = screen.page.locator('#language-switch');
    try {
      await language.selectOption('ko-KR');
      await expect.poll(() => language.inputValue()).toBe('ko-KR');
      await type('/migrate pause 1912');
      const picker = await message(/일시 중지할 수 있는 항목/);
      await shoot(picker, 'candidates-ko');

      // The channel reads Korean from now on (an admin sets it); a second task fails the same way.
      await actAs('Dana');
      await type('/migrate settings language ko');
      await message(/Channel posts now use|채널 게시물/);
      await actAs('Alice');
      const task = screen.playground.simulators.get('huawei-oms').addTask({
        name: 'invoices-azure-kr',
        status: 2,
        progress: 0.12,
        totalSize: 48 * GiB,
        totalNum: 310_000,
        failAt: 0.14,
        failCode: 'TRF.0015',
        failMessage: 'The source AK/SK is invalid or has expired.',
        src: { cloud_type: 'Azure', region: 'westeurope', bucket: 'invoices' },
        dst: { region: 'cn-north-4', bucket: 'invoices-obs' },
      });
      await type(`/migrate watch hw-sim:${task.id}`);
      await screen.advanceWhenRunning(task.id);
      const post = screen.page
        .locator('#messages .message')
        .filter({ hasText: 'invoices-azure-kr' })
        .filter({ hasText: /TRF\.0015/ })
        .filter({ hasText: '실패' })
        .last();
      await post.waitFor({ timeout: 60_000 });
      expect((await post.innerText()).match(/TRF\.0015/g)).toHaveLength(1);
      await shoot(post, 'failure-post-ko');
    } finally {
      await language.selectOption('en-US');
    }
  });
});
