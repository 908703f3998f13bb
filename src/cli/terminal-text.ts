/**
 * Inert terminal output for the CLI (docs/security.md, "inert terminal output"): a resource's name,
 * a server's error detail, anything from outside, is printed so that a terminal shows it and
 * never obeys it. `\e[2K\r` in a task's name would otherwise erase the line and rewrite it
 * ("succeeded" over "running"); a bidi override would reorder what follows.
 */

/**
 * C0 controls (ESC, CR, BS…), DEL, C1 controls (0x9B is CSI on its own on some terminals), and the
 * Unicode format characters that reorder or hide text (bidi embeddings, overrides and isolates,
 * line and paragraph separators, zero-width joiners).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const UNSAFE_BUT_NEWLINE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the same, with the line break allowed.
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const shown = (c: string) => {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
};

/** One field (a name, an id): every control character shown as its escape, as `\x1b`. */
export function inert(text: unknown): string {
  return String(text).replace(UNSAFE, shown);
}

/** A message of several lines (an error's detail): the same, line breaks kept. */
export function inertLines(text: unknown): string {
  return String(text).replace(UNSAFE_BUT_NEWLINE, shown);
}

/**
 * A JSON document for `--json`: JSON.stringify escapes C0 but leaves DEL, C1 and the format
 * characters raw; those become `\uXXXX` too, which any JSON parser reads back as they were.
 */
export function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
