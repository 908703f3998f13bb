import { setTimeout as sleep } from 'node:timers/promises';
import type { ZodType } from 'zod';
import { AppError, ErrorCode, ProviderError, providerErrorCodeFor } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { failedCall } from './call-observer.js';
import { ResponseTooLargeError, ResponseTooSlowError } from './capped-body.js';
import { canonicalQueryString, type Query } from './encode.js';
import type { CallPurpose } from './lanes.js';
import type { HttpTimeouts, PoolRegistry } from './pool-registry.js';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfterMs,
  type RetryPolicy,
} from './retry-policy.js';
import { poolTransport, type Transport } from './transports.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  /** Name of the provider operation, for errors and logs (`ListTasks`). */
  operation: string;
  method: HttpMethod;
  /** Absolute path below the endpoint, already encoded (`/v2/p1/tasks/123`). */
  path: string;
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** Only idempotent calls are retried. Defaults: GET/PUT/DELETE yes, POST no. */
  idempotent?: boolean;
}

/** The request as it goes on the wire: signers read and add headers here, once per attempt. */
export interface OutgoingRequest {
  method: HttpMethod;
  url: URL;
  /** Path plus query exactly as sent. */
  pathWithQuery: string;
  canonicalQuery: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface ParsedProviderError {
  errorCode?: string;
  errorMessage?: string;
  requestId?: string;
}

export { BODY_DEADLINE_READS, DEFAULT_TIMEOUTS, type HttpTimeouts } from './pool-registry.js';

export interface HttpClientOptions {
  provider: string;
  baseUrl: string;
  pools: PoolRegistry;
  logger: Logger;
  /**
   * Adds auth headers to each attempt (timestamps and signatures must be fresh per attempt). `call`
   * is the request as the operation made it: its `path` is below the endpoint, without the
   * endpoint's own base path (`https://gw/oms` sends `/oms/v2/…`; `call.path` is `/v2/…`).
   */
  authenticate: (request: OutgoingRequest, call: HttpRequest) => Promise<void> | void;
  /** Reads the provider's own error body. */
  parseError: (response: HttpResponse) => ParsedProviderError;
  classifyError?: (httpStatus: number, errorCode: string | undefined) => ErrorCode | undefined;
  timeouts?: HttpTimeouts;
  retry?: RetryPolicy;
  /** How bytes move; defaults to the pooled undici transport. Fixture tests pass `fetchTransport`. */
  transport?: Transport;
  /**
   * Who waits for this client's calls: a provider hands on its `ProviderDeps.purpose` (a required
   * key, so a new provider cannot drop it). Undefined is `interactive`: it never queues a person.
   */
  purpose: CallPurpose | undefined;
}

export { BACKGROUND_REQUESTS_PER_PROVIDER, PoolRegistry } from './pool-registry.js';
export { fetchTransport, type Transport } from './transports.js';

/**
 * The HTTP layer every provider client shares: pooling, timeouts, retries with jittered backoff
 * (idempotent calls only, honouring Retry-After), and one typed error for every failure.
 */
export class HttpClient {
  readonly #options: HttpClientOptions;
  readonly #base: URL;
  readonly #retry: RetryPolicy;
  readonly #transport: Transport;
  readonly #purpose: CallPurpose;
  /** Bodies the truncation check parsed, kept for `json` while their response lives. */
  readonly #parsed = new WeakMap<HttpResponse, unknown>();

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.#transport = options.transport ?? poolTransport(options.pools);
    this.#base = new URL(options.baseUrl);
    this.#retry = options.retry ?? options.pools.retry ?? DEFAULT_RETRY_POLICY;
    this.#purpose = options.purpose ?? 'interactive';
  }

  get baseUrl(): URL {
    return this.#base;
  }

