import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../dev/simulators/kit.js';
import type { HuaweiOmsProvider } from '../../../src/providers/huawei-oms/index.js';
import type { CycleReport } from '../../../src/watcher/poll-cycle.js';
import { latency } from '../../harness/latency.js';
import { until } from '../../harness/until.js';
import {
  CHANNEL,
  cleanRedis,
  GiB,
  MiB,
  postsPerKey,
  REDIS_URL,
  type Rig,
  startRig,
  startWorld,
  TEAM,
  uniquePrefix,
  type WatchWorld,
  watchTask,
} from '../../harness/watcher-rig.js';

let world: WatchWorld;
let provider: HuaweiOmsProvider;
let prefix: string;
const rigs: Rig[] = [];

beforeEach(async () => {
  world = await startWorld();
  provider = world.provider;
  prefix = uniquePrefix();
});
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
  await world.stop();
  await cleanRedis(prefix);
});

async function replica(leaseMs: number): Promise<Rig> {
  const r = await startRig(world, { storeUrl: REDIS_URL, watcher: { keyPrefix: prefix, leaseMs } });
  rigs.push(r);
  return r;
}

/** Six tasks: three succeed, three fail; some are paused and resumed on the way (seeded). */
async function scenario(
  replicas: Rig[],
  staggerMs = 0,
): Promise<{ reports: (CycleReport | undefined)[][]; expected: number }> {
  const random = seededRandom(7);
  // Replica i starts its cycle i × stagger ms after the first (0: all at once).
  const cycleAll = () =>
    Promise.all(
      replicas.map((r, i) =>
        (i === 0 || staggerMs === 0 ? Promise.resolve() : latency(i * staggerMs)).then(() =>
          r.watcher.runCycle(),
        ),
      ),
    );
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const task = world.oms.addTask({
      name: `replicated-${i}`,
      status: 1,
      totalSize: 4 * GiB,
      speed: 50 * MiB,
      ...(i % 2 === 1 ? { failAt: 0.6, failCode: 'TRF.0004' } : {}),
    });
    ids.push(task.id);
    await watchTask(replicas[i % replicas.length]!, task.id);
  }
  const reports: (CycleReport | undefined)[][] = [];
  for (let step = 0; step < 40; step++) {
    world.clock.advance(2_000);
    for (const id of ids) {
      const state = world.oms.task(id)!.status;
      if (state === 2 && random() < 0.08) await provider.pause('task', id);
      else if (state === 3 && random() < 0.5) await provider.resume('task', id);
    }
    reports.push(await cycleAll());
  }
  for (const id of ids) if (world.oms.task(id)!.status === 3) await provider.resume('task', id);
  for (let step = 0; step < 10; step++) {
    world.clock.advance(30_000);
    reports.push(await cycleAll());
  }
  const terminal = ids.filter((id) => [4, 5].includes(world.oms.task(id)!.status));
  expect(terminal.length).toBe(6);
  return { reports, expected: ids.length };
}

describe('two replicas on one Redis', () => {
  it('one replica polls per cycle and every transition is posted once', async () => {
    const replicas = [await replica(5_000), await replica(5_000)];
    const { reports } = await scenario(replicas);
    const polled = reports.map((cycle) => cycle.reduce((n, r) => n + (r?.polled ?? 0), 0));
    // Never two replicas on the connection in one cycle. A cycle may have none: when the fair share
    // moves the connection (the replica that ranks first joined the count after the other took it),
    // its holder releases it at its turn while the other, polling at the same moment, found it still
    // held; the other takes it at its next cycle (seen once in 50 on a loaded machine).
    expect(polled.filter((n) => n > 1)).toEqual([]);
    expect(polled.filter((n) => n === 0).length).toBeLessThanOrEqual(2);
    const counts = postsPerKey(world.fakeSlack);
    console.log(
      `[watcher] 2 replicas on Redis: ${reports.length} cycles, ${counts.size} notifications (parent cards and transitions), ` +
        `posts per notification: ${Math.min(...counts.values())} to ${Math.max(...counts.values())}`,
    );
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const events = [...counts.keys()].map((k) => k.slice(k.lastIndexOf(':') + 1));
    expect(events.filter((e) => e === 'parent').length).toBe(6);
    expect(events.filter((e) => e === 'started').length).toBe(6);
    expect(events.filter((e) => e === 'succeeded').length).toBe(3);
    expect(events.filter((e) => e === 'failed').length).toBe(3);
    expect(events.filter((e) => e === 'paused').length).toBe(events.filter((e) => e === 'resumed').length);
  });

  it('still posts once when replicas poll the same watches at the same time (leases lapsing mid-cycle)', async () => {
    // A 1 ms lease lapses while its holder is still polling, so the next replica (2 ms later) polls
    // the same watches concurrently: only compare-and-set keeps the notifications single.
    const replicas = [await replica(1), await replica(1), await replica(1)];
    const { reports } = await scenario(replicas, 2);
    const both = reports.filter((cycle) => cycle.reduce((n, r) => n + (r?.polled ?? 0), 0) > 1).length;
    console.log(
      `[watcher] cycles where several replicas polled the same watches: ${both} of ${reports.length}`,
    );
    expect(both).toBeGreaterThan(0); // the race really happened
    expect([...postsPerKey(world.fakeSlack).values()].every((n) => n === 1)).toBe(true);
  });

  it('a replica that stops answering hands its connection over within one lease period', async () => {
    const leaseMs = 600;
    const [a, b] = [await replica(leaseMs), await replica(leaseMs)];
    const task = world.oms.addTask({ name: 'handover', status: 1, speed: 10 * MiB });
    await watchTask(a!, task.id);
    const aStarted = Date.now();
    expect((await a!.watcher.runCycle())?.polled).toBe(1);
    // `a` goes silent (no more cycles, lease not released); `b` takes over once the lease lapses.
    // `a` took its lease after `aStarted` and before `silentSince`, so it lapses in between those
    // plus one lease period. Asserted on which cycles polled, not on how long a cycle took (a busy
    // machine makes cycles slow, never early or late in that order).
    const silentSince = Date.now();
    world.clock.advance(2_000);
    const cycles: { started: number; ended: number; polled: number }[] = [];
    const tookOverOrLapsed = async () => {
      const started = Date.now();
      const polled = (await b!.watcher.runCycle())?.polled ?? 0;
      cycles.push({ started, ended: Date.now(), polled });
      return polled > 0 || started >= silentSince + leaseMs;
    };
    await until(tookOverOrLapsed, {
      what: 'a takeover',
      everyMs: 25,
      checks: 1_000,
      timeoutMs: 60_000,
    }).catch(() => {});
    const takeover = cycles.at(-1)!;
    console.log(
      `[watcher] handover after a replica went silent: ${takeover.ended - silentSince} ms (lease ${leaseMs} ms)`,
    );
    // Never while `a` may still hold the lease…
    expect(cycles.filter((c) => c.ended < aStarted + leaseMs && c.polled > 0)).toEqual([]);
    // …and at the latest in the first cycle that began after it had surely lapsed.
    expect(takeover.polled).toBe(1);
    expect(postsPerKey(world.fakeSlack).get(`${TEAM}:${CHANNEL}:hw-prod:task:${task.id}:r1.1:started`)).toBe(
      1,
    );
  });
});
