import type { Words } from './words.js';

/**
 * The capabilities' catalogues, joined to the bot's when the bot starts (the registry's list hands
 * them over; this module imports no capability). A key a capability took into its own words may
 * still be named by what was stored before (an approval's failure, an error's `localized`), and is
 * read later by core code with the bot's translator: through this, it still says its sentence.
 */
const joined: Words[] = [];

/** Joins each catalogue once (a second start, or a second bot in one process, adds nothing). */
export function joinWords(list: readonly Words[]): void {
  for (const words of list) if (!joined.includes(words)) joined.push(words);
}

/** The joined catalogue holding `key`, or undefined. */
export function wordsHolding(key: string): Words | undefined {
  return joined.find((words) => Object.hasOwn(words.en, key));
}
