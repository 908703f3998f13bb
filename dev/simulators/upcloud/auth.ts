import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from '../kit.js';

const ERRORS_BASE = 'https://developers.upcloud.com/1.3/errors';

export interface SimBasicUser {
  username: string;
  password: string;
}

/** A correlation id shaped like UpCloud's (26 Crockford base32 characters, a ULID). */
export function correlationId(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return [...randomBytes(26)].map((b) => alphabet[b % 32]).join('');
}

/** The problem body of an error: `code` without its `ERROR_` prefix, e.g. `RESOURCE_NOT_FOUND`. */
export function problemBody(
  status: number,
  code: string,
  title: string,
  invalidParams?: readonly { name: string; reason: string }[],
): Record<string, unknown> {
  return {
    type: `${ERRORS_BASE}#ERROR_${code}`,
    title,
    correlation_id: correlationId(),
    status,
    ...(invalidParams?.length ? { invalid_params: invalidParams } : {}),
  };
}

/** An RFC 7807 error response, labelled `application/problem+json` as object-storage-2 does [I]. */
export function problem(
  status: number,
  code: string,
  title: string,
  invalidParams?: readonly { name: string; reason: string }[],
): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: problemBody(status, code, title, invalidParams),
  };
}

/**
 * Checks the `Authorization` header as the API does (providers.md §2.4): `Bearer <token>` against
 * the known tokens, or HTTP Basic against the known users. Anything else is a 401
 * `AUTHENTICATION_FAILED`.
 */
export class SimUpCloudAuth {
  readonly #tokens: ReadonlySet<string>;
  readonly #users: readonly SimBasicUser[];

  constructor(options: { tokens?: readonly string[]; users?: readonly SimBasicUser[] }) {
    this.#tokens = new Set(options.tokens ?? []);
    this.#users = options.users ?? [];
  }

  check(request: SimRequest): SimResponse | undefined {
    const raw = request.headers.authorization;
    const header = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
    const space = header.indexOf(' ');
    const scheme = space < 0 ? header.toLowerCase() : header.slice(0, space).toLowerCase();
    const credentials = space < 0 ? '' : header.slice(space + 1).trim();
    if (scheme === 'bearer' && this.#tokens.has(credentials)) return undefined;
    if (scheme === 'basic' && this.#basicMatches(credentials)) return undefined;
    return problem(
      401,
      'AUTHENTICATION_FAILED',
      scheme === 'bearer'
        ? 'Authentication failed using the given token.'
        : 'Authentication failed using the given username and password.',
    );
  }

  #basicMatches(encoded: string): boolean {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    return this.#users.some((u) => u.username === username && u.password === password);
  }
}
