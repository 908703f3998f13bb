import nock from 'nock';
import { fetchTransport, PoolRegistry } from '../../src/providers/http/http-client.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { useStrictNock } from '../helpers/strict-nock.js';

/**
 * For a file whose provider answers come from nock: strict nock (every request answered by a mock,
 * every mock used unless `allowUnused`), real fetch underneath, the pools closed after the file.
 * Returns the `nock` to mock with, the deps a provider or client takes, and the log lines at `level`.
 */
export function overNock(options: { allowUnused?: boolean; level?: string; afterEach?: () => void } = {}) {
  const pools = new PoolRegistry();
  const { logger, lines } = captureLogger(options.level ?? 'fatal');
  useStrictNock({
    allowUnused: options.allowUnused,
    afterEach: options.afterEach,
    afterAll: () => pools.close(),
  });
  return { nock, deps: { pools, logger, transport: fetchTransport }, lines };
}
