import { randomBytes } from 'node:crypto';
import { json, type SimRequest, type SimResponse } from '../kit.js';
import type { Reading } from '../shapes.js';
import { parseAuthorization, verifyAkSk } from './aksk-verifier.js';

/** API Gateway allows 15 minutes of clock skew (providers.md §3.1). */
const MAX_SKEW_MS = 15 * 60 * 1000;
const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/** What an expired token gets: seed 002 prints no gateway code for it (shapes.ts, `otherReadings`). */
export const TOKEN_EXPIRY_READING: Reading = {
  usual: '401 APIGW.0307 "The token must be updated." (providers.md §3.3 gives the message)',
  other: '401 OMS.9999 "no auth" (the only 401 code of seed 002 §6.2)',
  source: 'seed 002 documents no expired-token answer; providers.md §3.3 quotes the message only',
};

export interface SimIamUser {
  name: string;
  password: string;
  domain: string;
}

export function huaweiError(status: number, code: string, message: string): SimResponse {
  return json(status, { error_msg: message, error_code: code, request_id: randomBytes(16).toString('hex') });
}

/**
 * Checks requests the way Huawei's API Gateway does: an AK/SK signature recomputed over the request
 * as received, or an IAM token issued by this simulator's own `/v3/auth/tokens`.
 */
export class SimGatewayAuth {
  readonly #keys: Map<string, string>;
  readonly #users: SimIamUser[];
  readonly #tokens = new Map<string, { expiresAt: number; projectId: string; user: string }>();
  readonly #now: () => number;
  readonly #otherReadings: () => boolean;

  constructor(options: {
    keys: Record<string, string>;
    users: SimIamUser[];
    now: () => number;
    /** Whether the inferred answers follow their other reading (shapes.ts). */
    otherReadings?: () => boolean;
  }) {
    this.#keys = new Map(Object.entries(options.keys));
    this.#users = options.users;
    this.#now = options.now;
    this.#otherReadings = options.otherReadings ?? (() => false);
  }

  check(request: SimRequest): SimResponse | undefined {
    if (request.path === '/v3/auth/tokens') return undefined;
    const token = header(request, 'x-auth-token');
    if (token) return this.#checkToken(token, request);
    const authorization = header(request, 'authorization');
    if (authorization) return this.#checkSignature(request, authorization);
    return huaweiError(
      401,
      'APIGW.0301',
      'Incorrect IAM authentication information: Authorization not found',
    );
  }

  /** POST /v3/auth/tokens: password auth, token in X-Subject-Token, 201. */
  issueToken(request: SimRequest): SimResponse {
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody);
    } catch {
      return json(400, {
        error: { code: 400, message: 'The request body is not JSON.', title: 'Bad Request' },
      });
    }
    const auth = (body as { auth?: Record<string, unknown> }).auth as
      | {
          identity?: {
            password?: { user?: { name?: string; password?: string; domain?: { name?: string } } };
          };
          scope?: { project?: { id?: string } };
        }
      | undefined;
    const user = auth?.identity?.password?.user;
    const match = this.#users.find(
      (u) => u.name === user?.name && u.password === user?.password && u.domain === user?.domain?.name,
    );
    if (!match) {
      return json(401, {
        error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' },
      });
    }
    const token = `MIIsim${randomBytes(24).toString('hex')}`;
    const issuedAt = this.#now();
    const expiresAt = issuedAt + TOKEN_TTL_MS;
    this.#tokens.set(token, { expiresAt, projectId: auth?.scope?.project?.id ?? '', user: match.name });
    return {
      status: 201,
      headers: { 'content-type': 'application/json', 'x-subject-token': token },
      body: {
        token: {
          expires_at: new Date(expiresAt).toISOString(),
          issued_at: new Date(issuedAt).toISOString(),
          methods: ['password'],
          user: { name: match.name, domain: { name: match.domain } },
        },
      },
    };
  }

  /** Who sent an authenticated request: the AK of a signature, or the IAM user of a token. */
  principal(request: SimRequest): string | undefined {
    const token = header(request, 'x-auth-token');
    if (token) return this.#tokens.get(token)?.user;
    const authorization = header(request, 'authorization');
    return authorization ? parseAuthorization(authorization)?.accessKey : undefined;
  }

  /** Lets tests age tokens without waiting a day. */
  expireAllTokens(): void {
    for (const entry of this.#tokens.values()) entry.expiresAt = this.#now() - 1;
  }

  #checkToken(token: string, request: SimRequest): SimResponse | undefined {
    const entry = this.#tokens.get(token);
    if (!entry)
      return huaweiError(401, 'APIGW.0301', 'Incorrect IAM authentication information: token invalid');
    if (entry.expiresAt <= this.#now()) {
      return this.#otherReadings()
        ? huaweiError(401, 'OMS.9999', 'no auth')
        : huaweiError(401, 'APIGW.0307', 'The token must be updated.');
    }
    // Tables 5-66 and 5-179: "Ensure that the project ID in the token matches the project ID in the
    // request URI." A token scoped to another project (or to none) is refused on this one's URIs.
    const uriProject = projectOfPath(request.path);
    if (uriProject !== undefined && uriProject !== entry.projectId)
      return huaweiError(403, 'OMS.2001', 'project verify fail.');
    return undefined;
  }

  #checkSignature(request: SimRequest, authorization: string): SimResponse | undefined {
    const parsed = parseAuthorization(authorization);
    if (!parsed)
      return huaweiError(
        401,
        'APIGW.0301',
        'Incorrect IAM authentication information: Authorization malformed',
      );
    const secret = this.#keys.get(parsed.accessKey);
    if (!secret)
      return huaweiError(401, 'APIGW.0301', 'Incorrect IAM authentication information: ak not found');
    const date = header(request, 'x-sdk-date');
    const when = date ? parseSdkDate(date) : Number.NaN;
    if (Number.isNaN(when) || Math.abs(when - this.#now()) > MAX_SKEW_MS) {
      return huaweiError(
        401,
        'APIGW.0301',
        'Incorrect IAM authentication information: x-sdk-date expired or invalid',
      );
    }
    const verdict = verifyAkSk(request, parsed, secret);
    if (verdict.ok) return undefined;
    if (verdict.reason !== 'signature mismatch') {
      // The gateway refuses what it cannot verify with its usual 401, never a crash.
      return huaweiError(401, 'APIGW.0301', `Incorrect IAM authentication information: ${verdict.reason}`);
    }
    return huaweiError(
      401,
      'APIGW.0301',
      `Incorrect IAM authentication information: verify aksk signature fail,canonicalRequest:${verdict.canonicalRequest.replaceAll('\n', '|')}`,
    );
  }
}

/** The project of a project-scoped URI (`/v2/{project_id}/…`); the version calls have none. */
function projectOfPath(path: string): string | undefined {
  const segment = /^\/v2\/([^/]+)\//.exec(path)?.[1];
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function header(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseSdkDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}
