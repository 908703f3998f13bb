/** RFC 3986 percent-encoding: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function rfc3986Encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export type QueryValue = string | number | boolean | undefined;
export type Query = Record<string, QueryValue | readonly QueryValue[]>;

/**
 * A canonical query string: keys sorted by code point, RFC 3986 encoded, empty values keep `=`.
 * The same string is signed and sent, so a signature can never disagree with the wire.
 */
export function canonicalQueryString(query: Query | undefined): string {
  if (!query) return '';
  const pairs: [string, string][] = [];
  for (const [key, raw] of Object.entries(query)) {
    const values = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      if (value === undefined) continue;
      pairs.push([rfc3986Encode(key), rfc3986Encode(String(value))]);
    }
  }
  pairs.sort(([ak, av], [bk, bv]) => (ak === bk ? compare(av, bv) : compare(ak, bk)));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Encode each path segment (ids from users end up in paths). */
export function encodePathSegment(segment: string): string {
  return rfc3986Encode(segment);
}
