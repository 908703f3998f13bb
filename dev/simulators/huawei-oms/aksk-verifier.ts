import { createHash, timingSafeEqual } from 'node:crypto';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import type { SimRequest } from '../kit.js';

/**
 * Checks an AK/SK signature the way Huawei's API Gateway does, with the official signer of Huawei's
 * Node SDK (`@huaweicloud/huaweicloud-sdk-core`, `auth/AKSKSigner`), never with the client's own
 * `signer.ts`: a simulator that shared the client's signer would accept the client's mistakes
 * (issue #37, item 11). providers.md §3.1 gives the algorithm and the official test vector.
 */

const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface ParsedAuthorization {
  accessKey: string;
  /** Lowercase names, in the order the client listed them. */
  signedHeaders: string[];
  signature: string;
}

/** `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>` (providers.md §3.1). */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const match =
    /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      value.trim(),
    );
  if (!match) return undefined;
  return { accessKey: match[1]!, signedHeaders: match[2]!.split(';'), signature: match[3]! };
}

/**
 * The official signer, with one change: the payload hash is taken over the bytes the gateway
 * received. The SDK hashes `JSON.stringify(request.data)`, which is the string it then sends; a
 * gateway only has the bytes, so hashing anything re-serialized would accept a body the client
 * signed differently from what it sent. Every other step (canonical URI, query, headers, string to
 * sign, HMAC) is the SDK's. The canonical request is kept for the gateway's debugging message.
 */
class GatewaySigner extends AKSKSigner {
  static lastCanonicalRequest = '';

  protected static override buildPayloadHash(request: Parameters<typeof AKSKSigner.sign>[0]): string {
    const body = (request as { rawBody?: string }).rawBody ?? '';
    return body === '' ? EMPTY_BODY_SHA256 : createHash('sha256').update(body, 'utf8').digest('hex');
  }

  protected static override buildCanonicalRequest(
    method: string | undefined,
    canonicalURI: string | undefined,
    canonicalQueryString: string,
    canonicalHeaders: string,
    signedHeaderNames: string,
    payloadHash: string | undefined,
  ): string {
    const canonical = AKSKSigner.buildCanonicalRequest(
      method,
      canonicalURI,
      canonicalQueryString,
      canonicalHeaders,
      signedHeaderNames,
      payloadHash,
    );
    GatewaySigner.lastCanonicalRequest = canonical;
    return canonical;
  }
}

export type Verdict =
  | { ok: true }
  | { ok: false; reason: 'x-sdk-date not signed' | 'host not signed' }
  | { ok: false; reason: 'signature mismatch'; canonicalRequest: string };

/**
 * Recomputes the signature of `request` with the official signer over the headers the client says
 * it signed, and compares. `X-Sdk-Date` must be among them: the string to sign carries it, and an
 * unsigned date would let a captured request be replayed at any time.
 */
export function verifyAkSk(request: SimRequest, parsed: ParsedAuthorization, secretKey: string): Verdict {
  const names = parsed.signedHeaders;
  if (!names.includes('x-sdk-date')) return { ok: false, reason: 'x-sdk-date not signed' };
  // The SDK always signs `host` (from the endpoint when the header is not set).
  if (!names.includes('host')) return { ok: false, reason: 'host not signed' };
  const headers: Record<string, string> = {};
  for (const name of names) {
    if (name === 'authorization') continue;
    // The SDK looks the date up under this exact spelling, and makes up a new one when absent.
    headers[name === 'x-sdk-date' ? 'X-Sdk-Date' : name] = header(request, name) ?? '';
  }
  const queryParams: Record<string, string | string[]> = {};
  for (const [key, value] of request.query) {
    const seen = queryParams[key];
    queryParams[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  const signed = GatewaySigner.sign(
    {
      // The SDK reads the path from the endpoint URL and encodes each segment itself.
      endpoint: `http://${header(request, 'host') ?? 'localhost'}${decodedPath(request.path)}`,
      method: request.method,
      queryParams,
      headers,
      rawBody: request.rawBody,
    } as Parameters<typeof AKSKSigner.sign>[0],
    { getAk: () => parsed.accessKey, getSk: () => secretKey } as Parameters<typeof AKSKSigner.sign>[1],
  ) as { Authorization?: string };
  const expected = /Signature=([0-9a-f]{64})$/.exec(signed.Authorization ?? '')?.[1] ?? '';
  if (expected.length === parsed.signature.length) {
    if (timingSafeEqual(Buffer.from(expected), Buffer.from(parsed.signature))) return { ok: true };
  }
  return { ok: false, reason: 'signature mismatch', canonicalRequest: GatewaySigner.lastCanonicalRequest };
}

function decodedPath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}

function header(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
