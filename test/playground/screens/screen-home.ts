import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { atDeskAndPhone } from '../../harness/playground/chromium-page.js';
import { type usePlaygroundScreens, WAIT_MS } from '../../harness/playground/playground-screens.js';

type Screens = ReturnType<typeof usePlaygroundScreens>;
/**
 * Opens the app's tab `tab` afresh, from the channel (Slack sends app_home_opened each time the
 * Home tab is opened).
 */
export async function openAppTab(page: Page, tab: 'home' | 'messages'): Promise<void> {
  await page.locator('.sidebar-item[data-nav="channel"]').click();
  await page.locator('.sidebar-item[data-nav="app"]').click();
  await page.locator(`.tab[data-tab="${tab}"]`).click();
}

/** Opens the app's Home tab afresh. */
export function openHomeTab(page: Page): Promise<void> {
  return openAppTab(page, 'home');
}

/**
 * The app's Home tab, afresh, scrolled to the section saying `row`, shot as `<name>-desk.png` and
 * `-phone.png`; nothing spills sideways. The channel is shown again afterwards.
 */
export async function shootHome(screen: Screens, row: string | RegExp, name: string): Promise<void> {
  const { page } = screen;
  try {
    await atDeskAndPhone(page, async (size) => {
      await openHomeTab(page);
      const home = page.locator('#home .blocks');
      await home.filter({ hasText: row }).waitFor();
      // The tab may be published again meanwhile (each open sends app_home_opened): scroll the new one.
      const section = home.locator('.section-text', { hasText: row }).last();
      await expect
        .poll(
          () =>
            section.scrollIntoViewIfNeeded({ timeout: 2_000 }).then(
              () => true,
              () => false,
            ),
          { timeout: WAIT_MS },
        )
        .toBe(true);
      await screen.shot(`${name}-${size}`);
      expect(await screen.noSidewaysScroll()).toBe(true);
    });
  } finally {
    await page.locator('.sidebar-item[data-nav="channel"]').click();
  }
}
