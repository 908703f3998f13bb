import { describe, it } from 'vitest';
import { CHANNEL, TEAM } from '../../../../dev/playground/people.js';
import { failureShown } from '../../../../src/capabilities/approvals/approval-failure.js';
import { approvalsOf } from '../../../../src/capabilities/approvals/approvals-state.js';
import { renderApprovalRequest } from '../../../../src/capabilities/approvals/blocks/approval-request.js';
import { APPROVAL_WORDS } from '../../../../src/capabilities/approvals/words.js';
import { OutcomeUnknownError } from '../../../../src/errors.js';
import { translatorFor } from '../../../../src/i18n/translator.js';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { inChannelLanguage } from '../screen-page.js';
import { askForTask } from './screen-requests.js';

/**
 * Issue 48, a start time for new jobs, as people see it at a desk (1280 px) and on a phone
 * (390×844), in English and Korean: the create form's "Start on / Start at" with a past time
 * refused at its field, and a request approved to start later ("Approved by … · starts …", with
 * Cancel start). Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, shoot, message } = screen;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('a start time on the create form and the approval card', { timeout: 240_000 }, () => {
  for (const [locale, lang, past, scheduled, cancel] of [
    ['en-US', 'en', 'That time has passed', 'starts', 'Cancel start'],
    ['ko-KR', 'ko', '이미 지난 시각입니다', '에 시작', '시작 취소'],
    ['zh-CN', 'zh-CN', '该时间已过', '启动', '取消定时启动'],
  ] as const) {
    it(`${locale}: the form refuses a past start at its field; the approved card says when it starts`, async () => {
      const { page, playground } = screen;
      await inChannelLanguage(screen, lang, locale, async () => {
        await type('/migrate create upcloud-sim');
        const modal = page.locator('#modal-layer .modal');
        const start = modal.locator('[data-block-id="start_date"]');
        await start.waitFor();
        const field = (blockId: string) => modal.locator(`[data-block-id="${blockId}"] input`);
        await field('name').fill('night-photos');
        await field('src_endpoint').fill('https://s3.eu-central-1.amazonaws.com');
        await field('src_region').fill('eu-central-1');
        await field('src_bucket').fill('acme-photos');
        await field('dst_bucket').fill('photos-fi');
        await start.locator('input').fill(day(-1));
        await modal.locator('[data-block-id="start_time"] input').fill('09:30');
        await modal.locator('.modal-submit').click();
        await start.locator('.input-error', { hasText: past }).waitFor();
        await shoot([modal.locator('[data-block-id="start_time"]'), start], `start-at-form-${lang}`);
        await modal.locator('.modal-cancel').click();
        await modal.waitFor({ state: 'detached' });

        const title = { en: 'Night copy of photos', ko: '사진 야간 복사', 'zh-CN': '照片夜间复制' }[lang];
        const record = await askForTask(
          screen,
          ['us-east-1', 'acme-photos', ['2025/'], 'photos-obs'],
          title,
          {
            op: `startat${lang}`,
            startAt: new Date(Date.now() + 86_400_000).toISOString(),
          },
        );
        await approvalsOf(playground.bot.deps).approve({
          team: TEAM.id,
          id: record.id,
          by: 'U0BOB0001',
          op: `startat-approve${lang}`,
        });
        const post = await message(new RegExp(`${title}[\\s\\S]*${scheduled}`));
        const button = post.locator('.bk-button', { hasText: cancel });
        await button.waitFor();
        // The post is taller than a phone: its state line and Cancel start are what is shot.
        await shoot([button, post], `start-at-card-${lang}`);

        // The same request had its starting replica stopped before it saved what came of it: the
        // request as the renderer draws it once settled (test/capabilities/approvals/scheduled-start.test.ts
        // drives that path), posted where people read it.
        const deps = playground.bot.deps;
        const approved = await approvalsOf(deps).get(TEAM.id, record.id);
        const failure = failureShown(
          deps.secrets,
          OutcomeUnknownError.in(APPROVAL_WORDS, 'approval.start.interrupted'),
          TEAM.id,
          true,
        );
        const settled = { ...approved, status: 'failed' as const, failure };
        const drawn = renderApprovalRequest(settled, translatorFor(lang === 'zh-CN' ? 'zh-CN' : lang));
        await deps.slack.sender.to(TEAM.id).post({ channel: CHANNEL.id, ...drawn });
        const stopped = {
          en: 'the bot stopped',
          ko: '봇이 멈췄습니다',
          'zh-CN': '机器人在开始时间创建时停止了',
        }[lang];
        const interrupted = await message(new RegExp(`${title}[\\s\\S]*${stopped}`));
        // Taller than a phone too: its outcome line is what is shot there.
        await shoot([interrupted.getByText(stopped).last(), interrupted], `start-interrupted-${lang}`);
      });
    });
  }
});
