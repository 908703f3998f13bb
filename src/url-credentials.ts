/** What a setting's value holds inside its URLs that no message may show. */
export interface UrlCredentials {
  /** Each password, as written and decoded. */
  passwords: string[];
  /** The `scheme://user:` before each password: a value quoted cut short is masked after it. */
  prefixes: string[];
  /** A user name given with no password (`https://<token>@host`): masked where it stands. */
  users: string[];
}

const URL_START = /[a-z][a-z0-9+.-]*:\/\//gi;

/**
 * The credentials in the URLs of `value` (one URL, or a list split by commas or spaces). A
 * password that parses is read by the URL parser. One its operator did not percent-encode (a `/`,
 * `#`, `?`, space, quote or comma in it) leaves a URL that does not parse, which is exactly when an
 * error quotes it: its user info is read from the text, up to the last `@` before the next URL.
 */
export function urlCredentials(value: string): UrlCredentials {
  const found: UrlCredentials = { passwords: [], prefixes: [], users: [] };
  for (const token of value.split(/[\s,]+/)) {
    const url = URL.canParse(token) ? new URL(token) : undefined;
    if (!url?.password) continue;
    found.passwords.push(url.password, safeDecode(url.password));
    const at = token.indexOf(`:${url.password}@`);
    if (at > 0) found.prefixes.push(token.slice(0, at + 1));
  }
  const starts = [...value.matchAll(URL_START)].map((m) => ({ at: m.index, end: m.index + m[0].length }));
  for (const [i, { at, end }] of starts.entries()) {
    const segment = value.slice(end, starts[i + 1]?.at ?? value.length);
    const info = segment.slice(0, Math.max(0, segment.lastIndexOf('@')));
    if (!info) continue;
    // A URL the parser reads with no user (`http://host:9101/a@b`) has no user info to hide.
    const whole = value.slice(at, end) + segment.trim().replace(/,+$/, '');
    if (URL.canParse(whole) && !new URL(whole).username) continue;
    const colon = info.indexOf(':');
    if (colon < 0) {
      found.users.push(info);
      continue;
    }
    found.passwords.push(info.slice(colon + 1));
    found.prefixes.push(value.slice(at, end + colon + 1));
  }
  return found;
}

export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
