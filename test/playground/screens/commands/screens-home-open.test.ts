import { describe, expect, it } from 'vitest';
import { atDeskAndPhone } from '../../../harness/playground/chromium-page.js';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';
import { openHomeTab } from '../screen-home.js';
import { speak } from '../screen-language.js';

/**
 * The Home tab's Open, as people see it: the card in a modal in the reader's language, with how to
 * act on it from a channel, at desk (1280 px) and phone (390×844) width, in English and Korean.
 * Screenshots go to test-artifacts/screens/; each view is also checked for sideways overflow.
 */
const screen = usePlaygroundScreens();
const { shot, noSidewaysScroll } = screen;

describe('a migration opened from the Home tab', { timeout: 180_000 }, () => {
  for (const [locale, open, hint, close] of [
    ['en-US', 'Open', 'Act on it from a channel', 'Close'],
    ['ko-KR', '열기', '채널에서 조치하세요', '닫기'],
  ] as const) {
    it(`${locale}: Open shows the card, and how to act on it from a channel`, async () => {
      const { page } = screen;
      await speak(screen, 'Bob', locale);
      const tag = locale.slice(0, 2);
      try {
        await atDeskAndPhone(page, async (size, { width }) => {
          await openHomeTab(page);
          const home = page.locator('#home .blocks');
          await home.locator('.bk-button', { hasText: open }).first().click();
          const modal = page.locator('#modal-layer .modal');
          await modal.getByText(hint).waitFor();
          expect(await modal.innerText()).toContain('/migrate status');
          await shot(`home-open-${tag}-${size}`);
          expect(await noSidewaysScroll()).toBe(true);
          const box = (await modal.boundingBox())!;
          expect(box.x + box.width).toBeLessThanOrEqual(width + 1);
          await modal.locator('.modal-cancel', { hasText: close }).click();
          await modal.waitFor({ state: 'detached' });
        });
      } finally {
        await page.locator('#language-switch').selectOption('en-US');
      }
    });
  }
});
