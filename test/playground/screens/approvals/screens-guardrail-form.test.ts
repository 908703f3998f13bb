import { describe, expect, it } from 'vitest';
import { CHANNEL, TEAM } from '../../../../dev/playground/people.js';
import { approvalsOf } from '../../../../src/capabilities/approvals/approvals-state.js';
import { usePlaygroundScreens, WAIT_MS } from '../../../harness/playground/playground-screens.js';
import { speakIn } from '../screen-language.js';
import { addRules, askForVideoArchive, bigTransfer } from './screen-requests.js';

/**
 * Issue 74's guardrail surfaces as people see them, at a desk (1280 px) and on a phone (390×844),
 * in English, Korean and Chinese: the NCP create form a change-ticket rule refuses stays open,
 * what was typed kept, the refusal at the name's field saying what would pass and whom to ask;
 * and the Approve confirmation of the first of two approvers, saying it only counts (1 of 2) and
 * creates nothing yet, then Bob's direct message saying one more approval is needed.
 * Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, actAs, shoot } = screen;

const LANGS = [
  {
    lang: 'en',
    locale: 'en-US',
    title: 'New NCP policy',
    submit: 'Request approval',
    // Slack shows a field's error as plain text: the rule's name keeps its backticks there.
    refused: /Refused by guardrail “change-ticket”/,
    pattern: 'CHG-[0-9]+',
    approve: 'Approve',
    voteTitle: 'Approve this migration?',
    vote: 'This counts as approval 1 of 2: nothing is created yet.',
    voteButton: 'Approve (1 of 2)',
    dm: 'You have approved; 1 more approval is needed before it is created.',
  },
  {
    lang: 'ko',
    locale: 'ko-KR',
    title: '새 NCP 정책',
    submit: '승인 요청',
    refused: /가드레일 “change-ticket”에 의해 거부됨/,
    pattern: 'CHG-[0-9]+',
    approve: '승인',
    voteTitle: '이 마이그레이션을 승인할까요?',
    vote: '승인 2건 중 1번째로 집계될 뿐, 아직 아무것도 만들어지지 않습니다.',
    voteButton: '승인 (2건 중 1)',
    dm: '승인하셨습니다. 만들어지려면 승인이 1건 더 필요합니다.',
  },
  {
    lang: 'zh-CN',
    locale: 'zh-CN',
    title: '新建 NCP 策略',
    submit: '申请审批',
    refused: /被防护规则 “change-ticket” 拒绝/,
    pattern: 'CHG-[0-9]+',
    approve: '批准',
    voteTitle: '批准此迁移？',
    vote: '这只计为第 1 个批准（共需 2 个），暂不创建任何内容。',
    voteButton: '批准（第 1/2 个）',
    dm: '您已批准；还需 1 个批准才会创建。',
  },
] as const;

function rules(): Promise<void> {
  return addRules(screen, bigTransfer({ workspaces: [TEAM.id], connections: ['hw-sim'] }), {
    id: 'change-ticket',
    exception: '#platform-security',
    ticket: 'CHG-[0-9]+',
    scope: { workspaces: [TEAM.id], connections: ['ncp-sim'] },
  });
}

let rulesAdded = false;

/** Alice, the channel and the page in `l`'s language; back to English afterwards. */
async function inLanguage(l: (typeof LANGS)[number], body: () => Promise<void>): Promise<void> {
  const { page, playground } = screen;
  const language = page.locator('#language-switch');
  try {
    if (!rulesAdded) {
      await rules();
      rulesAdded = true;
    }
    await speakIn(screen, l);
    await body();
  } finally {
    const open = page.locator('#modal-layer .modal .modal-cancel');
    if (await open.isVisible()) await open.click();
    if (await page.locator('#confirm-layer .confirm').isVisible()) await page.keyboard.press('Escape');
    await actAs('Alice');
    await language.selectOption('en-US');
    await playground.bot.deps.settings.setChannelLanguage(TEAM.id, CHANNEL.id, undefined);
  }
}

