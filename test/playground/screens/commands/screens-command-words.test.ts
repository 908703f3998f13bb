import { describe, expect, it } from 'vitest';
import { usePlaygroundScreens } from '../../../harness/playground/playground-screens.js';

/**
 * The answers that were English whatever the reader spoke, as people see them now, at a desk
 * (1280 px) and on a phone (390×844), in English and Korean: `/migrate watches`, `/migrate access`
 * and `/migrate bandwidth` with its card. Screenshots go to test-artifacts/screens/.
 */
const screen = usePlaygroundScreens();
const { type, message, actAs, shoot } = screen;

describe('command answers in the reader’s language', { timeout: 240_000 }, () => {
  for (const [locale, watching, roles, bandwidthSet] of [
    ['en-US', /#migrations \(\d+\)[\s\S]*Migrating/, 'Needed roles', 'Bandwidth set by'],
    ['ko-KR', /#migrations \(\d+\)[\s\S]*마이그레이션 중/, '필요한 역할', '대역폭을 설정했습니다'],
  ] as const) {
    it(`${locale}: watches, access and bandwidth`, async () => {
      const { page } = screen;
      await actAs('Dana');
      await page.locator('#language-switch').selectOption(locale);
      await expect.poll(() => page.locator('#language-switch').inputValue()).toBe(locale);
      const tag = locale.slice(0, 2);
      try {
        await type('/migrate watches');
        await shoot(await message(watching), `watches-${tag}`);
        await type('/migrate access');
        await shoot(await message(roles), `access-${tag}`);
        const task = screen.playground.simulators
          .get('huawei-oms')
          .addTask({ name: `throttled-${tag}`, status: 2, progress: 0.3 });
        await type(`/migrate bandwidth hw-sim:${task.id} 00:00-06:00=200MB/s 18:00-23:59=50MB/s`);
        await shoot(await message(bandwidthSet), `bandwidth-${tag}`);
      } finally {
        await page.locator('#language-switch').selectOption('en-US');
      }
    });
  }
});
