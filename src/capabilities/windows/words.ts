import { defineWords } from '../../i18n/words.js';
import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/** The time windows' own sentences (`words/<locale>.json`, ADR 0021); their days stay the bot's. */
export const WINDOW_WORDS = defineWords(en, { ko, 'zh-CN': zhCN });
