import { truncate } from './mrkdwn.js';

/**
 * Slack refuses a message whose blocks carry about 13,200 characters in all (`msg_blocks_too_long`,
 * bolt-js#2509), far under the 50 blocks × 3,000 characters the per-block limits allow, and the
 * threshold moves with the mix of blocks. Lists that grow with the data stop here and say how many
 * they left out, instead of losing the whole message.
 */
export const MESSAGE_TEXT_BUDGET = 11_000;

/** Slack's limit on one section's text. */
export const SECTION_TEXT_MAX = 3000;

/**
 * What each of `count` items may take of a message (`reserved` characters set aside for the rest):
 * an equal share, never less than `min` (what an item needs to say anything) nor more than a section.
 */
export function budgetShare(
  count: number,
  { min, reserved = 0 }: { min: number; reserved?: number },
): number {
  const even = Math.floor((MESSAGE_TEXT_BUDGET - reserved) / Math.max(1, count));
  return Math.min(SECTION_TEXT_MAX, Math.max(min, even));
}

export interface PackedLines {
  /** Section texts, each at most `sectionMax` characters, made of whole lines. */
  sections: string[];
  /** Characters the sections take. */
  used: number;
  /** Lines that did not fit (the caller says so). */
  left: number;
}

/**
 * Lines packed, in order and whole, into as few section texts as fit `sectionMax`, until `budget`
 * characters or `maxSections` sections are spent. A line longer than a section is cut to one.
 */
export function packLines(
  lines: readonly string[],
  budget: number,
  { sectionMax = SECTION_TEXT_MAX, maxSections = Number.POSITIVE_INFINITY } = {},
): PackedLines {
  const sections: string[] = [];
  let current = '';
  let used = 0;
  let shown = 0;
  for (const line of lines) {
    const piece = truncate(line, sectionMax);
    const fitsCurrent = current !== '' && current.length + 1 + piece.length <= sectionMax;
    const cost = fitsCurrent ? piece.length + 1 : piece.length;
    const sectionsAfter = sections.length + (current === '' || fitsCurrent ? 1 : 2);
    if (used + cost > budget || sectionsAfter > maxSections) break;
    if (fitsCurrent) current = `${current}\n${piece}`;
    else {
      if (current !== '') sections.push(current);
      current = piece;
    }
    used += cost;
    shown++;
  }
  if (current !== '') sections.push(current);
  return { sections, used, left: lines.length - shown };
}
