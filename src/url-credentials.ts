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

/**
 * A URL in free text: its scheme, then everything up to a space, double quote, angle bracket or
 * pipe (a Slack link's label). A backslash takes the character after it along (a JSON line's `\"`),
 * so a quote escaped inside a logged query cannot end the URL early and leave the rest shown.
 */
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)((?:[^\s"<>`|\\]|\\.)*)/gi;
/** Punctuation that ends a sentence rather than a URL. */
const TRAILING = /[.,;:!)\]]+$/;

/**
 * Every URL in `text` with its user info, its query's values and its fragment masked
 * (`https://…@host/in?token=…&v=…`): a receiver's `?token=` or a `user:password@` is a secret the
 * audit channel and the logs never show. The host, path and parameter names stay, so a line still
 * says where it went. Whatever follows the last `@` before the query is taken for the host, so an
 * unencoded `/` in a password is masked too.
 */
export function maskUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (_whole, scheme: string, rest: string) => {
    const trail = TRAILING.exec(rest)?.[0] ?? '';
    return scheme + maskRest(rest.slice(0, rest.length - trail.length)) + trail;
  });
}

function maskRest(rest: string): string {
  const queryAt = rest.search(/[?#]/);
  const before = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const after = queryAt < 0 ? '' : rest.slice(queryAt);
  const at = before.lastIndexOf('@');
  const where = maskTokens(at >= 0 ? `…${before.slice(at)}` : before);
  if (after === '') return where;
  const hashAt = after.indexOf('#');
  const query = hashAt < 0 ? after : after.slice(0, hashAt);
  const masked = query
    .slice(1)
    .split('&')
    .map((part) =>
      part === '' ? part : part.includes('=') ? `${part.slice(0, part.indexOf('=') + 1)}…` : '…',
    )
    .join('&');
  return `${where}${query ? `?${masked}` : ''}${hashAt < 0 ? '' : '#…'}`;
}

/**
 * A path segment shaped like a token (20 or more of `A-Za-z0-9_-` with an upper-case and a
 * lower-case letter and a digit): receivers put their secret in the path too (Slack's
 * `/services/T…/B…/<secret>`, Discord's `/api/webhooks/<id>/<token>`). Ids (hex, UUIDs, numbers)
 * and words stay, so a line still says where it went.
 */
const TOKEN_SEGMENT = /^(?=[^/]*[A-Z])(?=[^/]*[a-z])(?=[^/]*\d)[A-Za-z0-9_-]{20,}$/;

function maskTokens(hostAndPath: string): string {
  return hostAndPath
    .split('/')
    .map((segment, i) => (i > 0 && TOKEN_SEGMENT.test(segment) ? '…' : segment))
    .join('/');
}