  /** Sends the request and validates the JSON body against `schema`. */
  async json<T>(request: HttpRequest, schema: ZodType<T>): Promise<T> {
    const response = await this.send(request);
    const data = this.#parseJson(request, response);
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new ProviderError(
        ErrorCode.ProviderResponse,
        {
          provider: this.#options.provider,
          operation: request.operation,
          httpStatus: response.status,
          errorMessage: `unexpected response shape: ${parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.') || '(root)'} ${i.message}`)
            .join('; ')}`,
        },
        { cause: parsed.error },
      );
    }
    return parsed.data;
  }

  /** Sends the request; resolves with any 2xx response, throws `ProviderError` otherwise. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const observe = this.#options.pools.observe;
    if (!observe) return this.#sendWithRetries(request);
    const call = { provider: this.#options.provider, operation: request.operation };
    const started = performance.now();
    try {
      const response = await this.#sendWithRetries(request);
      observe({ ...call, ms: performance.now() - started });
      return response;
    } catch (error) {
      observe({ ...call, ms: performance.now() - started, ...failedCall(error) });
      throw error;
    }
  }

  async #sendWithRetries(request: HttpRequest): Promise<HttpResponse> {
    const idempotent = request.idempotent ?? request.method !== 'POST';
    const maxAttempts = idempotent ? this.#retry.retries + 1 : 1;
    let lastError: ProviderError | undefined;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.#attempt(request);
      } catch (error) {
        // Auth hooks (token fetches) fail with their own typed errors: those are final here.
        if (error instanceof AppError) throw error;
        // The same endpoint would send the same oversized (or dripping) answer again: final.
        if (error instanceof ResponseTooLargeError) throw this.#tooLarge(request, error);
        if (error instanceof ResponseTooSlowError) throw this.#networkError(request, error);
        lastError = this.#networkError(request, error);
        if (attempt + 1 < maxAttempts) await sleep(backoffDelayMs(this.#retry, attempt));
        continue;
      }
      if (response.status >= 200 && response.status < 300) {
        if (idempotent && this.#looksTruncated(response) && attempt + 1 < maxAttempts) {
          lastError = this.#malformed(request, response);
          await sleep(backoffDelayMs(this.#retry, attempt));
          continue;
        }
        return response;
      }
      lastError = this.#httpError(request, response);
      if (!isRetryableStatus(response.status) || attempt + 1 >= maxAttempts) break;
      const retryAfter = parseRetryAfterMs(response.headers['retry-after']);
      if (retryAfter !== undefined && retryAfter > this.#retry.maxRetryAfterMs) break;
      await sleep(retryAfter ?? backoffDelayMs(this.#retry, attempt));
    }
    throw lastError ?? new Error('unreachable');
  }

  async #attempt(request: HttpRequest): Promise<HttpResponse> {
    const canonicalQuery = canonicalQueryString(request.query);
    const basePath = this.#base.pathname.replace(/\/$/, '');
    const path = `${basePath}${request.path}`;
    const pathWithQuery = canonicalQuery ? `${path}?${canonicalQuery}` : path;
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const outgoing: OutgoingRequest = {
      method: request.method,
      url: new URL(pathWithQuery, this.#base.origin),
      pathWithQuery,
      canonicalQuery,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...request.headers,
      },
      body,
    };
    await this.#options.authenticate(outgoing, request);
    const started = performance.now();
    const lanes = this.#options.pools.lanesFor(this.#options.provider, this.#purpose);
    const { status, headers, text } = await (lanes
      ? lanes.run(() => this.#transport(outgoing))
      : this.#transport(outgoing));
    this.#options.logger.debug(
      {
        provider: this.#options.provider,
        operation: request.operation,
        method: request.method,
        path,
        status,
        ms: Math.round(performance.now() - started),
      },
      'provider call',
    );
    return { status, headers, text };
  }

  #parseJson(request: HttpRequest, response: HttpResponse): unknown {
    if (this.#parsed.has(response)) return this.#parsed.get(response); // the truncation check's parse
    if (response.text.trim() === '') return {};
    try {
      return JSON.parse(response.text);
    } catch (cause) {
      throw this.#malformed(request, response, cause);
    }
  }

  #looksTruncated(response: HttpResponse): boolean {
    const text = response.text.trim();
    if (text === '' || !(response.headers['content-type'] ?? '').includes('json')) return false;
    try {
      this.#parsed.set(response, JSON.parse(text));
      return false;
    } catch {
      return true;
    }
  }

  #malformed(request: HttpRequest, response: HttpResponse, cause?: unknown): ProviderError {
    // A body that is not JSON is a transport fault (a proxy page, a cut connection), not a verdict.
    return new ProviderError(
      ErrorCode.ProviderUnavailable,
      {
        provider: this.#options.provider,
        operation: request.operation,
        httpStatus: response.status,
        errorMessage: 'the response body was not valid JSON',
      },
      { cause },
    );
  }

  #tooLarge(request: HttpRequest, error: ResponseTooLargeError): ProviderError {
    const tooLarge = new ProviderError(
      ErrorCode.ProviderResponse,
      { provider: this.#options.provider, operation: request.operation, errorMessage: error.message },
      { cause: error },
    );
    tooLarge.localized = {
      key: 'unreadable.tooLarge',
      values: { limit: `${error.limitBytes / 1024 / 1024} MiB` },
    };
    return tooLarge;
  }

  #httpError(request: HttpRequest, response: HttpResponse): ProviderError {
    let parsed: ParsedProviderError = {};
    try {
      parsed = this.#options.parseError(response);
    } catch {
      // A provider error body we cannot read still yields an error with the HTTP status.
    }
    // Only a JSON body is the provider's own: a proxy's HTML or text page never enters a message.
    const structured = isJsonText(response.text)
      ? { errorCode: parsed.errorCode, errorMessage: parsed.errorMessage }
      : {};
    const code = this.#options.classifyError?.(response.status, structured.errorCode); // permissionsRefuse
    return new ProviderError(code ?? providerErrorCodeFor(response.status), {
      provider: this.#options.provider,
      operation: request.operation,
      httpStatus: response.status,
      requestId: parsed.requestId,
      ...structured,
    });
  }

  #networkError(request: HttpRequest, error: unknown): ProviderError {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    return new ProviderError(
      ErrorCode.ProviderUnavailable,
      {
        provider: this.#options.provider,
        operation: request.operation,
        errorMessage: code ? `${code}: ${message}` : message,
      },
      { cause: error },
    );
  }
}

function isJsonText(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}
