import { english, englishIn, type MessageKey, type MessageValues } from './i18n/english.js';
import type { Words } from './i18n/words.js';

/**
 * One error model for the whole bot. Every failure a user can see is one of these classes;
 * anything else is wrapped with `asAppError` and shown as an internal error (and logged).
 */
export const ErrorCode = {
  InvalidInput: 'invalid_input',
  NotFound: 'not_found',
  Ambiguous: 'ambiguous',
  Forbidden: 'forbidden',
  Config: 'config',
  Store: 'store_unavailable',
  ProviderRequest: 'provider_request',
  ProviderAuth: 'provider_auth',
  ProviderUnavailable: 'provider_unavailable',
  ProviderResponse: 'provider_bad_response',
  OutcomeUnknown: 'outcome_unknown',
  NotOffered: 'not_offered',
  RateLimited: 'rate_limited',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const REFUSALS = new Set<string>([
  ErrorCode.InvalidInput,
  ErrorCode.NotFound,
  ErrorCode.Ambiguous,
  ErrorCode.Forbidden,
]);

/**
 * A refusal the person can act on (bad input, nothing found, which one, not allowed): logged and
 * audited as refused; any other error is a failure worth an error log.
 */
export function isRefusal(error: unknown): boolean {
  return error instanceof AppError && REFUSALS.has(error.code);
}

/** A user-facing message by catalogue key (src/i18n/messages), for the reader's language. */
export interface LocalizedMessage {
  key: string;
  values?: Record<string, string | number>;
  /** A capability's own catalogue the key is in (`AppError.in`); the bot's when absent. */
  words?: Words;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  /** The same message in the catalogue's words; `message` stays English for logs and the audit. */
  localized?: LocalizedMessage;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /**
   * A user-facing error by catalogue key: `InvalidInputError.of('claim.taken', { user })`. Its
   * English `message` (logs, the audit) is the en catalogue's, so the words are written once, there;
   * each reader sees the key in their language.
   */
  static of<E extends AppError>(
    this: new (
      message: string,
    ) => E,
    key: MessageKey,
    values?: MessageValues,
  ): E {
    const error = new this(english(key, values));
    error.localized = { key, ...(values ? { values } : {}) };
    return error;
  }

  /** The same by a key of a capability's own words: `InvalidInputError.in(WORDS, 'labels.usage')`. */
  static in<E extends AppError, K extends string>(
    this: new (
      message: string,
    ) => E,
    words: Words<K>,
    key: K,
    values?: MessageValues,
  ): E {
    const error = new this(englishIn(words.en)(key, values));
    // Not enumerable: a logged or stored error carries its key and values, not the catalogue.
    error.localized = Object.defineProperty({ key, ...(values ? { values } : {}) }, 'words', {
      value: words,
      enumerable: false,
    });
    return error;
  }
}

/** Bad input from a user: the message is shown as is, nothing was changed. */
export class InvalidInputError extends AppError {
  constructor(message: string) {
    super(ErrorCode.InvalidInput, message);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(ErrorCode.NotFound, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(ErrorCode.Forbidden, message);
  }
}

/** Too many requests in the window (the request rate, access/request-rate.ts): nothing was done. */
export class RateLimitedError extends AppError {
  /** When one would be taken again. */
  retryAfterMs = 0;
  constructor(message: string) {
    super(ErrorCode.RateLimited, message);
  }
}

export class ConfigError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Config, message, options);
  }
}

/** The store (SQLite, Redis) failed: never to be mistaken for "not found". */
export class StoreUnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Store, message, options);
  }
}

/**
 * A change was sent and the provider took it (or may have), but its answer did not say what it did:
 * never reported as a failure. The message says what may have happened and how to check.
 */
export class OutcomeUnknownError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.OutcomeUnknown, message, options);
  }
}

export interface ProviderErrorDetails {
  provider: string;
  operation: string;
  httpStatus?: number;
  errorCode?: string;
  errorMessage?: string;
  requestId?: string;
}

/**
 * A provider answered with an error (or did not answer). Carries the provider's own code, message
 * and request id so Slack can explain it and an operator can quote the id to support.
 */
export class ProviderError extends AppError {
  readonly provider: string;
  readonly operation: string;
  readonly httpStatus: number | undefined;
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
  readonly requestId: string | undefined;

  constructor(code: ErrorCode, details: ProviderErrorDetails, options?: { cause?: unknown }) {
    super(code, describeProviderError(details), options);
    this.provider = details.provider;
    this.operation = details.operation;
    this.httpStatus = details.httpStatus;
    this.errorCode = details.errorCode;
    this.errorMessage = details.errorMessage;
    this.requestId = details.requestId;
  }

  /** 429, 5xx and network failures: worth retrying later, never a verdict on the resource. */
  get retryable(): boolean {
    return this.code === ErrorCode.ProviderUnavailable;
  }
}

function describeProviderError(d: ProviderErrorDetails): string {
  const status = d.httpStatus ? ` (HTTP ${d.httpStatus})` : '';
  const code = d.errorCode ? ` ${d.errorCode}` : '';
  const msg = d.errorMessage ? `: ${d.errorMessage}` : '';
  return `${d.provider} ${d.operation} failed${status}${code}${msg}`;
}

/** Classify a provider HTTP status into the error code the rest of the bot reasons about. */
export function providerErrorCodeFor(httpStatus: number | undefined): ErrorCode {
  if (httpStatus === undefined || httpStatus === 429 || httpStatus >= 500)
    return ErrorCode.ProviderUnavailable;
  if (httpStatus === 401 || httpStatus === 403) return ErrorCode.ProviderAuth;
  return ErrorCode.ProviderRequest;
}

/**
 * The connection's provider has no API for this kind of resource there (an OMS region without the
 * synchronization-task API answers its gateway's 404 APIGW.0101). Not a failure of the call: the
 * kind is absent, so lookups, lists and the watcher skip it instead of reporting an outage.
 */
export class KindNotOfferedError extends AppError {
  readonly connection: string;
  readonly kind: string;
  constructor(connection: string, kind: string, options?: { cause?: unknown }) {
    super(ErrorCode.NotOffered, english('error.kindNotOffered', { connection, kind }), options);
    this.connection = connection;
    this.kind = kind;
    this.localized = { key: 'error.kindNotOffered', values: { connection, kind } };
  }
}

export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError(ErrorCode.Internal, message, { cause: error });
}
