import { defineWords } from '../../i18n/words.js';
import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/**
 * The API's own sentences (`words/<locale>.json`), those of its `token` subcommand: said with
 * `tr.with(API_WORDS)`, refused with `InvalidInputError.in(API_WORDS, …)`.
 */
export const API_WORDS = defineWords(en, { ko, 'zh-CN': zhCN });
