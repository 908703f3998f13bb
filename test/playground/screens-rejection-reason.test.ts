import { describe, expect, it } from 'vitest';
import { CHANNEL, TEAM } from '../../dev/playground/people.js';
import { approvalsOf } from '../../src/capabilities/approvals/approvals-state.js';
import { usePlaygroundScreens } from '../harness/playground-screens.js';

/**
 * Issue #51 item 3 as people see it: a rejection's reason as the approver typed it (markup and a
 * mention shown as text, no look-alikes) on the approver's Home tab, the request post in the
 * channel and the requester's direct message, at desk (1280 px) and phone (390×844) width, in
 * English and Korean. Screenshots go to test-artifacts/screens/.
 */
const ALICE = 'U0ALICE01';
const screen = usePlaygroundScreens();
const { actAs, shoot, message } = screen;

describe('a rejection’s reason, as typed', { timeout: 180_000 }, () => {
  for (const [locale, lang, title, reason, reject, yours, theirs] of [
    [
      'en-US',
      'en',
      'Quarterly invoices to OBS',
      'Use the *existing* policy `payroll-2025`, not a new one; ask <@U0ALICE01> first.',
      'Reject',
      'Your reason:',
      'Their reason:',
    ],
    [
      'ko-KR',
      'ko',
      '분기 청구서 OBS 이전',
      '*기존* 정책 `payroll-2025`을 쓰세요. 새로 만들지 마세요.',
      '거절',
      '내가 적은 거절 사유:',
      '거절 사유:',
    ],
  ] as const) {
    it(`${locale}: the Home tab, the request post and the requester’s message`, async () => {
      const { page, playground } = screen;
      const language = page.locator('#language-switch');
      const settings = playground.bot.deps.settings;
      try {
        // The channel reads its posts in this language; each person reads theirs in it too.
        await settings.setChannelLanguage(TEAM.id, CHANNEL.id, lang);
        for (const person of ['Alice', 'Bob']) {
          await actAs(person);
          await language.selectOption(locale);
          await expect.poll(() => language.inputValue()).toBe(locale);
        }
        await approvalsOf(playground.bot.deps).request({
          team: TEAM.id,
          requester: ALICE,
          channel: CHANNEL.id,
          connection: 'hw-sim',
          kind: 'task',
          request: {
            task_type: 'prefix',
            src_node: {
              cloud_type: 'AWS',
              region: 'us-east-1',
              bucket: 'acme-invoices',
              object_key: ['2025/'],
            },
            dst_node: { region: 'cn-north-4', bucket: 'invoices-obs' },
            description: title,
          },
          op: `reason${lang}`,
        });
        // Bob rejects it from his Home tab and types why.
        await page.locator('.sidebar-item[data-nav="channel"]').click();
        await page.locator('.sidebar-item[data-nav="app"]').click();
        await page.locator('.tab[data-tab="home"]').click();
        const home = page.locator('#home .blocks');
        await home.locator('.block-section', { hasText: title }).waitFor();
        await home.locator('.bk-button', { hasText: reject }).last().click();
        const modal = page.locator('#modal-layer .modal');
        await modal.locator('textarea, input').first().fill(reason);
        await modal.locator('.modal-submit').click();
        await modal.waitFor({ state: 'detached' });
        await home.filter({ hasText: yours }).waitFor();
        expect(await home.innerText()).toContain(reason);
        await shoot(home, `rejection-reason-home-${lang}`);

        await page.locator('.sidebar-item[data-nav="channel"]').click();
        const post = await message(theirs);
        expect(await post.innerText()).toContain(title);
        expect(await post.innerText()).toContain(reason);
        await shoot(post, `rejection-reason-post-${lang}`);

        await actAs('Alice');
        await page.locator('.sidebar-item[data-nav="app"]').click();
        await page.locator('.tab[data-tab="messages"]').click();
        const told = page.locator('#dm-messages .message', { hasText: title }).last();
        await told.filter({ hasText: reason }).waitFor();
        await shoot(told, `rejection-reason-dm-${lang}`);
      } finally {
        for (const person of ['Alice', 'Bob']) {
          await actAs(person);
          await language.selectOption('en-US');
        }
        await settings.setChannelLanguage(TEAM.id, CHANNEL.id, undefined);
      }
    });
  }
});
