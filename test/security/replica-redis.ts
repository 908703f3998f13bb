import { afterAll, beforeAll } from 'vitest';
import type { Connection } from '../../src/connections/connection.js';
import { omsConnection, TestBot } from '../harness/test-bot.js';
import { TestClock } from '../harness/test-clock.js';

/**
 * A Redis database of its own (1–15, its worker's) for a test whose replicas share one store,
 * so that tests running side by side on the same Redis do not meet; and the clean-up of its keys.
 */
export function replicaRedisUrl(): string {
  const base = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  // Files running at once run in different workers, so the worker's number keeps their databases
  // apart: picked at random, two files met one time in fifteen and shared their replicas' leases
  // and their jobs' claims (an approval post or a plan's gate never came).
  const worker = Number(process.env.VITEST_POOL_ID);
  const db = worker > 0 ? 1 + ((worker - 1) % 15) : 1 + Math.floor(Math.random() * 15);
  base.pathname = `/${db}`;
  return base.toString();
}

/**
 * Deletes every key of `url` whose name contains `marker` (bounded: SCAN in batches of 500); in a
 * worker's own database, every key.
 */
export async function dropRedisKeys(url: string, marker: string): Promise<void> {
  const { createClient } = await import('@redis/client');
  const client = createClient({ url });
  await client.connect();
  try {
    // The worker's own database: what the file's bots wrote that names no marker (the replicas'
    // registry and leases, the jobs' claims) would meet the worker's next file, so all of it goes.
    if (Number(process.env.VITEST_POOL_ID) > 0 && new URL(url).pathname !== '/') {
      await client.flushDb();
      return;
    }
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `*${marker}*`, COUNT: 500 })) keys.push(...batch);
    if (keys.length > 0) await client.del(keys);
  } finally {
    await client.close();
  }
}

type StartOptions = NonNullable<Parameters<TestBot['start']>[0]>;

/**
 * Two replicas on one Redis database of the worker's own: bots `a` and `b`, `b` on `a`'s fake
 * Slack and `a`'s OMS simulator, started one after the other before the suite (`each(i)` adds
 * replica i's clock and watcher options) and stopped after it, the keys naming `marker` dropped.
 */
export function replicaPair(o: {
  marker: string;
  connections: (omsUrl: string) => Connection[];
  env?: Record<string, string>;
  each?: (replica: 0 | 1) => Omit<StartOptions, 'env' | 'connections'>;
  timeoutMs?: number;
}) {
  const storeUrl = replicaRedisUrl();
  const a = new TestBot();
  const b = new TestBot();
  beforeAll(async () => {
    const env = { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0', ...o.env };
    await a.start({ env, connections: o.connections, ...o.each?.(0) });
    await b.start({
      env: { ...env, SLACK_API_URL: a.fakeSlack.apiUrl },
      connections: () => o.connections(a.oms.url),
      ...o.each?.(1),
    });
  }, o.timeoutMs);
  afterAll(async () => {
    await Promise.allSettled([a.stop(), b.stop()]);
    await dropRedisKeys(storeUrl, o.marker);
  });
  return { a, b, storeUrl };
}

/**
 * Two replicas, each on a clock of its own, on one OMS connection named for `tag` and the time
 * (its keys dropped after), with `operators` (by display name) granted operate before the suite.
 */
export function operatorReplicas(tag: string, operators: Record<string, string>) {
  const connection = `hw-${tag}-${Date.now().toString(36)}`;
  const { a, b } = replicaPair({
    marker: connection,
    connections: (url) => [omsConnection(connection, url)],
    each: () => ({ watcher: { clock: new TestClock() } }),
  });
  beforeAll(async () => {
    for (const [name, user] of Object.entries(operators))
      await a.ask(`access grant <@${user}|${name}> operator`);
  });
  return { a, b, connection };
}
