import { describe, expect, it } from 'vitest';
import { omsTaskFailing7 } from '../../../../dev/simulators/huawei-oms/seed-objects.js';
import { ncpPolicyDiffering } from '../../../../dev/simulators/ncp/seed-objects.js';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { inChannelLanguage, openCardThread, postWithButton, pressAndCloseThread } from '../screen-page.js';

/**
 * Check the buckets as people see it, at desk and phone width, in English, Korean and Chinese: the
 * verification post of an OMS task that ended with 7 failed objects, with its button; the check
 * post that lists them with "Retry these"; and the check of an NCP policy that finds 3 missing and
 * 1 different object.
 */
const screen = usePlaygroundScreens();
const { type, shoot, message } = screen;

describe('Check the buckets at desk and phone width', { timeout: 600_000 }, () => {
  for (const [lang, locale, button, checkTitle] of [
    ['en', 'en-US', 'Check the buckets', /Bucket check of/],
    ['ko', 'ko-KR', '버킷 확인', /버킷|Bucket/],
    ['zh-CN', 'zh-CN', '核对存储桶', /存储桶|Bucket/],
  ] as const) {
    it(`${lang}: the verification post, its check with failed objects, and an NCP check`, async () => {
      const { page, playground } = screen;
      const store = playground.simulators.objects;
      await inChannelLanguage(screen, lang, locale, async () => {
        const name = `photos-${lang}`;
        const task = omsTaskFailing7(store, playground.simulators.get('huawei-oms'), name);
        await type(`/migrate watch hw-sim:${task.id}`);
        await screen.advanceWhenRunning(task.id, 15_000);
        await openCardThread(screen, name);
        const post = await postWithButton(screen, '#thread-messages', button);
        await shoot(post, `objects-verification-${lang}`);
        await pressAndCloseThread(page, post, button);
        const check = page
          .locator('#messages .message')
          .filter({ hasText: checkTitle })
          .filter({ hasText: name })
          .filter({ has: page.locator('.bk-button') })
          .last();
        await screen.shown(check, 'the bucket check');
        const checked = await check.innerText();
        expect(checked).toContain('photos/img-004.jpg');
        // The provider's own list file in the destination bucket is not an object "only there".
        expect(checked).not.toContain('failed_list.txt');
        await shoot(check, `objects-failed-check-${lang}`);

        const title = `media-${lang.toLowerCase()}`;
        ncpPolicyDiffering(store, playground.simulators.get('ncp'), title, 'STARTED');
        await type(`/migrate watch ncp-sim:${title}`);
        // The rest (60 MiB at 64 MiB/s) in about a second: the playground's clock may move 5 minutes in all.
        await screen.advanceWhenRunning(title, 10_000);
        await openCardThread(screen, title);
        const ncpPost = await postWithButton(screen, '#thread-messages', button);
        await pressAndCloseThread(page, ncpPost, button);
        const ncpCheck = await message(new RegExp(`${title}[\\s\\S]*(assets/file-007|file-007)`), 60_000);
        expect(await ncpCheck.innerText()).toContain('assets/file-030.bin');
        await shoot(ncpCheck, `objects-ncp-check-${lang}`);
      });
    });
  }
});
