import type { ZodType } from 'zod';
import { type Clock, systemClock } from '../../clock.js';
import type { AccessKeyPair, Connection } from '../../connections/connection.js';
import { ConfigError, InvalidInputError, ProviderError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { encodePathSegment } from '../http/encode.js';
import { HttpClient, type HttpMethod, type OutgoingRequest } from '../http/http-client.js';
import { logUnreadable, readItems } from '../list-items.js';
import type { ProviderDeps } from '../types.js';
import { isTokenRejection, parseOmsError, reclassified } from './errors.js';
import { IamTokenCache } from './iam-token.js';
import { LIMITS } from './schemas.js';
import { formatSdkDate, signHuaweiRequest } from './signer.js';
import { parseOrThrow } from './validation.js';
import { omsError } from './words.js';

const PROVIDER = 'huawei-oms';
const GROUP_ID = /^[A-Za-z0-9_-]+$/;
const SYNC_TASK_ID = /^[A-Za-z0-9_-]+$/;

export interface OmsCall {
  operation: string;
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  idempotent?: boolean;
}

/**
 * What every OMS operation shares: signing (AK/SK) or an IAM token, the project path, id checks,
 * JSON through the shared HttpClient, error classification. The operations themselves are declared
 * by section of seed 002 in `bucket-api.ts` (5.5–5.7) and `client.ts` (5.1–5.4), which extend this.
 */
export abstract class OmsTransport {
  readonly #http: HttpClient;
  protected readonly projectPath: string;
  readonly #logger: Logger;
  #tokens: IamTokenCache | undefined;

  /** Requests are signed as of `now` (the provider's clock's time: `ProviderDeps.clock`). */
  protected readonly clock: Clock;

  constructor(
    connection: Connection,
    deps: ProviderDeps,
    now: () => Date = () => new Date((deps.clock ?? systemClock).now()),
  ) {
    this.clock = deps.clock ?? systemClock;
    const projectId = connection.projectId;
    if (!projectId) throw new ConfigError(`connection ${connection.name}: projectId is required`);
    // A connection stored before the rule existed could hold `..`: refused here, never sent.
    if (!LIMITS.projectId.test(projectId))
      throw new ConfigError(`connection ${connection.name}: projectId is not a Huawei project id`);
    this.#logger = deps.logger;
    this.projectPath = `/v2/${encodePathSegment(projectId)}`;
    const auth = connection.auth;
    if (auth.type === 'token') {
      const iam = new HttpClient({
        provider: 'huawei-iam',
        baseUrl: auth.iamEndpoint,
        pools: deps.pools,
        logger: deps.logger,
        transport: deps.transport,
        purpose: deps.purpose,
        authenticate: () => {},
        parseError: parseOmsError,
      });
      this.#tokens = new IamTokenCache(
        iam,
        { user: auth.user, password: auth.password, domain: auth.domain, projectId },
        () => this.clock.now(),
      );
    } else if (auth.type !== 'aksk') {
      throw new ConfigError(`connection ${connection.name}: huawei-oms takes auth type aksk or token`);
    }
    this.#http = new HttpClient({
      provider: PROVIDER,
      baseUrl: connection.endpoint,
      pools: deps.pools,
      logger: deps.logger,
      transport: deps.transport,
      purpose: deps.purpose,
      parseError: parseOmsError,
      authenticate: async (request, call) => {
        // Seed 002 §3 makes Content-Type mandatory on every request, and the official SDK always
        // sends it, bodiless GET and DELETE included. Set before signing: every header is signed.
        request.headers['content-type'] ??= 'application/json';
        if (auth.type === 'aksk') {
          // Table 3-3: "The X-Project-ID field is mandatory in the request header for accessing
          // resources in a sub-project through AK/SK-based authentication". The SDK's BasicCredentials
          // always adds it before signing (so it is signed); an IAM token carries its project itself.
          // Decided on the call's own path: the wire path also holds the endpoint's base path.
          if (call.path.startsWith(`${this.projectPath}/`)) request.headers['x-project-id'] = projectId;
          signWithAkSk(request, auth, now());
        } else if (this.#tokens) request.headers['x-auth-token'] = await this.#tokens.get();
      },
    });
  }

  // ----- helpers ------------------------------------------------------------------------------------

  protected async bucketQuery<Req, Resp>(
    operation: string,
    path: string,
    requestSchema: ZodType<Req>,
    body: Req,
    responseSchema: ZodType<Resp>,
  ): Promise<Resp> {
    const valid = parseOrThrow(requestSchema, body, `OMS ${operation} request`);
    return this.json(
      {
        operation,
        method: 'POST',
        path: `${this.projectPath}/objectstorage/${path}`,
        body: valid,
        idempotent: true,
      },
      responseSchema,
    );
  }

  protected taskPath(taskId: string): string {
    if (!LIMITS.taskId.test(taskId)) throw omsError('error.huawei-oms.taskId', { id: taskId });
    return `${this.projectPath}/tasks/${taskId}`;
  }

  protected groupPath(groupId: string): string {
    if (!GROUP_ID.test(groupId) || groupId.length > LIMITS.groupIdMax) {
      throw omsError('error.huawei-oms.groupId', { id: groupId.slice(0, 120) });
    }
    return `${this.projectPath}/taskgroups/${encodePathSegment(groupId)}`;
  }

  protected syncTaskPath(syncTaskId: string): string {
    if (!SYNC_TASK_ID.test(syncTaskId) || syncTaskId.length > LIMITS.syncTaskIdMax) {
      throw omsError('error.huawei-oms.syncTaskId', { id: syncTaskId.slice(0, 120) });
    }
    return `${this.projectPath}/sync-tasks/${encodePathSegment(syncTaskId)}`;
  }

  /** Reads a page's items one by one; the unreadable ones are logged with their ids. */
  protected items<T>(operation: string, raw: unknown[], schema: ZodType<T>, idField: string) {
    const read = readItems(raw, schema, idField);
    logUnreadable(this.#logger, { provider: PROVIDER, operation }, read.unreadable);
    return read;
  }

  protected async json<T>(call: OmsCall, schema: ZodType<T>): Promise<T> {
    return this.#withToken(() => this.#http.json(call, schema));
  }

  protected async send(call: OmsCall): Promise<void> {
    await this.#withToken(() => this.#http.send(call));
  }

  /**
   * Errors are classified by their OMS code (`classifyOmsError`). On a token connection, a 401 about
   * the credentials (`isTokenRejection`: a bare 401, 401 OMS.9999, the gateway's token codes) drops
   * the token it was sent with and the call is tried once more with a fresh one: IAM revokes tokens
   * before their `expires_at` (providers.md §3.3). A second refusal is the connection's credentials.
   * A refusal IAM gave while issuing the token is not retried: a new request would be refused alike.
   */
  async #withToken<T>(fn: () => Promise<T>): Promise<T> {
    let sent: string | undefined;
    try {
      // The token this call goes with (`fn` finds it cached), so a refusal drops that one only.
      if (this.#tokens) sent = await this.#tokens.get();
      return await fn();
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      if (this.#tokens && error.provider === PROVIDER && isTokenRejection(error)) {
        this.#tokens.invalidate(sent);
        try {
          return await fn();
        } catch (retryError) {
          throw retryError instanceof ProviderError ? reclassified(retryError) : retryError;
        }
      }
      throw reclassified(error);
    }
  }
}

