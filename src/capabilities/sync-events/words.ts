import { defineWords } from '../../i18n/words.js';
import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/** The sync events' own sentences (`words/<locale>.json`), keyed by their subcommand's name. */
export const SYNC_EVENT_WORDS = defineWords(en, { ko, 'zh-CN': zhCN });
