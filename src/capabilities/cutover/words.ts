import { defineWords } from '../../i18n/words.js';
import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/** The cut-over's own sentences (`words/<locale>.json`, ADR 0021): keep in sync, its stops, convergence. */
export const CUTOVER_WORDS = defineWords(en, { ko, 'zh-CN': zhCN });
