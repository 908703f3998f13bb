import { json, type SimRequest, type SimResponse } from '../kit.js';
import { expectedSignature, GATEWAY_HEADERS as NCP_HEADERS, signaturesEqual } from './signature-v2.js';

/** The API Gateway rejects timestamps more than 5 minutes from its clock (providers.md §1.6). */
export const MAX_SKEW_MS = 5 * 60 * 1000;

/** The common API Gateway codes (providers.md §1.8): HTTP status, `errorCode`, `message`. */
export const GATEWAY_ERRORS = {
  badRequest: { status: 400, code: '100', message: 'Bad Request Exception' },
  authenticationFailed: { status: 401, code: '200', message: 'Authentication Failed' },
  permissionDenied: { status: 401, code: '210', message: 'Permission Denied' },
  notFound: { status: 404, code: '300', message: 'Not Found Exception' },
  quotaExceeded: { status: 429, code: '400', message: 'Quota Exceeded' },
  throttleLimited: { status: 429, code: '410', message: 'Throttle Limited' },
  rateLimited: { status: 429, code: '420', message: 'Rate Limited' },
  entityTooLarge: { status: 413, code: '430', message: 'Request Entity Too Large' },
  endpointError: { status: 503, code: '500', message: 'Endpoint Error' },
  endpointTimeout: { status: 504, code: '510', message: 'Endpoint Timeout' },
  unexpected: { status: 500, code: '900', message: 'Unexpected Error' },
} as const;
export type GatewayError = (typeof GATEWAY_ERRORS)[keyof typeof GATEWAY_ERRORS];

/** `{"error":{"errorCode":"…","message":"…","details":"…"}}`; `errorCode` is a string. */
export function gatewayErrorBody(error: GatewayError, details?: string): unknown {
  return { error: { errorCode: error.code, message: error.message, ...(details ? { details } : {}) } };
}

export function gatewayError(
  error: GatewayError,
  details?: string,
  status: number = error.status,
): SimResponse {
  return json(status, gatewayErrorBody(error, details));
}

/** What the gateway says for every authentication failure: it does not tell which check failed. */
const INVALID_AUTH = 'Invalid authentication information.';

/**
 * Checks requests the way the NCP API Gateway does: the three auth headers present, a timestamp
 * within 5 minutes of the gateway clock, a known access key, a signature v2 recomputed over the
 * method and the URI exactly as received, then the region header Object Migration requires.
 */
export class SimNcpGatewayAuth {
  readonly #keys: Map<string, string>;
  readonly #now: () => number;

  constructor(options: { keys: Record<string, string>; now: () => number }) {
    this.#keys = new Map(Object.entries(options.keys));
    this.#now = options.now;
  }

  check(request: SimRequest): SimResponse | undefined {
    const timestamp = header(request, NCP_HEADERS.timestamp);
    const accessKey = header(request, NCP_HEADERS.accessKey);
    const signature = header(request, NCP_HEADERS.signature);
    const denied = gatewayError(GATEWAY_ERRORS.authenticationFailed, INVALID_AUTH);
    if (!timestamp || !accessKey || !signature) return denied;
    if (!/^\d{1,16}$/.test(timestamp) || Math.abs(Number(timestamp) - this.#now()) > MAX_SKEW_MS)
      return denied;
    const secretKey = this.#keys.get(accessKey);
    if (secretKey === undefined) return denied;
    const uri = request.rawQuery ? `${request.path}?${request.rawQuery}` : request.path;
    const expected = expectedSignature({ method: request.method, uri, timestamp, accessKey }, secretKey);
    if (!signaturesEqual(signature, expected)) return denied;
    if (!header(request, NCP_HEADERS.region)) {
      return gatewayError(GATEWAY_ERRORS.badRequest, `${NCP_HEADERS.region} header is required.`);
    }
    return undefined;
  }
}

export function header(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
