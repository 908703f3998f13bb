import { createHmac, timingSafeEqual } from 'node:crypto';

/** The NCP API Gateway headers of every Object Migration call (providers.md §1.6). */
export const NCP_HEADERS = {
  timestamp: 'x-ncp-apigw-timestamp',
  accessKey: 'x-ncp-iam-access-key',
  signature: 'x-ncp-apigw-signature-v2',
  region: 'x-ncp-region_code',
} as const;

export interface NcpSignable {
  /** The verb actually sent: signing POST as GET is a known third-party bug (§1.7). */
  method: string;
  /** Path plus query string, no scheme or host, byte-identical to what goes on the wire. */
  uri: string;
  /** Milliseconds since the epoch, as a string: the same value goes in `x-ncp-apigw-timestamp`. */
  timestamp: string;
  accessKey: string;
}

/** `METHOD URI\nTIMESTAMP\nACCESS_KEY`: one space, LF separators, no trailing newline. */
export function ncpStringToSign(request: NcpSignable): string {
  return `${request.method.toUpperCase()} ${request.uri}\n${request.timestamp}\n${request.accessKey}`;
}

/** Signature v2: standard (padded, `+/`) Base64 of HMAC-SHA256 keyed with the secret key. */
export function signNcpRequest(request: NcpSignable, secretKey: string): string {
  return createHmac('sha256', secretKey).update(ncpStringToSign(request), 'utf8').digest('base64');
}

/** Constant-time comparison of a received signature with the expected one (used by the simulator). */
export function ncpSignatureMatches(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
