import { expect } from 'vitest';
import { ProviderError } from '../../src/errors.js';

/** The `ProviderError` `promise` is rejected with (fails the test if it resolves or throws another). */
export async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}
