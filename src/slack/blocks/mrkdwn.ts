/**
 * Provider strings (task names, bucket names, error messages) go into mrkdwn. Escaping the three
 * control characters makes mentions (`<!channel>`, `<@U…>`) and links inert; formatting characters
 * are swapped for look-alikes so `*bold*` from a provider shows as typed instead of bold.
 */
const FORMATTING: Record<string, string> = { '*': '∗', '~': '∼', '`': 'ˋ', _: '_\u200B' };

export function escapeMrkdwn(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/[*~`_]/g, (c) => FORMATTING[c] ?? c);
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

/** Cuts text to a Block Kit limit, marking the cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1)}…`;
}
