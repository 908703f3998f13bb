import type { KnownBlock } from '@slack/types';
import type { CapabilityRendered } from '../../contract/card.js';
import type { Translator } from '../../i18n/translator.js';
import { section } from '../../slack/blocks/mrkdwn.js';
import type { TimeWindow } from './window-store.js';
import { nextWords, windowLine } from './window-words.js';
import { WINDOW_WORDS } from './words.js';

/** Rows on the Home tab, as its other sections (the tab stays within 100 blocks). */
const HOME_ROWS = 15;

/** What the Home tab shows of the workspace's windows: each with its next change. */
export interface WindowsHome {
  kind: 'home';
  list: readonly TimeWindow[];
}

/** "Time windows (2)", one line each with its next change (from `now`); at most HOME_ROWS. */
export function renderWindowsHome(home: WindowsHome, tr: Translator, now: number): CapabilityRendered {
  const lines = home.list.slice(0, HOME_ROWS).map((w) => `• ${windowLine(w, tr, nextWords(w, now, tr))}`);
  const title = `*${tr.with(WINDOW_WORDS).t('window.home.title')}* (${home.list.length})`;
  const block: KnownBlock = section(
    lines.length > 0
      ? `${title}\n${lines.join('\n')}`
      : `${title}\n${tr.with(WINDOW_WORDS).t('window.home.none')}`,
  );
  return { text: title, blocks: [block] };
}
