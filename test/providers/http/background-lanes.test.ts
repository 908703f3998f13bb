import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, PoolRegistry } from '../../../src/providers/http/http-client.js';
import type { CallPurpose } from '../../../src/providers/http/lanes.js';
import { until } from '../../harness/until.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * A loopback provider: `/slow` answers after `held` ms, `/down/<n>` always says 503, `/busy-once/<n>` says 503 with
 * Retry-After the first time each `n` asks. It records how many requests it was serving at once and
 * the order in which requests arrived.
 */
let server: Server;
let baseUrl: string;
let serving = 0;
let mostAtOnce = 0;
const arrivals: string[] = [];
const refused = new Set<string>();
const held = 60;

function handle(req: IncomingMessage, res: ServerResponse): void {
  arrivals.push(req.url ?? '');
  serving++;
  mostAtOnce = Math.max(mostAtOnce, serving);
  const answer = (status: number, headers: Record<string, string> = {}) => {
    serving--;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ url: req.url }));
  };
  const url = req.url ?? '';
  if (url.startsWith('/down/')) answer(503);
  else if (url.startsWith('/busy-once/') && !refused.has(url)) {
    refused.add(url);
    answer(503, { 'retry-after': '0.3' });
  } else setTimeout(() => answer(200), url.startsWith('/slow') ? held : 0);
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function clientOn(pools: PoolRegistry, purpose: CallPurpose = 'background'): HttpClient {
  return new HttpClient({
    provider: 'huawei-oms',
    purpose,
    baseUrl,
    pools,
    logger: captureLogger('fatal').logger,
    authenticate: () => undefined,
    parseError: () => ({}),
    retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 5_000 },
  });
}

const get = (client: HttpClient, path: string) => client.send({ operation: 'Get', method: 'GET', path });

function reset(): void {
  serving = 0;
  mostAtOnce = 0;
  arrivals.length = 0;
}

describe('background lanes: the watcher’s requests to one provider on the wire at once', () => {
  it('keeps background requests to a provider to its lanes, and serves them all', async () => {
    reset();
    const pools = new PoolRegistry(undefined, undefined, { backgroundRequestsPerProvider: 2 });
    const client = clientOn(pools);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => get(client, `/slow/${i}`)));
    expect(answers).toHaveLength(8);
    expect(mostAtOnce).toBe(2);
    // Served in the order they asked: the two lanes are two sockets, so the two requests that go out
    // together may reach the server in either order, but none overtakes a request asked before it by more.
    expect([...arrivals].sort()).toEqual(Array.from({ length: 8 }, (_, i) => `/slow/${i}`));
    arrivals.forEach((url, position) =>
      expect(Math.abs(Number(url.split('/')[2]) - position)).toBeLessThanOrEqual(1),
    );
    await pools.close();
  });

  it('never makes an interactive call (someone waiting on an answer) wait for those lanes', async () => {
    reset();
    const pools = new PoolRegistry(undefined, undefined, { backgroundRequestsPerProvider: 1 });
    const watcher = clientOn(pools, 'background');
    const person = clientOn(pools, 'interactive');
    const background = get(watcher, '/slow/background');
    const interactive = await Promise.all(
      Array.from({ length: 4 }, (_, i) => get(person, `/slow/interactive-${i}`)),
    );
    await background;
    expect(interactive).toHaveLength(4);
    expect(mostAtOnce).toBe(5);
    await pools.close();
  });

  it('never makes a client whose purpose is undefined wait for those lanes', async () => {
    reset();
    const pools = new PoolRegistry(undefined, undefined, { backgroundRequestsPerProvider: 1 });
    const unsaid = new HttpClient({
      provider: 'huawei-oms',
      purpose: undefined,
      baseUrl,
      pools,
      logger: captureLogger('fatal').logger,
      authenticate: () => undefined,
      parseError: () => ({}),
    });
    const background = get(clientOn(pools, 'background'), '/slow/background');
    const answers = await Promise.all(Array.from({ length: 3 }, (_, i) => get(unsaid, `/slow/unsaid-${i}`)));
    await background;
    expect(answers).toHaveLength(3);
    expect(mostAtOnce).toBe(4);
    await pools.close();
  });

  it('holds a lane only while a request is on the wire, not while it waits to retry', async () => {
    reset();
    const pools = new PoolRegistry(undefined, undefined, { backgroundRequestsPerProvider: 1 });
    const client = clientOn(pools);
    const order: string[] = [];
    const retried = get(client, '/busy-once/a').then(() => order.push('retried'));
    // Asked once the first attempt is refused: it goes out during the 300 ms Retry-After.
    await until(() => refused.has('/busy-once/a'), { what: 'the first attempt refused', everyMs: 5 });
    const other = get(client, '/slow/b').then(() => order.push('other'));
    await Promise.all([retried, other]);
    expect(order).toEqual(['other', 'retried']);
    expect(arrivals).toEqual(['/busy-once/a', '/slow/b', '/busy-once/a']);
    expect(mostAtOnce).toBe(1);
    await pools.close();
  });
});

describe('the pools’ retry policy', () => {
  it('is the retries of every client on them that sets none of its own', async () => {
    reset();
    const retry = { retries: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1_000 };
    const pools = new PoolRegistry(undefined, undefined, { retry });
    const client = new HttpClient({
      provider: 'huawei-oms',
      purpose: 'background',
      baseUrl,
      pools,
      logger: captureLogger('fatal').logger,
      authenticate: () => undefined,
      parseError: () => ({}),
    });
    await expect(get(client, '/down/a')).rejects.toThrow();
    // The first attempt and one retry (the default policy would make four attempts).
    expect(arrivals).toEqual(['/down/a', '/down/a']);
    await pools.close();
  });
});
