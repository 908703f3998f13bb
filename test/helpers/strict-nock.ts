import nock from 'nock';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/**
 * The one way a test file uses nock: no real connection leaves the process, and every interceptor a
 * test declares must be used by that test (an unused fixture means the code under test skipped a
 * request it should have made). `allowUnused` is for tests that declare alternatives on purpose.
 */
export function useStrictNock(
  options: { afterEach?: () => void; afterAll?: () => Promise<void> | void; allowUnused?: boolean } = {},
): void {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    options.afterEach?.();
    if (!options.allowUnused) expect(pending, 'every fixture must be used').toEqual([]);
  });
  afterAll(async () => {
    nock.enableNetConnect();
    // Files share a worker's process: left active, nock keeps replacing http.request under the
    // next file's clients, bypassing their agents (the outbound endpoint rule lives there).
    nock.restore();
    await options.afterAll?.();
  });
}
