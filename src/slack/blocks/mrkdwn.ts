import type { ContextBlock, SectionBlock } from '@slack/types';

/**
 * Provider strings (task names, bucket names, error messages) go into mrkdwn. Escaping the three
 * control characters makes mentions (`<!channel>`, `<@U…>`) and links inert; formatting characters
 * are swapped for look-alikes so `*bold*` from a provider shows as typed instead of bold.
 */
const FORMATTING: Record<string, string> = { '*': '∗', '~': '∼', '`': 'ˋ', _: '＿' };

/**
 * Nothing invisible is ever inserted, so a name copied from Slack is the name. An underscore inside
 * a word (`photos_2024_v2`) stays as it is: Slack only italicizes `_` at a word's edge, and
 * snake_case names are the common case. Only an edge underscore becomes a visible look-alike.
 */
const WORD_CHAR = /^[\p{L}\p{N}]$/u;

/**
 * Slack may parse a bare `@channel`, `@here` or `@everyone` in mrkdwn as the broadcast itself (text
 * objects are not `verbatim`), so in outside text its `@` becomes the visible look-alike `＠`.
 */
const BROADCAST = /@(channel|here|everyone)(?![\p{L}\p{N}])/giu;

export function escapeMrkdwn(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(BROADCAST, '＠$1')
    .replace(/[*~`_]/g, (c, offset: number, whole: string) =>
      c === '_' && WORD_CHAR.test(whole.charAt(offset - 1)) && WORD_CHAR.test(whole.charAt(offset + 1))
        ? c
        : (FORMATTING[c] ?? c),
    );
}

/**
 * For the bot's own sentences that embed outside text (ids a user typed, names from a provider):
 * mentions and links become inert, while the sentence's own `code` and *bold* still render.
 */
export function escapeControl(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** An identifier shown as inline code: copyable as is, inert inside. */
export function code(text: string): string {
  const safe = text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('`', 'ˋ');
  return `\`${safe}\``;
}

/** The start of an entity left at the end of a cut (`&`, `&am`, `&#12`): at most 9 characters back. */
const ENTITY_START = /&#?[0-9A-Za-z]{0,8}$/;
/** A whole entity (escaping writes `&amp;`, `&lt;` and `&gt;`; Slack reads only those). */
const WHOLE_ENTITY = /^&(?:[A-Za-z]{2,8}|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});/;

/**
 * Cuts text to a Block Kit limit, marking the cut. Most callers cut text that is already escaped,
 * so this is the one place that keeps a cut whole: never inside an entity (`&am…` shows
 * as typed) and never between the two halves of a surrogate pair (half an emoji is a replacement
 * character, and some clients refuse it). Such a cut moves back to just before the entity or pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  const partial = ENTITY_START.exec(text.slice(Math.max(0, end - 9), end));
  if (partial) {
    const start = end - partial[0].length;
    const entity = WHOLE_ENTITY.exec(text.slice(start, start + 12));
    if (entity && start + entity[0].length > end) end = start;
  }
  return `${text.slice(0, end)}…`;
}

/** A section of mrkdwn text (escaped by the caller), cut to Slack's 3,000 characters. */
export function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } };
}

/** A context line of mrkdwn text (escaped by the caller), cut to Slack's 3,000 characters. */
export function context(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] };
}
