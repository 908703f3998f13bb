import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { openHomeTab } from '../screen-home.js';
import { speak } from '../screen-language.js';
import { inChannelLanguage } from '../screen-page.js';
import { askForTask } from './screen-requests.js';

/**
 * Issue #51 item 3 as people see it: a rejection's reason as the approver typed it (markup and a
 * mention shown as text, no look-alikes) on the approver's Home tab, the request post in the
 * channel and the requester's direct message, at desk (1280 px) and phone (390×844) width, in
 * English and Korean. Screenshots go to test-artifacts/screens/.
 */
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
      const { page } = screen;
      try {
        // The channel reads its posts in this language; each person reads theirs in it too.
        await inChannelLanguage(screen, lang, locale, async () => {
          await speak(screen, 'Bob', locale);
          await askForTask(screen, ['us-east-1', 'acme-invoices', ['2025/'], 'invoices-obs'], title, {
            op: `reason${lang}`,
          });
          // Bob rejects it from his Home tab and types why.
          await openHomeTab(page);
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
        });
      } finally {
        // The case ends as Alice, whom inChannelLanguage puts back to English: Bob too.
        await actAs('Bob');
        await page.locator('#language-switch').selectOption('en-US');
      }
    });
  }
});
