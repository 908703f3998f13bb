import { HttpClient, type PoolRegistry } from '../../src/providers/http/http-client.js';
import { captureLogger } from '../helpers/capture-logger.js';

/**
 * One `GET /x` at `baseUrl` through `pools`, sent as a provider client sends it (no sign-in, any
 * error body ignored): for tests of what the pools let through, not of a provider.
 */
export function probe(pools: PoolRegistry, baseUrl: string) {
  return new HttpClient({
    provider: 'test',
    baseUrl,
    pools,
    logger: captureLogger().logger,
    authenticate: () => undefined,
    parseError: () => ({}),
    purpose: 'interactive',
  }).send({ operation: 'Get', method: 'GET', path: '/x' });
}