/**
 * A contract guard of the client, in English on purpose: pages are the listing code's own numbers,
 * bounded before they get here, so only a caller's bug reaches it, never a person.
 */
export function checkPage(limit: number | undefined, offset: number | undefined, offsetMax: number): void {
  if (
    limit !== undefined &&
    !(Number.isInteger(limit) && limit >= LIMITS.pageSize.min && limit <= LIMITS.pageSize.max)
  ) {
    throw new InvalidInputError('limit must be between 1 and 100');
  }
  if (offset !== undefined && !(Number.isInteger(offset) && offset >= 0 && offset <= offsetMax)) {
    throw new InvalidInputError(`offset must be between 0 and ${offsetMax}`);
  }
}

/** A contract guard too (English on purpose): the times sent are the bot's clock's, never typed. */
export function millis(value: Date | number, name: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (!Number.isFinite(ms) || ms < 0) throw new InvalidInputError(`${name} must be a time`);
  return Math.floor(ms);
}

function signWithAkSk(request: OutgoingRequest, keys: AccessKeyPair, now: Date): void {
  request.headers['x-sdk-date'] = formatSdkDate(now);
  request.headers.host = request.url.host;
  if (keys.securityToken) request.headers['x-security-token'] = keys.securityToken;
  request.headers.authorization = signHuaweiRequest(
    {
      method: request.method,
      path: request.url.pathname,
      canonicalQuery: request.canonicalQuery,
      headers: request.headers,
      body: request.body,
    },
    keys.accessKey,
    keys.secretKey,
  );
}
