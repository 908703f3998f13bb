import { defineWords } from '../../i18n/words.js';
import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/**
 * The bandwidth capability's own sentences (`words/<locale>.json`). `bandwidth.error.notOffered`
 * stays the bot's: the core's use case and a time window's cap say it too.
 */
export const BANDWIDTH_WORDS = defineWords(en, { ko, 'zh-CN': zhCN });
