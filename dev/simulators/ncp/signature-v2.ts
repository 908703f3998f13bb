import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * NCP API Gateway signature v2, written from reference/providers.md §1.6-1.7 (the NCP common guide
 * and the official Go SDK's `hmac/hmac.go`), never taken from the client's `signer.ts`: a simulator
 * that verified with the client's own signer would accept the client's mistakes (issue #37, item 11).
 * The test vectors of §1.7 check it (test/providers/simulators/simulator-signatures.test.ts).
 */

/** The gateway headers of every Object Migration call (§1.6). */
export const GATEWAY_HEADERS = {
  timestamp: 'x-ncp-apigw-timestamp',
  accessKey: 'x-ncp-iam-access-key',
  signature: 'x-ncp-apigw-signature-v2',
  region: 'x-ncp-region_code',
} as const;

/**
 * Base64(HMAC-SHA256(secretKey, METHOD + " " + URI + "\n" + TIMESTAMP + "\n" + ACCESS_KEY)): the
 * verb actually received, the path and query exactly as received, no body, standard padded Base64.
 */
export function expectedSignature(
  received: { method: string; uri: string; timestamp: string; accessKey: string },
  secretKey: string,
): string {
  const stringToSign = [`${received.method} ${received.uri}`, received.timestamp, received.accessKey].join(
    '\n',
  );
  return createHmac('sha256', Buffer.from(secretKey, 'utf8'))
    .update(Buffer.from(stringToSign, 'utf8'))
    .digest('base64');
}

/** Constant-time: a signature compared byte by byte would leak how much of it was right. */
export function signaturesEqual(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
