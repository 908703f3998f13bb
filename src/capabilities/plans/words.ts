import { defineWords } from '../../i18n/words.js';
import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/** The plans' own sentences (`words/<locale>.json`), keys kept as stored records name them (ADR 0021). */
export const PLAN_WORDS = defineWords(en, { ko, 'zh-CN': zhCN });
