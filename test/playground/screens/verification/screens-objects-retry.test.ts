import { describe, expect, it } from 'vitest';
import { omsTaskFailing7 } from '../../../../dev/simulators/huawei-oms/seed-objects.js';
import { upcloudJobDiffering } from '../../../../dev/simulators/upcloud/seed-objects.js';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { inChannelLanguage, openCardThread, postWithButton, pressAndCloseThread } from '../screen-page.js';

/**
 * Retry these as people see it, at desk and phone width, in English, Korean and Chinese: an OMS
 * task ends with 7 failed objects, its bucket check offers Retry these, the retry goes for
 * approval and Bob approves it; the list task runs on the simulator (bringing over what its source
 * still holds) and, once it has ended, the bot checks those 7 again by itself and says what
 * arrived, and what the run itself never moved, with Resume. Then the check of an UpCloud job
 * that finds 3 missing and 1 different object.
 */
const screen = usePlaygroundScreens();
const { type, actAs, shoot, message } = screen;

describe('Retry these and its reconciling check at desk and phone width', { timeout: 600_000 }, () => {
  for (const [lang, locale, check, retry, approve, arrived, resume] of [
    [
      'en',
      'en-US',
      'Check the buckets',
      'Retry these 7 objects',
      'Approve',
      '6 of 7 now arrived, 1 still missing, and 63 more of the run’s objects never arrived',
      'Resume',
    ],
    [
      'ko',
      'ko-KR',
      '버킷 확인',
      '이 객체 7개 다시 시도',
      '승인',
      '7개 중 6개가 이제 도착했고 1개는 아직 누락되었으며, 실행의 다른 객체 63개는 도착하지 않았습니다',
      '재개',
    ],
    [
      'zh-CN',
      'zh-CN',
      '核对存储桶',
      '重试这 7 个对象',
      '批准',
      '7 个中已有 6 个到达，1 个仍缺失，另有该运行的 63 个对象从未到达',
      '继续',
    ],
  ] as const) {
    it(`${lang}: the retry's request, its reconciled result, and an UpCloud check`, async () => {
      const { page, playground } = screen;
      const store = playground.simulators.objects;
      await inChannelLanguage(screen, lang, locale, async () => {
        const name = `retry-${lang.toLowerCase()}`;
        const task = omsTaskFailing7(store, playground.simulators.get('huawei-oms'), name);
        await type(`/migrate watch hw-sim:${task.id}`);
        await screen.advanceWhenRunning(task.id, 15_000);
        await openCardThread(screen, name);
        const post = await postWithButton(screen, '#thread-messages', check);
        await pressAndCloseThread(page, post, check);
        const checked = await postWithButton(screen, '#messages', retry, name);
        await checked.locator('.bk-button', { hasText: retry }).click();

        // The retry goes for approval like any new migration: someone else approves it.
        const request = await postWithButton(screen, '#messages', approve, `${name} · retry 1`);
        await shoot(request, `objects-retry-request-${lang}`);
        // Meanwhile someone deletes one of the 7 at the source: the retry cannot bring it over.
        store.bucket(`${name}-src`).delete('photos/img-006.jpg');
        await actAs('Bob');
        await request.locator('.bk-button', { hasText: approve }).click();
        const confirm = page.locator('#confirm-layer .confirm');
        await confirm.waitFor();
        await confirm.locator('.confirm-yes').click();
        await confirm.waitFor({ state: 'detached' });
        await actAs('Alice');

        // The list task runs on the simulator; once the watch has seen it end, the 7 are checked again.
        const reconciled = page
          .locator('#messages .message')
          .filter({ hasText: `${name} · retry 1` })
          .filter({ hasText: arrived })
          .last();
        // The watcher's cycles run meanwhile, the simulator's clock with them.
        await screen.shown(reconciled, 'the reconciled check', 16);
        const said = await reconciled.innerText();
        expect(said).toContain('photos/img-006.jpg');
        expect(said).toContain(`hw-sim:${task.id}`);
        // What the run itself never moved (issue 74): said, with the card's own Resume to continue it.
        expect(said).not.toContain(':white_check_mark:');
        expect(await reconciled.locator('.bk-button').allInnerTexts()).toEqual([resume]);
        await shoot(reconciled, `objects-reconciled-${lang}`);

        const job = upcloudJobDiffering(
          store,
          playground.simulators.get('upcloud'),
          `logs-${lang}`,
          'completed',
        );
        await type(`/migrate verify upcloud-sim:${job.uuid}`);
        const upcloud = await message(new RegExp(`logs-${lang}[\\s\\S]*logs/file-007\\.bin`), 60_000);
        const shown = await upcloud.innerText();
        expect(shown).toContain('logs/file-030.bin');
        expect(shown).toContain('logs/file-119.bin');
        await shoot(upcloud, `objects-upcloud-check-${lang}`);
      });
    });
  }
});
