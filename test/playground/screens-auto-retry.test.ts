import { describe, expect, it } from 'vitest';
import { GiB } from '../../dev/simulators/huawei-oms/index.js';
import { usePlaygroundScreens } from '../harness/playground-screens.js';
import { inChannelLanguage } from './screen-page.js';

/**
 * Automatic retries as people see them, at a desk (1280 px) and on a phone (390×844), in English,
 * Korean and Chinese: Dana turns them on for hw-sim; an OMS task fails with a transient error, and
 * its card says it is retrying automatically (1 of 3, when) with Retry now and Don't retry instead
 * of paging anyone; Alice presses Retry now, and the card says it succeeded after one automatic
 * retry. Retry now instead of the backoff keeps the file's clock moves to a few seconds per case.
 * Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, actAs, shoot } = screen;
const MiB = 1024 ** 2;

const LANGS = [
  {
    lang: 'en',
    locale: 'en-US',
    waiting: /Failed with .*: retrying automatically, 1 of 3, at/,
    now: 'Retry now',
    stop: "Don't retry",
    succeeded: 'Succeeded after 1 automatic retry',
  },
  {
    lang: 'ko',
    locale: 'ko-KR',
    waiting: /오류로 실패: 자동으로 다시 시도합니다, 3회 중 1회째/,
    now: '지금 재시도',
    stop: '재시도 안 함',
    succeeded: '자동 재시도 1회 후 성공',
  },
  {
    lang: 'zh-CN',
    locale: 'zh-CN',
    waiting: /失败：将自动重试，第 1 次（共 3 次）/,
    now: '立即重试',
    stop: '不要重试',
    succeeded: '经 1 次自动重试后成功',
  },
] as const;

let policySet = false;

describe('automatic retries at desk and phone width', { timeout: 600_000 }, () => {
  for (const l of LANGS) {
    it(`${l.lang}: a card retrying automatically, then succeeded after the retry`, async () => {
      const { page, playground } = screen;
      if (!policySet) {
        await actAs('Dana');
        await type('/migrate settings retry hw-sim on max 3 after 1');
        await screen.message('Automatic retries on hw-sim');
        policySet = true;
      }
      await inChannelLanguage(screen, l.lang, l.locale, async () => {
        const name = `nightly-sync-${l.lang.toLowerCase()}`;
        // About 6 s from its failure at 40 % (the watch sees it running first); the retry, at a
        // faster speed, runs the rest in about 5 s.
        const oms = playground.simulators.get('huawei-oms');
        const task = oms.addTask({
          name,
          status: 2,
          progress: 0.35,
          totalSize: 2 * GiB,
          totalNum: 20_000,
          speed: 16 * MiB,
          failAt: 0.4,
          failCode: 'TRF.0001',
        });
        await type(`/migrate watch hw-sim:${task.id}`);
        await screen.advanceWhenRunning(task.id, 10_000);
        const card = page
          .locator('#messages .message')
          .filter({ hasText: name })
          .filter({ has: page.locator('.bk-button', { hasText: l.now }) })
          .last();
        await screen.shown(card, 'the card retrying automatically');
        const text = await card.innerText();
        expect(text).toMatch(l.waiting);
        expect(await card.locator('.bk-button', { hasText: l.stop }).count()).toBe(1);
        await shoot(card, `auto-retry-waiting-${l.lang}`);

        Object.assign(oms.task(task.id)!, { speed: 256 * MiB });
        await card.locator('.bk-button', { hasText: l.now }).click();
        const confirm = page.locator('#confirm-layer .confirm');
        if (await confirm.isVisible().catch(() => false)) await confirm.locator('.confirm-yes').click();
        const done = page
          .locator('#messages .message')
          .filter({ hasText: name })
          .filter({ hasText: l.succeeded })
          .last();
        await screen.shown(done, 'the card succeeded after the retry', 12);
        await shoot(done, `auto-retry-succeeded-${l.lang}`);
      });
    });
  }
});
