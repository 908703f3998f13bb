import { AppError, ErrorCode, ProviderError } from '../../errors.js';
import { currentRequest, withinRequest } from '../../request-scope.js';

/** Told of every provider request once it ends (retries included): the bot's metrics. */
export type ProviderCallObserver = (call: {
  provider: string;
  operation: string;
  ms: number;
  /** The error code when the request failed. */
  error?: string;
  /** The provider's documented "not found" (HTTP 404) answered an id lookup: no error. */
  notFound?: boolean;
}) => void;

/**
 * Runs `work` as an id lookup: asking each kind of each connection for an id until one has it
 * (resolve-resource.ts). There, the provider's documented "not found" (HTTP 404, the same for
 * every provider in the seeds) is the expected answer of every kind but one, not a provider error.
 */
export function asLookup<T>(work: () => Promise<T>): Promise<T> {
  return withinRequest({ lookup: true }, work);
}

/** How a failed request is observed: its error code, or `notFound` for a lookup's 404. */
export function failedCall(error: unknown): { error?: string; notFound?: boolean } {
  if (currentRequest()?.lookup && error instanceof ProviderError && error.httpStatus === 404)
    return { notFound: true };
  return { error: error instanceof AppError ? error.code : ErrorCode.Internal };
}
