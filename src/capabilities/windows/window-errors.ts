import {
  ErrorCode,
  ForbiddenError,
  InvalidInputError,
  KindNotOfferedError,
  NotFoundError,
  ProviderError,
} from '../../errors.js';

/** The provider no longer knows it (the watcher reads a 404 the same way, `observe.ts`). */
export function isGone(error: unknown): boolean {
  return error instanceof NotFoundError || (error instanceof ProviderError && error.httpStatus === 404);
}

/**
 * A refusal that asking again would not change: gone, refused by the provider (a 4xx such as
 * OMS.0066), by the policy, or by the resource's state. Anything else (a 5xx, a timeout, the
 * network, credentials, the store) leaves it held, to be tried again: nothing held may be lost.
 */
export function isFinal(error: unknown): boolean {
  if (error instanceof ProviderError) return error.code === ErrorCode.ProviderRequest;
  return (
    error instanceof NotFoundError ||
    error instanceof InvalidInputError ||
    error instanceof ForbiddenError ||
    error instanceof KindNotOfferedError
  );
}
