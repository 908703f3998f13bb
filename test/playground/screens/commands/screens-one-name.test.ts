import { describe, expect, it } from 'vitest';
import { CHANNEL, TEAM } from '../../../../dev/playground/people.js';
import { GiB } from '../../../../dev/simulators/huawei-oms/index.js';
import { approvalsOf } from '../../../../src/capabilities/approvals/approvals-state.js';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';

/**
 * Issue #51 item 2 as people see it: a task OMS named itself (`task_…`) whose requester titled it
 * is called by its title on the completion post, in `/migrate watches` and in a picker, the
 * provider's name beside its reference, at a desk (1280 px) and on a phone (390×844), in English
 * and Korean. Screenshots go to test-artifacts/screens/.
 */
const MiB = 1024 ** 2;
const screen = usePlaygroundScreens();
const { type, message, shoot } = screen;

describe('one name for a task an approval created', { timeout: 240_000 }, () => {
  for (const [locale, lang, title, completed] of [
    ['en-US', 'en', 'Quarterly invoices to OBS', 'completed'],
    ['ko-KR', 'ko', '분기 청구서 OBS 이전', '완료'],
  ] as const) {
    it(`${locale}: the completion post, /migrate watches and a picker`, async () => {
      const { page, playground } = screen;
      const language = page.locator('#language-switch');
      const settings = playground.bot.deps.settings;
      // OMS names the task itself; the title is what the approval kept for it (as when it creates one).
      const stamp = `task_17957153${lang === 'en' ? '24' : '25'}`;
      const task = playground.simulators.get('huawei-oms').addTask({
        name: `${stamp}194_8`,
        status: 2,
        progress: 0.7,
        totalSize: 2 * GiB,
        totalNum: 12_000,
        speed: 64 * MiB,
        src: { cloud_type: 'AWS', region: 'eu-west-1', bucket: 'acme-invoices' },
        dst: { region: 'cn-north-4', bucket: 'invoices-obs' },
      });
      playground.simulators.get('huawei-oms').addTask({ name: `${stamp}201_3`, status: 2, progress: 0.1 });
      const ref = { connection: 'hw-sim', kind: 'task' as const, id: task.id };
      await approvalsOf(playground.bot.deps).titles.note(TEAM.id, ref, title);
      try {
        await settings.setChannelLanguage(TEAM.id, CHANNEL.id, lang);
        await language.selectOption(locale);
        await expect.poll(() => language.inputValue()).toBe(locale);
        await type(`/migrate watch hw-sim:${task.id}`);
        // About 10 s from its end: moved there once the watch has it running.
        await screen.advanceWhenRunning(task.id, 12_000);
        const post = await message(new RegExp(`${title} ${completed}:`), 90_000);
        expect(await post.innerText()).toContain(task.name);
        await shoot(post, `one-name-completion-${lang}`);

        await type('/migrate watches');
        const watches = await message(new RegExp(`${title}.*hw-sim:${task.id}`, 's'));
        expect(await watches.innerText()).toContain(task.name);
        await shoot(watches, `one-name-watches-${lang}`);

        await type('/migrate list');
        await message(new RegExp(`${stamp}201_3`));
        await type(`/migrate status ${stamp}`);
        // The picker answers the command it shows; both candidates, each by what its card calls it.
        const picker = page
          .locator('#messages .message')
          .filter({ hasText: `/migrate status ${stamp}` })
          .filter({ hasText: title })
          .last();
        await picker.waitFor();
        expect(await picker.innerText()).toContain(`${stamp}201_3`);
        await shoot(picker, `one-name-picker-${lang}`);
      } finally {
        await language.selectOption('en-US');
        await settings.setChannelLanguage(TEAM.id, CHANNEL.id, undefined);
      }
    });
  }
});
