import { describe, expect, it } from 'vitest';
import { CHANNEL, TEAM } from '../../dev/playground/people.js';
import { GiB } from '../../dev/simulators/huawei-oms/index.js';

const MiB = 1024 ** 2;

import { usePlaygroundScreens } from '../harness/playground-screens.js';

/**
 * Issue 49 item 3 as people see it, at desk (1280 px) and phone (390×844) width, in English and
 * Korean: the verification post with "Run changes since", the modal that shows what the delta
 * would run, and the approval request it makes ("Delta 1 of …, only the objects changed since …").
 * The task is watched near its end, and the playground's clock is moved past it once the card shows.
 */
const screen = usePlaygroundScreens();
const { type, actAs, shoot, message } = screen;

describe('issue 49 item 3 at desk and phone width', { timeout: 300_000 }, () => {
  for (const [lang, locale, button, verified, delta] of [
    ['en', 'en-US', 'Run changes since', /Verification of/, /Delta 1/],
    ['ko', 'ko-KR', '변경분 실행', /검증|Verification/, /델타 1/],
  ] as const) {
    it(`${lang}: the button, what it would run, and the request`, async () => {
      const { page, playground } = screen;
      const language = page.locator('#language-switch');
      try {
        await playground.bot.deps.settings.setChannelLanguage(TEAM.id, CHANNEL.id, lang);
        await actAs('Alice');
        await language.selectOption(locale);
        const name = `cutover-${lang}`;
        const task = playground.simulators.get('huawei-oms').addTask({
          name,
          status: 2,
          progress: 0.7,
          totalSize: 2 * GiB,
          totalNum: 20_000,
          speed: 64 * MiB,
          src: { cloud_type: 'AWS', region: 'eu-west-1', bucket: 'acme-photos' },
          dst: { region: 'cn-north-4', bucket: 'acme-photos-obs' },
        });
        await type(`/migrate watch hw-sim:${task.id}`);
        // 30 % of 2 GiB at 64 MiB/s is about 10 s: moved there once the watch has it running.
        await screen.advanceWhenRunning(task.id, 15_000);
        const card = page
          .locator('#messages .message')
          .filter({ hasText: name })
          .filter({ has: page.locator('.thread-summary') })
          .last();
        await card.waitFor({ timeout: 90_000 });
        await card.locator('.thread-summary').click();
        const post = page
          .locator('#thread-messages .message')
          .filter({ hasText: verified })
          .filter({ has: page.locator('.bk-button', { hasText: button }) })
          .last();
        await post.waitFor({ timeout: 60_000 });
        await shoot(post, `delta-button-${lang}`);
        // Issue 49 item 2: the verification's CSV follows the post in the thread.
        const csv = page.locator('#thread-messages .message').filter({ hasText: 'objects_total' }).last();
        await csv.waitFor({ timeout: 30_000 });
        await shoot(csv, `verification-csv-${lang}`);
        await post.locator('.bk-button', { hasText: button }).click();
        const modal = page.locator('#modal-layer .modal');
        await modal.waitFor();
        expect(await modal.innerText()).toContain(`${name} · delta 1`);
        await shoot(modal, `delta-confirm-${lang}`);
        await modal.locator('.modal-submit').click();
        await modal.waitFor({ state: 'detached' });
        if (await page.locator('#thread').isVisible()) await page.locator('#thread-close').click();
        const request = await message(delta, 60_000);
        await shoot(request, `delta-request-${lang}`);
      } finally {
        await language.selectOption('en-US');
        await playground.bot.deps.settings.setChannelLanguage(TEAM.id, CHANNEL.id, undefined);
      }
    });
  }
});
