import type { MessageValues } from '../../i18n/english.js';
import { providerWordsError } from '../provider-words-error.js';
import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/** What this provider says, in every language the bot speaks (`words/<locale>.json`). */
export const NCP_WORDS = { en, ko, 'zh-CN': zhCN };

/** A user's input refused in these words: `ncpError('error.ncp.…', values)` (`provider-words-error.ts`). */
export function ncpError(key: keyof typeof en, values?: MessageValues) {
  return providerWordsError(NCP_WORDS, key, values);
}
