import { defineWords } from '../../i18n/words.js';
import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/**
 * The approvals' own sentences (`words/<locale>.json`): said with `tr.with(APPROVAL_WORDS)`. Their
 * keys kept the `approval.` names stored records hold (a failure's, an error's), which the bot's
 * translator still reads, as the capabilities' words are joined to it at start.
 */
export const APPROVAL_WORDS = defineWords(en, { ko, 'zh-CN': zhCN });
export type ApprovalKey = keyof typeof en;
