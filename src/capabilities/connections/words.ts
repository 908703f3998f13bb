import type { Translator } from '../../i18n/translator.js';
import { defineWords } from '../../i18n/words.js';
import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/** The connections capability's own sentences (`words/<locale>.json`): its list, form and refusals. */
export const CONNECTION_WORDS = defineWords(en, { ko, 'zh-CN': zhCN });
export type ConnectionKey = keyof typeof en;

/** The reader's translator with these words beside the bot's (cached by the translator). */
export function own(tr: Translator): Translator<ConnectionKey> {
  return tr.with(CONNECTION_WORDS);
}
