import { beforeAll, describe, expect, it } from 'vitest';
import { atDeskAndPhone } from '../../../harness/playground/chromium-page.js';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { openAppTab, openHomeTab } from '../screen-home.js';
import { speak } from '../screen-language.js';
import { askForTask } from './screen-requests.js';

/**
 * Issue 39 §3 as people see it: the approver's Home tab with what waits for them, and the modal
 * Reject opens, at desk (1280 px) and phone (390×844) width, in English and Korean. Screenshots go
 * to test-artifacts/screens/; each view is also checked for sideways overflow.
 */
const screen = usePlaygroundScreens();
const { actAs, shot, shoot, noSidewaysScroll } = screen;

beforeAll(async () => {
  // Alice asks for an OMS task; OMS names it itself, so only her title says what it is for.
  await askForTask(
    screen,
    ['us-east-1', 'acme-photos', ['2024/'], 'photos-obs'],
    'Q4 photo backfill for the EU catalogue',
    { op: 'screens1', impact: { objects: 1204, bytes: 81_000_000_000, prefixes: 1, complete: true } },
  );
}, 30_000);

/** Opens the app's Home tab afresh (Slack sends app_home_opened each time). */
async function openHome(waiting: string): Promise<void> {
  await openHomeTab(screen.page);
  await screen.page.locator('#home .blocks', { hasText: waiting }).waitFor();
}

describe('approvals as the approver sees them', { timeout: 180_000 }, () => {
  for (const [locale, waiting, reject, rejectTitle] of [
    ['en-US', 'Waiting for your approval', 'Reject', 'Reject request'],
    ['ko-KR', '내 승인을 기다리는 요청', '거절', '요청 거절'],
  ] as const) {
    it(`${locale}: the Home tab lists the request with Approve and Reject; Reject asks why`, async () => {
      const { page } = screen;
      await speak(screen, 'Bob', locale);
      const tag = locale.slice(0, 2);
      try {
        await atDeskAndPhone(page, async (size, { width }) => {
          await openHome(waiting);
          const home = page.locator('#home .blocks');
          expect(await home.innerText()).toContain('Q4 photo backfill for the EU catalogue');
          await shot(`home-approvals-${tag}-${size}`);
          expect(await noSidewaysScroll()).toBe(true);
          await home.locator('.bk-button', { hasText: reject }).first().click();
          const modal = page.locator('#modal-layer .modal');
          await modal.locator('.modal-title', { hasText: rejectTitle }).waitFor();
          await shot(`reject-modal-${tag}-${size}`);
          expect(await noSidewaysScroll()).toBe(true);
          const box = (await modal.boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(width + 1);
          await modal.locator('.modal-cancel').click();
          await modal.waitFor({ state: 'detached' });
        });
      } finally {
        await page.locator('#language-switch').selectOption('en-US');
      }
    });
  }

  it('the approver’s direct message, then a rejection with its reason in the requester’s', async () => {
    const { page } = screen;
    await actAs('Bob');
    await page.locator('.sidebar-item[data-nav="app"]').click();
    await page.locator('.tab[data-tab="messages"]').click();
    const dm = page.locator('#dm-messages .message', { hasText: 'asks you to approve' });
    await dm.waitFor();
    // The request's own Approve and Reject are in the message (issue 39 §3).
    expect(await dm.locator('.bk-button').allInnerTexts()).toEqual(['Approve', 'Reject']);
    await shoot(dm, 'approver-dm-en');
    await openHome('Waiting for your approval');
    await page.locator('#home .bk-button', { hasText: 'Reject' }).first().click();
    const modal = page.locator('#modal-layer .modal');
    await modal
      .locator('textarea, input')
      .first()
      .fill('Wrong destination: use photos-archive, then ask again.');
    await modal.locator('.modal-submit').click();
    await modal.waitFor({ state: 'detached' });
    await page.locator('#home .blocks', { hasText: 'Rejected.' }).waitFor();
    // The DM that asked Bob now says how it ended, with no button left to press.
    await page.locator('.tab[data-tab="messages"]').click();
    const ended = page.locator('#dm-messages .message', { hasText: 'Rejected by' });
    await ended.waitFor();
    expect(await ended.locator('.bk-button').count()).toBe(0);
    await shoot(ended, 'approver-dm-decided-en');
    await actAs('Alice');
    await page.locator('.tab[data-tab="messages"]').click();
    const told = page.locator('#dm-messages .message', { hasText: 'rejected your request' });
    await told.waitFor();
    expect(await told.innerText()).toContain('Wrong destination: use photos-archive, then ask again.');
    await shot('requester-rejected-dm-en-desk');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await told.scrollIntoViewIfNeeded();
      await shot('requester-rejected-dm-en-phone');
      expect(await noSidewaysScroll()).toBe(true);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('ko-KR: the approver’s direct message, with Approve and Reject', async () => {
    const { page } = screen;
    await actAs('Bob');
    const language = page.locator('#language-switch');
    try {
      // The bot reads Bob's language from Slack when it writes: wait until the fake Slack has it.
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/language') && r.ok()),
        language.selectOption('ko-KR'),
      ]);
      await expect.poll(() => language.inputValue()).toBe('ko-KR');
      // Written in Bob's Slack language when the request is made.
      await askForTask(screen, ['us-east-1', 'acme-logs', ['2025/'], 'logs-obs'], '로그 보관 이전', {
        op: 'screens2',
        impact: { objects: 310, bytes: 2_000_000_000, prefixes: 1, complete: true },
      });
      await openAppTab(page, 'messages');
      // The newest: a retried attempt finds the first attempt's DM above it.
      const dm = page.locator('#dm-messages .message', { hasText: '로그 보관 이전' }).last();
      await dm.waitFor();
      expect(await dm.locator('.bk-button').allInnerTexts()).toEqual(['승인', '거절']);
      await shoot(dm, 'approver-dm-ko');
      // Rejected from Home, the DM says so in Korean and loses its buttons.
      await openHome('내 승인을 기다리는 요청');
      await page.locator('#home .blocks .bk-button', { hasText: '거절' }).last().click();
      const modal = page.locator('#modal-layer .modal');
      await modal.locator('textarea, input').first().fill('이번 분기에는 하지 않습니다.');
      await modal.locator('.modal-submit').click();
      await modal.waitFor({ state: 'detached' });
      await page.locator('.tab[data-tab="messages"]').click();
      const ended = page.locator('#dm-messages .message', { hasText: '로그 보관 이전' });
      await expect.poll(async () => ended.innerText()).toMatch(/거절/);
      expect(await ended.locator('.bk-button').count()).toBe(0);
      await shoot(ended, 'approver-dm-decided-ko');
    } finally {
      await language.selectOption('en-US');
    }
  });
});
