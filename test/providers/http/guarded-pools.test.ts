import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, PoolRegistry } from '../../../src/providers/http/http-client.js';
import { captureLogger } from '../../helpers/capture-logger.js';

// Issue 73: the provider HTTP clients of connections typed into Slack use the one endpoint rule
// (the registry hands them `pools.guarded(...)`): an endpoint at an internal address, written as
// one or a name resolving to one, is refused at the connection unless the allow-list names it.
// The connections file's connections keep the plain pools (their writer chose the endpoint).

let server: Server;
let url = '';
let heard = 0;
const root = new PoolRegistry(undefined, undefined, {
  retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
});

beforeAll(async () => {
  server = createServer((_req, res) => {
    heard++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await root.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const call = async (pools: PoolRegistry, baseUrl: string) =>
  new HttpClient({
    provider: 'test',
    baseUrl,
    pools,
    logger: captureLogger().logger,
    authenticate: () => undefined,
    parseError: () => ({}),
    purpose: 'interactive',
  })
    .send({ operation: 'Get', method: 'GET', path: '/x' })
    .then(
      (r) => r.status,
      (e: unknown) => e as Error,
    );

describe('provider pools for connections typed into Slack', () => {
  it('refuse an internal address, written or resolved, and reach it when allow-listed', async () => {
    const port = new URL(url).port;
    const guarded = root.guarded({ allowedEndpoints: [] });
    expect(await call(guarded, url)).toBeInstanceOf(Error);
    const rebound = root.guarded({
      allowedEndpoints: [],
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    expect(await call(rebound, `http://oms.eu-west-101.myhuaweicloud.com:${port}`)).toBeInstanceOf(Error);
    expect(heard).toBe(0);
    expect(await call(root.guarded({ allowedEndpoints: [url] }), url)).toBe(200);
    // The file's connections use the registry itself.
    expect(await call(root, url)).toBe(200);
    expect(heard).toBe(2);
  });
});
