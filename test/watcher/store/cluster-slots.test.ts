import { afterAll, beforeAll, expect, it } from 'vitest';
import { commandCounts, commandDelta } from '../../../bench/redis-ops.js';
import { keySlot } from '../../../src/store/key-slot.js';
import { redisAdmin } from '../../harness/redis-admin.js';
import { type RedisTopology, startCluster } from '../../harness/redis-topology.js';
import {
  GiB,
  MiB,
  type Rig,
  startRig,
  startWorld,
  uniquePrefix,
  type WatchWorld,
  watchedKey,
  watchTask,
} from '../../harness/watcher-rig.js';

/**
 * Issue 50: on a Redis Cluster the keys a cycle reads together share a hash tag (the workspace and
 * the connection), so a connection's records are one `MGET`, not one per slot: without the tag,
 * 24 watches of one connection lay in ~24 slots, and an idle cycle sent ~24 one-key `MGET`s. The
 * commands are counted on each master (`INFO commandstats`) around one idle cycle. The cluster is
 * the test's own, so nothing else counts.
 */
const WATCHES = 24;
let cluster: RedisTopology;
let world: WatchWorld;
let rig: Rig | undefined;

beforeAll(async () => {
  [cluster, world] = await Promise.all([startCluster(), startWorld()]);
}, 60_000);
afterAll(async () => {
  await rig?.stop();
  await world?.stop();
  await cluster?.stop();
});

it('reads a connection’s records in one MGET on a cluster, however many watches it has', async () => {
  const prefix = uniquePrefix();
  rig = await startRig(world, { storeUrl: cluster.url, watcher: { keyPrefix: prefix } });
  const ids: string[] = [];
  for (let i = 0; i < WATCHES; i++) {
    const task = world.oms.addTask({ name: `t${i}`, status: 1, totalSize: 10 * GiB, speed: 100 * MiB });
    ids.push(task.id);
    await watchTask(rig, task.id);
  }
  // Settle: cards posted, `started` said; then the cycle under count has nothing new to say.
  // On a loaded machine the posts may take more cycles to go out: until a cycle finds nothing
  // waiting and nothing new (at least 3, at most 12).
  for (let i = 0; i < 12; i++) {
    world.clock.advance(2_000);
    const settling = await rig.watcher.runCycle();
    if (i >= 2 && settling?.outboxDepth === 0 && settling.events === 0) break;
  }
  const before = await commandCounts(cluster.url);
  const report = await rig.watcher.runCycle();
  const { byCommand } = commandDelta(before, await commandCounts(cluster.url));
  expect(report?.polled).toBe(1);
  // One MGET for the connection's 24 records (the cycle's other reads are single keys).
  expect(byCommand.mget ?? 0).toBe(1);
  expect(byCommand.get ?? 0).toBeLessThan(WATCHES / 2);

  // Each record is where its tag puts it: every one in the slot of `{<team>:<connection>}`.
  const admin = await redisAdmin(cluster.url);
  try {
    const stored = (await admin.keys(`${prefix}*`)).filter((key) => key.includes('w:'));
    expect(stored).toHaveLength(WATCHES);
    expect(new Set(stored.map(keySlot)).size).toBe(1);
    expect(stored).toContain(`${prefix}{T0FAKE001:hw-prod}${watchedKey(ids[0]!)}`);
  } finally {
    await admin.close();
  }
}, 90_000);
