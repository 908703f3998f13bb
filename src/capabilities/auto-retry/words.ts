import { defineWords } from '../../i18n/words.js';
import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/** Automatic retries' own sentences (`words/<locale>.json`): its card lines, notes, buttons and settings. */
export const AUTO_RETRY_WORDS = defineWords(en, { ko, 'zh-CN': zhCN });
