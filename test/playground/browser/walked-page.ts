import path from 'node:path';
import type { Locator } from 'playwright-core';
import { usePlaygroundScreens } from '../../harness/playground/playground-screens.js';

export { WAIT_MS } from '../../harness/playground/playground-screens.js';

/** Where the walk's screenshots go (README, "The browser test"). */
const SHOTS = 'playground';

/**
 * The playground page walked through in headless Chromium, as a person would, for one file of the
 * walk: its own playground and browser, started before the file's tests and stopped after. Its
 * steps run on real time (the watcher's own ticks), unlike the screenshot tests that move the
 * playground's clock. Chromium's background traffic (QUIC, component updates, sync) is off: the
 * page's requests are the only ones.
 */
export function useWalkedPage() {
  return usePlaygroundScreens({
    shots: SHOTS,
    chromiumArgs: ['--disable-quic', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A shot of one message. The page draws the whole list again on every Slack event, so under load
 * the element found can be replaced while Playwright waits for it to be stable: find it again.
 */
export async function shotOf(message: Locator, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await message.screenshot({ path: path.resolve('test-artifacts', SHOTS, `${name}.png`) });
      return;
    } catch (error) {
      if (attempt >= 3 || !/not attached/.test(String(error))) throw error;
    }
  }
}
