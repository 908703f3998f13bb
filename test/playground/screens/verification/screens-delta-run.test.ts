import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import {
  closeThread,
  inChannelLanguage,
  openCardThread,
  postWithButton,
  runningTask,
} from '../screen-page.js';

/**
 * Issue 49 item 3 as people see it, at desk (1280 px) and phone (390×844) width, in English and
 * Korean: the verification post with "Run changes since", the modal that shows what the delta
 * would run, and the approval request it makes ("Delta 1 of …, only the objects changed since …").
 * The task is watched near its end, and the playground's clock is moved past it once the card shows.
 */
const screen = usePlaygroundScreens();
const { type, shoot, message } = screen;

describe('issue 49 item 3 at desk and phone width', { timeout: 300_000 }, () => {
  for (const [lang, locale, button, verified, delta] of [
    ['en', 'en-US', 'Run changes since', /Verification of/, /Delta 1/],
    ['ko', 'ko-KR', '변경분 실행', /검증|Verification/, /델타 1/],
  ] as const) {
    it(`${lang}: the button, what it would run, and the request`, async () => {
      const { page } = screen;
      await inChannelLanguage(screen, lang, locale, async () => {
        const name = `cutover-${lang}`;
        const task = runningTask(screen, name, 0.7);
        await type(`/migrate watch hw-sim:${task.id}`);
        // 30 % of 2 GiB at 64 MiB/s is about 10 s: moved there once the watch has it running.
        await screen.advanceWhenRunning(task.id, 15_000);
        await openCardThread(screen, name);
        const post = await postWithButton(screen, '#thread-messages', button, verified);
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
        await closeThread(page);
        const request = await message(delta, 60_000);
        await shoot(request, `delta-request-${lang}`);
      });
    });
  }
});
