import { afterAll, beforeAll, expect, it } from 'vitest';
import { redisAdmin } from '../../harness/redis-admin.js';
import { type RedisTopology, startCluster, startSingle } from '../../harness/redis-topology.js';
import {
  CHANNEL,
  GiB,
  MiB,
  postsPerKey,
  type Rig,
  startRig,
  startWorld,
  TEAM,
  uniquePrefix,
  type WatchWorld,
  watchTask,
} from '../../harness/watcher-rig.js';

/**
 * Issue 50: a store 0.2.0 wrote on one Redis, moved onto a Redis Cluster by key name (what
 * `redis-cli --cluster import` and replication tools do), goes on there: on one server every key
 * keeps 0.2.0's name; on a cluster the watch records and resource sets get their hash tags, moved
 * at start-up by one replica while another starting at once waits. Copied back onto one server
 * (the way back to 0.2.0), they get 0.2.0's names again. The watches go on without a duplicate or
 * a gap. Each Redis is the test's own.
 */
let single: RedisTopology;
let back: RedisTopology;
let cluster: RedisTopology;
let world: WatchWorld;
const rigs: Rig[] = [];

beforeAll(async () => {
  [single, back, cluster] = await Promise.all([startSingle(), startSingle(), startCluster()]);
  world = await startWorld();
}, 60_000);
afterAll(async () => {
  for (const rig of rigs.splice(0)) await rig.stop();
  await world?.stop();
  await Promise.all([single?.stop(), back?.stop(), cluster?.stop()]);
});

/** Every key of `from` into `to`, with its TTL (DUMP / RESTORE, each routed by its key). */
async function copyByName(from: string, to = cluster.url): Promise<string[]> {
  const source = await redisAdmin(from);
  const target = await redisAdmin(to);
  try {
    const keys = await source.keys('*');
    const copied: string[] = [];
    for (const key of keys) {
      const [payload, ttl] = await Promise.all([
        // DUMP's payload is binary: read it as a Buffer, not as UTF-8 text.
        source.dump(key),
        source.send<number>(['PTTL', key], key),
      ]);
      // Gone since KEYS (a lease or heartbeat lapsing on a loaded machine): nothing to copy, as a
      // copy tool skips it.
      if (payload === null || ttl === -2) continue;
      await target.send(['RESTORE', key, String(Math.max(0, ttl)), payload as unknown as string], key);
      copied.push(key);
    }
    return copied;
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
}

const RENAMED = 'watch keys renamed for this Redis topology';

/** The watch records' and resource sets' keys under `prefix`, as Redis names them. */
async function watchKeysIn(url: string, prefix: string): Promise<string[]> {
  const admin = await redisAdmin(url);
  try {
    const keys = await admin.keys(`${prefix}*`);
    return keys.filter((key) => /(^|[:}])(w|resource-watches):/.test(key.slice(prefix.length)));
  } finally {
    await admin.close();
  }
}

it('watches written on one Redis go on, once each, after the store is copied onto a cluster and back', async () => {
  const prefix = uniquePrefix();
  const rig = async (storeUrl: string) => {
    const started = await startRig(world, { storeUrl, watcher: { keyPrefix: prefix } });
    rigs.push(started);
    return started;
  };
  const ok = world.oms.addTask({ name: 'ok', status: 1, totalSize: 10 * GiB, speed: 100 * MiB });
  const first = await rig(single.url);
  await watchTask(first, ok.id);
  world.clock.advance(2_000);
  await first.watcher.runCycle(); // started
  await world.provider.pause('task', ok.id);
  world.clock.advance(1_500);
  await first.watcher.runCycle(); // paused
  await first.stop();
  rigs.splice(rigs.indexOf(first), 1);

  const copied = await copyByName(single.url);
  expect(copied.length).toBeGreaterThan(3);
  // On one server no key carries a hash tag: the names are the ones 0.2.0 wrote.
  expect(copied.filter((key) => key.includes('{'))).toEqual([]);

  // Two replicas start at once: one moves the keys to their tagged names, the other waits for it.
  const onCluster = await Promise.all([rig(cluster.url), rig(cluster.url)]);
  const tagged = await watchKeysIn(cluster.url, prefix);
  expect(tagged.length).toBeGreaterThanOrEqual(2); // the record and its resource's set
  expect(tagged.filter((key) => !key.startsWith(`${prefix}{${TEAM}:hw-prod}`))).toEqual([]);
  expect(onCluster.flatMap((r) => r.logs.filter((l) => l.includes(RENAMED)))).toHaveLength(1);
  await onCluster[0]!.watcher.runCycle(); // nothing new
  for (const r of onCluster) await r.stop();
  rigs.splice(0);

  // Back onto one server (the way back to 0.2.0): this build gives the keys 0.2.0's names again.
  await copyByName(cluster.url, back.url);
  const second = await rig(back.url);
  const plain = await watchKeysIn(back.url, prefix);
  expect(plain.length).toBeGreaterThanOrEqual(2);
  expect(plain.filter((key) => key.includes('{'))).toEqual([]);
  expect(second.logs.filter((l) => l.includes(RENAMED))).toHaveLength(1);
  await second.watcher.runCycle(); // nothing new
  await world.provider.resume('task', ok.id);
  world.clock.advance(2_000);
  await second.watcher.runCycle(); // resumed
  world.clock.advance(200_000);
  await second.watcher.runCycle(); // succeeded
  await second.watcher.runCycle();

  const base = `${TEAM}:${CHANNEL}:hw-prod:task:${ok.id}`;
  const posts = Object.fromEntries(postsPerKey(world.fakeSlack));
  for (const key of ['parent', 'r1.1:started', 'r1.2:paused', 'r1.3:resumed', 'r1.4:succeeded'])
    expect(posts[`${base}:${key}`], key).toBe(1);
  expect(Object.values(posts).filter((n) => n !== 1)).toEqual([]);
}, 60_000);
