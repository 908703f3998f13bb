import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';

/**
 * How a Slack call failed, as far as a caller can act on it:
 * - `platform`: Slack answered `ok: false` with an error code (`not_in_channel`, `expired_trigger_id`…);
 * - `rate-limited`: HTTP 429 with a Retry-After;
 * - `http`: Slack answered with another HTTP error status (it did not act);
 * - `lost`: no answer (network error, timeout, a crash mid-call): the call may or may not have acted.
 */
export type SlackFailureKind = 'platform' | 'rate-limited' | 'http' | 'lost';

/**
 * The one error every Slack call of the sender throws, whatever the Web API client threw. Its
 * message names the method and Slack's error code only: never the payload, so nothing sent (or a
 * secret in it) reaches a log through the error.
 */
export class SlackApiError extends Error {
  readonly method: string;
  readonly kind: SlackFailureKind;
  /** Slack's `error` field (`platform` only): `not_in_channel`, `hash_conflict`… */
  readonly code: string | undefined;
  /** Seconds Slack asked to wait (`rate-limited` only). */
  readonly retryAfterSeconds: number | undefined;
  /** Slack's HTTP status (`http` only). */
  readonly statusCode: number | undefined;

  constructor(
    method: string,
    kind: SlackFailureKind,
    details: { code?: string; retryAfterSeconds?: number; statusCode?: number; cause?: unknown } = {},
  ) {
    const what =
      kind === 'platform'
        ? details.code
        : kind === 'rate-limited'
          ? `rate limited, retry after ${details.retryAfterSeconds ?? '?'} s`
          : kind === 'http'
            ? `HTTP ${details.statusCode ?? '?'}`
            : 'no answer';
    super(`Slack ${method} failed: ${what}`, { cause: details.cause });
    this.name = 'SlackApiError';
    this.method = method;
    this.kind = kind;
    this.code = details.code;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.statusCode = details.statusCode;
  }

  /** Same shape as the Web API's platform errors (`error.data.error`), for code that reads it. */
  get data(): { error: string } | undefined {
    return this.code === undefined ? undefined : { error: this.code };
  }

  /** What the Web API client (or anything under it) threw, as a SlackApiError. */
  static from(method: string, error: unknown): SlackApiError {
    if (error instanceof SlackApiError) return error;
    if (error instanceof WebAPIPlatformError)
      return new SlackApiError(method, 'platform', { code: error.data.error, cause: error });
    if (error instanceof WebAPIRateLimitedError)
      return new SlackApiError(method, 'rate-limited', { retryAfterSeconds: error.retryAfter, cause: error });
    if (error instanceof WebAPIHTTPError)
      return new SlackApiError(method, 'http', { statusCode: error.statusCode, cause: error });
    if (error instanceof WebAPIRequestError)
      return new SlackApiError(method, 'lost', { cause: error.original });
    return new SlackApiError(method, 'lost', { cause: error });
  }
}

/** Slack's code when `error` is a platform error of the sender, else undefined. */
export function slackErrorCode(error: unknown): string | undefined {
  return error instanceof SlackApiError && error.kind === 'platform' ? error.code : undefined;
}
