import { defineWords } from '../../i18n/words.js';
import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/**
 * The events' own sentences (`words/<locale>.json`), those of its `webhook` subcommand: said with
 * `tr.with(EVENT_WORDS)`, refused with `InvalidInputError.in(EVENT_WORDS, …)`.
 */
export const EVENT_WORDS = defineWords(en, { ko, 'zh-CN': zhCN });
