import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens } from '../harness/playground-screens.js';

/**
 * The Home tab's Open, as people see it: the card in a modal in the reader's language, with how to
 * act on it from a channel, at desk (1280 px) and phone (390×844) width, in English and Korean.
 * Screenshots go to test-artifacts/screens/; each view is also checked for sideways overflow.
 */
const screen = usePlaygroundScreens();
const { actAs, shot, noSidewaysScroll } = screen;

describe('a migration opened from the Home tab', { timeout: 180_000 }, () => {
  for (const [locale, open, hint, close] of [
    ['en-US', 'Open', 'Act on it from a channel', 'Close'],
    ['ko-KR', '열기', '채널에서 조치하세요', '닫기'],
  ] as const) {
    it(`${locale}: Open shows the card, and how to act on it from a channel`, async () => {
      const { page } = screen;
      await actAs('Bob');
      await page.locator('#language-switch').selectOption(locale);
      await expect.poll(() => page.locator('#language-switch').inputValue()).toBe(locale);
      const tag = locale.slice(0, 2);
      try {
        for (const [width, height, size] of [
          [1280, 900, 'desk'],
          [390, 844, 'phone'],
        ] as const) {
          await page.setViewportSize({ width, height });
          await page.locator('.sidebar-item[data-nav="channel"]').click();
          await page.locator('.sidebar-item[data-nav="app"]').click();
          await page.locator('.tab[data-tab="home"]').click();
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
        }
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.locator('#language-switch').selectOption('en-US');
      }
    });
  }
});
