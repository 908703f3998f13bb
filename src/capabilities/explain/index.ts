import type { Capability } from '../../contract/capability.js';
import { explainCommand } from './explain-command.js';
import { EXPLAIN_WORDS } from './words.js';

/**
 * `/migrate explain <code>`: the error catalogue as a reference, asked by code in any spelling,
 * with "Did you mean …?" for a near miss. It keeps no state. A failure the bot sees is explained
 * by the core itself (`slack/blocks/failure-explanation.ts`, drawn by the one editor on the card
 * and in the thread), which this answer shares its wording with.
 */
export const explain: Capability = {
  name: 'explain',
  words: EXPLAIN_WORDS,
  start: () => ({ commands: { subcommands: [explainCommand] } }),
};
