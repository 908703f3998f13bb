import { defineWords } from '../../i18n/words.js';
import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/** The evidence capability's own sentences (`words/<locale>.json`, ADR 0021). */
export const EVIDENCE_WORDS = defineWords(en, { ko, 'zh-CN': zhCN });
