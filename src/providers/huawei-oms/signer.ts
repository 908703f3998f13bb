import { createHash, createHmac } from 'node:crypto';
import { rfc3986Encode } from '../http/encode.js';

export const HUAWEI_SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SignableRequest {
  method: string;
  /** Absolute path, not yet encoded per segment (`/v1/p/vpcs`). */
  path: string;
  /** Already-canonical query string (sorted, RFC 3986 encoded), or ''. */
  canonicalQuery: string;
  /** Header names in any case; every header given here is signed. */
  headers: Record<string, string>;
  body: string | undefined;
}

/** `YYYYMMDDTHHMMSSZ` in UTC, the `X-Sdk-Date` format. */
export function formatSdkDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Canonical URI: each segment RFC 3986 encoded, always ending in `/` when signing. */
export function canonicalUri(path: string): string {
  const encoded = path
    .split('/')
    .map((segment) => rfc3986Encode(decodeURIComponentSafe(segment)))
    .join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

function decodeURIComponentSafe(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function canonicalRequest(request: SignableRequest): { canonical: string; signedHeaders: string } {
  const entries = Object.entries(request.headers)
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .filter(([name]) => name !== 'authorization')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = entries.map(([name, value]) => `${name}:${value.trim()}\n`).join('');
  const signedHeaders = entries.map(([name]) => name).join(';');
  const payloadHash =
    request.body === undefined || request.body === ''
      ? EMPTY_BODY_SHA256
      : createHash('sha256').update(request.body, 'utf8').digest('hex');
  const canonical = [
    request.method.toUpperCase(),
    canonicalUri(request.path),
    request.canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  return { canonical, signedHeaders };
}

/**
 * Huawei Cloud API Gateway AK/SK signature (SDK-HMAC-SHA256). `headers` must already hold
 * `X-Sdk-Date` and `Host`; returns the `Authorization` header value.
 */
export function signHuaweiRequest(request: SignableRequest, accessKey: string, secretKey: string): string {
  const sdkDate = findHeader(request.headers, 'x-sdk-date');
  if (!sdkDate) throw new Error('X-Sdk-Date header is required to sign a Huawei request');
  const { canonical, signedHeaders } = canonicalRequest(request);
  const stringToSign = [
    HUAWEI_SIGNING_ALGORITHM,
    sdkDate,
    createHash('sha256').update(canonical, 'utf8').digest('hex'),
  ].join('\n');
  const signature = createHmac('sha256', secretKey).update(stringToSign, 'utf8').digest('hex');
  return `${HUAWEI_SIGNING_ALGORITHM} Access=${accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/** Parses `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…` (used by the simulator). */
export function parseHuaweiAuthorization(
  value: string,
): { accessKey: string; signedHeaders: string[]; signature: string } | undefined {
  const match =
    /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      value.trim(),
    );
  if (!match) return undefined;
  return { accessKey: match[1]!, signedHeaders: match[2]!.split(';'), signature: match[3]! };
}

export function findHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}
