import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';

/**
 * Issue #51 items 5, 8 and 10 as people see them, at a desk (1280 px) and on a phone (390×844), in
 * English and Korean: `/migrate help pause` (its syntax, an example naming a migration of this
 * workspace, who may use it, related commands), `/migrate list runing` answered once with "did you
 * mean running", and a Korean refusal whose particle fits its word. Screenshots go to
 * test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, message, shoot } = screen;

describe('issue 51 help topics, list typos and Korean particles at desk and phone width', {
  timeout: 240_000,
}, () => {
  it('in English', async () => {
    // A list fills the index help takes its example ids from, as anyone's list does.
    screen.playground.simulators.get('huawei-oms').addTask({ name: 'nightly-logs', status: 2 });
    await type('/migrate list running');
    await message(/nightly-logs/);
    await type('/migrate help pause');
    const help = await message(/Who can use it/);
    const text = await help.innerText();
    expect(text).toContain('/migrate pause');
    expect(text).toMatch(/Example:\s*\/migrate pause [0-9a-f]{4,}/);
    expect(text).toMatch(/Related:/);
    expect(await help.locator('.bk-button').count()).toBe(0);
    await shoot([help], 'help-pause-en');

    await type('/migrate list runing');
    const typo = await message(/does not know "runing"/);
    const said = await typo.innerText();
    expect(said).toContain('Did you mean the state running, as in /migrate list running?');
    expect(said.split('does not know').length - 1).toBe(1);
    expect(said).not.toContain('No connection named');
    await shoot([typo], 'list-typo-en');
  });

  it('in Korean', async () => {
    const { page } = screen;
    const language = page.locator('#language-switch');
    try {
      await language.selectOption('ko-KR');
      await expect.poll(() => language.inputValue()).toBe('ko-KR');
      await type('/migrate help pause');
      const help = await message(/사용할 수 있는 역할/);
      expect(await help.innerText()).toMatch(/예:\s*\/migrate pause [0-9a-f]{4,}/);
      await shoot([help], 'help-pause-ko');

      await type('/migrate list runing');
      const typo = await message(/"runing"을 알 수 없습니다/);
      expect(await typo.innerText()).toContain('상태 running을 말씀하신 건가요?');
      await shoot([typo], 'list-typo-ko');

      // UpCloud cannot pause a job: the refusal reads 작업은, not 작업은(는).
      const job = screen.playground.simulators
        .get('upcloud')
        .addJob({ name: 'logs-copy', status: 'running' });
      await type(`/migrate pause upcloud-sim:${job.uuid}`);
      const refusal = await message(/Slack에서 일시 중지할 수 없습니다/);
      expect(await refusal.innerText()).toContain('upcloud 작업은 Slack에서');
      expect(await refusal.innerText()).not.toContain('(는)');
      await shoot([refusal], 'particle-ko');
    } finally {
      await language.selectOption('en-US');
    }
  });
});