describe('guardrails in the form and the first of two approvals', { timeout: 600_000 }, () => {
  for (const l of LANGS) {
    it(`${l.lang}: the create form kept open with the refusal at its field`, async () => {
      const { page } = screen;
      await inLanguage(l, async () => {
        await type('/migrate create ncp-sim');
        const modal = page.locator('#modal-layer .modal');
        await modal.locator('.modal-title', { hasText: l.title }).waitFor();
        const field = (blockId: string) => modal.locator(`[data-block-id="${blockId}"] input.bk-input`);
        await field('title').fill(`photos-2024-${l.lang}`);
        await field('src_region').fill('ap-northeast-2');
        await field('src_bucket').fill('media-assets');
        await field('dst_bucket').fill('media-archive');
        await modal.locator('.modal-submit', { hasText: l.submit }).click();
        const error = modal.locator('[data-block-id="title"] .input-error', { hasText: l.refused });
        await error.waitFor({ timeout: WAIT_MS });
        const said = await error.innerText();
        // What would pass, and whom to ask; what was typed is still there.
        expect(said).toContain(l.pattern);
        expect(said).toContain('#platform-security');
        expect(said).not.toMatch(/。 /);
        expect(await field('dst_bucket').inputValue()).toBe('media-archive');
        expect(await modal.locator('.input-error').count()).toBe(1);
        await shoot(modal, `guardrail-form-refusal-${l.lang}`);
        await modal.locator('.modal-cancel').click();
        await modal.waitFor({ state: 'detached' });
      });
    });

    it(`${l.lang}: the first of two approvers' Approve says it only counts`, async () => {
      const { page } = screen;
      await inLanguage(l, async () => {
        const description = `Video archive (${l.lang}) ${Date.now() % 10_000}`;
        const record = await askForVideoArchive(
          screen,
          description,
          `screens-grf-${l.lang}-${Date.now() % 100_000}`,
        );
        expect(record.needs?.approvers).toBe(2);
        await actAs('Bob');
        await page.locator('#language-switch').selectOption(l.locale);
        const post = page
          .locator('#messages .message')
          .filter({ hasText: description })
          .filter({ has: page.locator('.bk-button', { hasText: l.approve }) })
          .last();
        await post.waitFor({ timeout: WAIT_MS });
        await post.locator('.bk-button', { hasText: l.approve }).first().click();
        const dialog = page.locator('#confirm-layer .confirm');
        await dialog.waitFor();
        try {
          await page.setViewportSize({ width: 390, height: 844 });
          await screen.shot(`guardrail-approve-vote-${l.lang}-phone`);
          expect(await screen.noSidewaysScroll()).toBe(true);
        } finally {
          await page.setViewportSize({ width: 1280, height: 900 });
        }
        await screen.shot(`guardrail-approve-vote-${l.lang}-desk`);
        expect(await dialog.locator('.confirm-title').innerText()).toBe(l.voteTitle);
        expect(await dialog.locator('.confirm-text').innerText()).toContain(l.vote);
        expect(await dialog.locator('.confirm-yes').innerText()).toBe(l.voteButton);
        await dialog.locator('.confirm-yes').click();
        await dialog.waitFor({ state: 'detached' });
        // Counted, not created: Bob's direct message says one more approval is needed.
        await page.locator('.sidebar-item[data-nav="app"]').click();
        await page.locator('.tab[data-tab="messages"]').click();
        const dm = page.locator('#dm-messages .message', { hasText: description }).last();
        await expect.poll(() => dm.innerText(), { timeout: WAIT_MS }).toContain(l.dm);
        await shoot(dm, `guardrail-approver-dm-voted-${l.lang}`);
        await page.locator('.sidebar-item[data-nav="channel"]').click();
        const approvals = approvalsOf(screen.playground.bot.deps);
        expect((await approvals.get(TEAM.id, record.id))?.status).toBe('pending');
      });
    });
  }
});
