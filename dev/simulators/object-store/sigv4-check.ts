import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * AWS Signature Version 4 checked the way S3 checks it, written from AWS's "Signature Version 4
 * signing process" and "Authenticating Requests (AWS Signature Version 4)" for S3, not from any
 * client: the simulator must catch a client that signs wrongly. S3's differences from other services
 * are kept: the path is encoded once (not twice), and `x-amz-content-sha256` is the payload's hash.
 */

export type SigV4Verdict =
  | { ok: true; accessKey: string; region: string }
  | {
      ok: false;
      code:
        | 'AccessDenied'
        | 'InvalidAccessKeyId'
        | 'SignatureDoesNotMatch'
        | 'RequestTimeTooSkewed'
        | 'XAmzContentSHA256Mismatch';
      message: string;
    };

const HEADER =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
/** S3 refuses a request signed more than 15 minutes away from its clock. */
const SKEW_MS = 15 * 60_000;

export interface SignedRequest {
  method: string;
  /** The path as it came on the wire, still percent-encoded. */
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
}

export function checkSigV4(
  request: SignedRequest,
  secretOf: (accessKey: string) => string | undefined,
  now: number,
): SigV4Verdict {
  const auth = header(request.headers, 'authorization');
  const match = auth ? HEADER.exec(auth.replace(/\s+/g, ' ').trim()) : null;
  if (!match)
    return { ok: false, code: 'AccessDenied', message: 'missing or malformed Authorization header' };
  const [, accessKey, day, region, signedList, signature] = match as unknown as string[];
  const secret = secretOf(accessKey!);
  if (secret === undefined)
    return {
      ok: false,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
    };
  const amzDate = header(request.headers, 'x-amz-date') ?? '';
  const when = parseAmzDate(amzDate);
  if (when === undefined || amzDate.slice(0, 8) !== day)
    return {
      ok: false,
      code: 'AccessDenied',
      message: 'x-amz-date is missing or does not match the credential scope',
    };
  if (Math.abs(now - when) > SKEW_MS)
    return {
      ok: false,
      code: 'RequestTimeTooSkewed',
      message: 'The difference between the request time and the current time is too large.',
    };
  const signedHeaders = signedList!.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-content-sha256'))
    return { ok: false, code: 'AccessDenied', message: 'host and x-amz-content-sha256 must be signed' };
  const payloadHash = header(request.headers, 'x-amz-content-sha256') ?? '';
  const canonical = [
    request.method,
    canonicalPath(request.rawPath),
    canonicalQuery(request.rawQuery),
    signedHeaders.map((name) => `${name}:${canonicalValue(request.headers[name])}\n`).join(''),
    signedList,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  let key = hmac(`AWS4${secret}`, day!);
  for (const part of [region!, 's3', 'aws4_request']) key = hmac(key, part);
  const expected = Buffer.from(hmac(key, toSign).toString('hex'));
  const given = Buffer.from(signature!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return {
      ok: false,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  return { ok: true, accessKey: accessKey!, region: region! };
}

/** Whether a payload hash header agrees with the body (S3 answers XAmzContentSHA256Mismatch). */
export function payloadMatches(headers: IncomingHttpHeaders, body: Buffer): boolean {
  const claimed = header(headers, 'x-amz-content-sha256') ?? '';
  if (!/^[0-9a-f]{64}$/.test(claimed)) return true;
  return createHash('sha256').update(body).digest('hex') === claimed;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function canonicalValue(value: string | string[] | undefined): string {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined.trim().replace(/\s+/g, ' ');
}

/** RFC 3986 unreserved characters stay; everything else is %XX in upper case (AWS's UriEncode). */
export function uriEncode(text: string, keepSlash: boolean): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(ch) || (keepSlash && ch === '/')) out += ch;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function canonicalPath(rawPath: string): string {
  return uriEncode(decode(rawPath === '' ? '/' : rawPath), true);
}

function canonicalQuery(rawQuery: string): string {
  const pairs = rawQuery
    .split('&')
    .filter(Boolean)
    .map((part) => {
      const at = part.indexOf('=');
      const name = at < 0 ? part : part.slice(0, at);
      const value = at < 0 ? '' : part.slice(at + 1);
      // `+` is a space in a query, as the store's own parameter reading takes it.
      return [
        uriEncode(decode(name.replace(/\+/g, ' ')), false),
        uriEncode(decode(value.replace(/\+/g, ' ')), false),
      ] as const;
    });
  pairs.sort((a, b) => (a[0] === b[0] ? cmp(a[1], b[1]) : cmp(a[0], b[0])));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
