import { defineWords } from '../../i18n/words.js';
import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/**
 * The guardrails' own sentences (`words/<locale>.json`): said with `tr.with(GUARDRAIL_WORDS)`. Their
 * `guardrail.` keys are the ones stored records hold (a refusal kept as an approval's failure or a
 * plan wave's hold, a pre-flight verdict), which the bot's translator still reads through the
 * capabilities' words joined at start; `policy.` keys are those of its `policy` subcommand.
 */
export const GUARDRAIL_WORDS = defineWords(en, { ko, 'zh-CN': zhCN });

/** A key of the guardrails' words (a refusal's, a verdict's, kept as a string in what they return). */
export type GuardrailKey = keyof typeof en;
