import { systemClock } from '../../clock.js';
import { ErrorCode, ProviderError } from '../../errors.js';
import type { HttpClient } from '../http/http-client.js';
import { iamTokenRespSchema } from './schemas.js';

export interface IamPasswordCredentials {
  user: string;
  password: string;
  domain: string;
  projectId: string;
}

/** Refresh this long before expiry, so a token never expires in flight. */
const REFRESH_MARGIN_MS = 10 * 60 * 1000;

/**
 * Caches the IAM user token (valid 24 h) and fetches a new one shortly before it expires.
 * Concurrent callers share one in-flight request.
 */
export class IamTokenCache {
  readonly #http: HttpClient;
  readonly #credentials: IamPasswordCredentials;
  readonly #now: () => number;
  #token: { value: string; expiresAt: number } | undefined;
  #inFlight: Promise<string> | undefined;

  constructor(
    http: HttpClient,
    credentials: IamPasswordCredentials,
    now: () => number = () => systemClock.now(),
  ) {
    this.#http = http;
    this.#credentials = credentials;
    this.#now = now;
  }

  async get(): Promise<string> {
    if (this.#token && this.#token.expiresAt - REFRESH_MARGIN_MS > this.#now()) return this.#token.value;
    this.#inFlight ??= this.#fetch().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /**
   * Forget the token (after a 401), so the next call fetches a fresh one. Given the token a refused
   * call was sent with, only that one: calls refused together fetch one new token, not one each.
   */
  invalidate(rejected?: string): void {
    if (rejected === undefined || this.#token?.value === rejected) this.#token = undefined;
  }

  async #fetch(): Promise<string> {
    const { user, password, domain, projectId } = this.#credentials;
    const response = await this.#http.send({
      operation: 'KeystoneCreateUserTokenByPassword',
      method: 'POST',
      path: '/v3/auth/tokens',
      query: { nocatalog: 'true' },
      headers: { 'content-type': 'application/json;charset=utf8' },
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: user, password, domain: { name: domain } } },
          },
          scope: { project: { id: projectId } },
        },
      },
    });
    const token = response.headers['x-subject-token'];
    const body = iamTokenRespSchema.safeParse(JSON.parse(response.text || '{}'));
    const expiresAt = body.success ? Date.parse(body.data.token.expires_at) : Number.NaN;
    if (!token || Number.isNaN(expiresAt)) {
      throw new ProviderError(ErrorCode.ProviderResponse, {
        provider: 'huawei-iam',
        operation: 'KeystoneCreateUserTokenByPassword',
        httpStatus: response.status,
        errorMessage: 'the token response had no X-Subject-Token header or no token.expires_at',
      });
    }
    this.#token = { value: token, expiresAt };
    return token;
  }
}
