import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { GiB } from '../../../../dev/simulators/huawei-oms/index.js';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { closeThread, inChannelLanguage, openCardThread } from '../screen-page.js';

/**
 * Automatic retries as people see them, at a desk (1280 px) and on a phone (390×844), in English,
 * Korean and Chinese: Dana turns them on for hw-sim; an OMS task fails with a transient error, and
 * its card says it is retrying automatically (1 of 3, when) with Retry now and Don't retry instead
 * of paging anyone; Alice presses Retry now, and the card says it succeeded after one automatic
 * retry. Then, with the policy at one retry, a task whose retry fails again: its card says the
 * retries stopped and why, the failure is posted as usual, and the thread keeps the history.
 * Retry now instead of the backoff keeps the file's clock moves to a few seconds per case.
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
    manual: /Next step|I'm on it/,
    gaveUp: 'Automatic retries stopped after 1 of 1',
    history: 'Retry 1: failed again with',
  },
  {
    lang: 'ko',
    locale: 'ko-KR',
    waiting: /오류로 실패: 자동으로 다시 시도합니다, 3회 중 1회째/,
    now: '지금 재시도',
    stop: '재시도 안 함',
    succeeded: '자동 재시도 1회 후 성공',
    manual: /다음 단계|제가 맡겠습니다/,
    gaveUp: '자동 재시도가 1회 중 1회 후 멈췄습니다',
    history: '재시도 1:',
  },
  {
    lang: 'zh-CN',
    locale: 'zh-CN',
    waiting: /失败：将自动重试，第 1 次（共 3 次）/,
    now: '立即重试',
    stop: '不要重试',
    succeeded: '经 1 次自动重试后成功',
    manual: /下一步|我来处理/,
    gaveUp: '自动重试在 1 次（共 1 次）后停止',
    history: '第 1 次重试：',
  },
] as const;

let policySet = false;

/**
 * An OMS task failing with a transient error (TRF.0001) at 40 % from 35 %, about 6 s on at 16 MiB/s,
 * watched (the watch sees it running first, then the clock is moved past the failure); and its
 * card once it is retrying automatically, with `l.now`.
 */
async function retryingTask(name: string, l: (typeof LANGS)[number]) {
  const { page, playground } = screen;
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
  return { sim: oms.task(task.id)!, card };
}

/** Presses `l.now` on the card (and Yes if it asks), then waits for the card of `name` saying `said`. */
async function retryNow(card: Locator, l: (typeof LANGS)[number], name: string, said: string, what: string) {
  const { page } = screen;
  await card.locator('.bk-button', { hasText: l.now }).click();
  const confirm = page.locator('#confirm-layer .confirm');
  if (await confirm.isVisible().catch(() => false)) await confirm.locator('.confirm-yes').click();
  const told = page.locator('#messages .message').filter({ hasText: name }).filter({ hasText: said }).last();
  return screen.shown(told, what, 12);
}

describe('automatic retries at desk and phone width', { timeout: 600_000 }, () => {
  for (const l of LANGS) {
    it(`${l.lang}: a card retrying automatically, then succeeded after the retry`, async () => {
      if (!policySet) {
        await actAs('Dana');
        await type('/migrate settings retry hw-sim on max 3 after 1');
        await screen.message('Automatic retries on hw-sim');
        policySet = true;
      }
      await inChannelLanguage(screen, l.lang, l.locale, async () => {
        const name = `nightly-sync-${l.lang.toLowerCase()}`;
        const { sim, card } = await retryingTask(name, l);
        const text = await card.innerText();
        expect(text).toMatch(l.waiting);
        expect(await card.locator('.bk-button', { hasText: l.stop }).count()).toBe(1);
        // What happens next is the retry: no manual next step, only its buttons and Refresh.
        expect(text).not.toMatch(l.manual);
        expect(await card.locator('.bk-button').count()).toBe(3);
        await shoot(card, `auto-retry-waiting-${l.lang}`);

        // The retry, at a faster speed, runs the rest in about 5 s.
        Object.assign(sim, { speed: 256 * MiB });
        const done = await retryNow(card, l, name, l.succeeded, 'the card succeeded after the retry');
        await shoot(done, `auto-retry-succeeded-${l.lang}`);
      });
    });

    it(`${l.lang}: a failure after the retries allowed, told with the history`, async () => {
      const { page } = screen;
      await actAs('Dana');
      await type('/migrate settings retry hw-sim on max 1 after 1');
      await screen.message('Automatic retries on hw-sim updated');
      try {
        await inChannelLanguage(screen, l.lang, l.locale, async () => {
          const name = `weekly-archive-${l.lang.toLowerCase()}`;
          const { sim, card } = await retryingTask(name, l);
          // The retry fails again, the same way, a little further on.
          Object.assign(sim, { speed: 64 * MiB, failAt: 0.6, failCode: 'TRF.0001' });
          const told = await retryNow(card, l, name, l.gaveUp, 'the card after the retries allowed');
          await shoot(told, `auto-retry-gave-up-${l.lang}`);
          await openCardThread(screen, name);
          const history = page.locator('#thread-messages .message').filter({ hasText: l.history }).last();
          await screen.shown(history, 'the history in the thread');
          await shoot(history, `auto-retry-gave-up-history-${l.lang}`);
          await closeThread(page);
        });
      } finally {
        await actAs('Dana');
        await type('/migrate settings retry hw-sim on max 3 after 1');
        await screen.message(/Automatic retries on hw-sim updated.*up to 3/);
      }
    });
  }
});
