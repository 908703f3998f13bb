import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalAtomicKv } from '../../../src/store/atomic-kv.js';
import { createStore, type Store } from '../../../src/store/create-store.js';
import { instrumentStore } from '../../../src/store/instrument-store.js';
import { RedisAtomicKv } from '../../../src/store/redis-atomic-kv.js';
import { emptyDeliveryStats } from '../../../src/watcher/outbox/outbox-settings.js';
import { PostPacer } from '../../../src/watcher/outbox/post-pacer.js';
import { Leases } from '../../../src/watcher/records/lease.js';
import { ReplicaRegistry } from '../../../src/watcher/records/replica-registry.js';
import type { OutboxEntry } from '../../../src/watcher/records/watch-store.js';
import { DEFAULT_POST_PACE } from '../../../src/watcher/watcher-options.js';
import { TestClock } from '../../harness/test-clock.js';
import { until } from '../../harness/until.js';
import {
  cleanRedis,
  GiB,
  MiB,
  REDIS_URL,
  type Rig,
  startRig,
  startWorld,
  uniquePrefix,
  type WatchWorld,
  watchTask,
} from '../../harness/watcher-rig.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * The replicas' shared state through the store itself (Redis), one cycle at a time: the fast
 * companion of the process tests in replicas-balance.test.ts.
 */
const NAMES = Array.from({ length: 12 }, (_, i) => `conn:*/c${i}`);
let prefix: string;
const backends: RedisAtomicKv[] = [];

beforeEach(() => {
  prefix = uniquePrefix();
});
afterEach(async () => {
  for (const b of backends.splice(0)) await b.close();
  await cleanRedis(prefix);
});

async function redis(): Promise<RedisAtomicKv> {
  const backend = await RedisAtomicKv.connect(REDIS_URL, prefix, captureLogger('fatal').logger);
  backends.push(backend);
  return backend;
}

async function replica(name: string, leaseMs = 10_000, clock = new TestClock()): Promise<Leases> {
  const backend = await redis();
  return new Leases(backend, name, leaseMs, clock, new ReplicaRegistry(backend, name, leaseMs));
}

/**
 * One cycle of `leases`: the plan, then each connection's turn and, when held, its poll (`polled`),
 * one after another or (`side by side`, as a cycle polls several connections at once) all
 * together; resolves with those it polls.
 */
async function cycle(leases: Leases, sideBySide = false, names = NAMES): Promise<string[]> {
  await leases.plan(names);
  const turn = async (name: string) => {
    if (!(await leases.hold(name))) return false;
    await leases.polled(name);
    return true;
  };
  if (sideBySide) {
    const held = await Promise.all(names.map(turn));
    return names.filter((_, i) => held[i]);
  }
  const polled: string[] = [];
  for (const name of names) if (await turn(name)) polled.push(name);
  return polled;
}

/**
 * Runs `step` (one cycle of each live replica) every 50 ms until it says done, at most `max`
 * times. The leases lapse on Redis's clock, so the steps run in real time; what a test asserts is
 * the order of what they see, never how long it took.
 */
async function stepsEvery50ms(step: () => Promise<boolean>, max: number): Promise<void> {
  await until(step, { what: 'done', everyMs: 50, checks: max, timeoutMs: max * 1_000 }).catch(() => {});
}

/**
 * Those of `names` whose lease is gone from the store now (lapsed on Redis's clock), read
 * through `probe` (a connection of no replica's).
 */
async function lapsed(probe: RedisAtomicKv, names: readonly string[]): Promise<string[]> {
  const holders = await Promise.all(names.map((n) => probe.get(`lease:${n}`)));
  return names.filter((_, i) => holders[i] === undefined);
}

describe('fair-share leases on Redis', () => {
  it('a replica that joins gets half the connections within two cycles, none polled twice', async () => {
    const [a, b] = [await replica('a'), await replica('b')];
    expect((await cycle(a)).length).toBe(12);
    const rounds: { a: string[]; b: string[] }[] = [];
    for (let i = 0; i < 3; i++) rounds.push({ b: await cycle(b), a: await cycle(a) });
    console.log(
      `[leases] a/b per cycle after b joined: ${rounds.map((r) => `${r.a.length}/${r.b.length}`).join(', ')}`,
    );
    for (const r of rounds) expect(r.a.filter((n) => r.b.includes(n))).toEqual([]);
    expect(rounds[1]).toMatchObject({ a: { length: 6 }, b: { length: 6 } });
    expect(rounds[2]).toMatchObject({ a: { length: 6 }, b: { length: 6 } });
    expect(a.balance).toEqual({ replicas: 2, share: 6 });
  });

  it('a joiner polling its connections side by side is not starved by the leases others keep', async () => {
    const [a, b] = [await replica('a'), await replica('b')];
    expect((await cycle(a, true)).length).toBe(12);
    const rounds: { a: number; b: number }[] = [];
    for (let i = 0; i < 3; i++)
      rounds.push({ b: (await cycle(b, true)).length, a: (await cycle(a, true)).length });
    console.log(
      `[leases] side by side, a/b per cycle after b joined: ${rounds.map((r) => `${r.a}/${r.b}`).join(', ')}`,
    );
    expect(rounds.slice(1)).toEqual([
      { a: 6, b: 6 },
      { a: 6, b: 6 },
    ]);
  });

  it('1 → 4 → 3: every replica within 0.5–1.5× its fair share two rounds after a join or a leave', async () => {
    // 10 connections: ceil(10 ÷ 4) = 3 would let three replicas take 9 and leave the fourth 1.
    const names = NAMES.slice(0, 10);
    const [a, b, c, d] = [await replica('a'), await replica('b'), await replica('c'), await replica('d')];
    expect((await cycle(a, true, names)).length).toBe(10);
    const round = async (rs: Leases[]) => {
      const polled = [];
      for (const r of rs) polled.push(await cycle(r, true, names));
      return polled;
    };
    const check = (polled: string[][], label: string) => {
      const fair = names.length / polled.length;
      console.log(`[leases] ${label}: ${polled.map((p) => p.length).join(' + ')} (fair ${fair})`);
      for (const p of polled) {
        expect(p.length).toBeGreaterThanOrEqual(0.5 * fair);
        expect(p.length).toBeLessThanOrEqual(1.5 * fair);
      }
      // Each connection polled, and by one replica only.
      expect(polled.flat().sort()).toEqual([...names].sort());
    };
    // The joiners' first round finds everything held by a, which then releases beyond its share.
    await round([b, c, d, a]);
    for (let i = 0; i < 2; i++) check(await round([b, c, d, a]), `1 → 4, round ${i + 2}`);
    await c.releaseAll();
    await round([a, b, d]);
    for (let i = 0; i < 2; i++) check(await round([a, b, d]), `4 → 3, round ${i + 2}`);
  });

  it('survivors take a dead replica’s connections once its heartbeat and leases lapse', async () => {
    const leaseMs = 300;
    const [a, b, c] = [await replica('a', leaseMs), await replica('b', leaseMs), await replica('c', leaseMs)];
    for (let i = 0; i < 3; i++) for (const r of [a, b, c]) await cycle(r);
    expect([a.heldCount, b.heldCount, c.heldCount]).toEqual([4, 4, 4]);
    // c stops (no release): the store's own time lapses its heartbeat and leases, while a and b
    // go on cycling every 50 ms. "Within a lease and an interval" is an order here, not a measured
    // time: a connection whose lease was gone when a step began is polled by a survivor in that
    // step or the next (c's announcement may outlast the lease by the few ms its write took).
    // Never later.
    const cs = NAMES.filter((n) => !a.holding(n) && !b.holding(n));
    const probe = await redis();
    const covered = new Set<string>();
    const missed: string[] = [];
    let last: string[][] = [];
    let after = 0;
    let waiting: string[] = [];
    await stepsEvery50ms(async () => {
      const gone = (await lapsed(probe, cs)).filter((n) => !covered.has(n));
      last = [await cycle(a), await cycle(b)];
      for (const n of last.flat()) if (cs.includes(n)) covered.add(n);
      missed.push(...waiting.filter((n) => !covered.has(n)));
      waiting = gone.filter((n) => !covered.has(n));
      // Four more steps once all are covered: the shares stay put.
      return covered.size === cs.length && ++after > 4;
    }, 40);
    console.log(
      `[leases] a dead replica's connections polled again: ${covered.size} of ${cs.length} (lease ${leaseMs} ms)`,
    );
    expect(missed).toEqual([]);
    expect([...covered].sort()).toEqual([...cs].sort());
    expect(last.map((p) => p.length)).toEqual([6, 6]);
    expect(last[0]!.filter((n) => last[1]!.includes(n))).toEqual([]);
  });

  it('a replica that dies mid-cycle is counted out no later than its first lease lapses', async () => {
    // An announcement lasts until the earliest lease lapses but at least a third of the lease: with
    // 600 ms, a slow setup (a Sentinel run) left that lease under 200 ms at the mid-cycle
    // announcement, which then outlived it. 1,200 ms leaves 400 ms of margin above that third.
    const leaseMs = 1_200;
    const clock = new TestClock();
    const [a, c] = [await replica('a', leaseMs), await replica('c', leaseMs, clock)];
    for (let i = 0; i < 3; i++) for (const r of [a, c]) await cycle(r);
    const mine = NAMES.filter((n) => c.holding(n));
    expect(mine.length).toBe(6);
    // c's last cycle: its first connection, then one more after a third of the lease (announced
    // again on the way, so c still counts as live when that first lease lapses), and then it dies.
    await c.plan(NAMES);
    expect(await c.hold(mine[0]!)).toBe(true);
    await sleep(250);
    clock.advance(250);
    await c.hold(mine[1]!);
    // As an order, not a measured time: the first or second step of a that begins with the first
    // lease gone on Redis's clock takes that connection (c's announcement ends a twentieth of the
    // lease before it, room for its own write's way to the store: without it, it outlasted the
    // lease by that write's latency, and a loaded Sentinel run missed a step), though c's
    // announcement of 250 ms later was made after the first lease.
    const probe = await redis();
    let taken = false;
    let missed = 0;
    let gone = 0;
    await stepsEvery50ms(async () => {
      if ((await lapsed(probe, [mine[0]!])).length > 0) gone++;
      taken = (await cycle(a)).includes(mine[0]!);
      if (gone > 1 && !taken) missed++;
      return taken;
    }, 60);
    console.log(
      `[leases] died mid-cycle: its first connection polled again by a (${missed} steps missed it)`,
    );
    expect(taken).toBe(true);
    expect(missed).toBe(0);
  });

  it('a replica killed between its turn and its poll frees the connection a lease period after its last poll', async () => {
    // A turn extends a kept lease when less than half of it is left (a cycle running late); the
    // pause keeps the probe's reference lease 1 s after c's. Both margins are 1 s: a loaded
    // machine's stall would have to exceed it to extend c's leases legitimately (2 s left), or to
    // read the reference after it lapsed (the lapse order seen late).
    const leaseMs = 4_000;
    const [a, c] = [await replica('a', leaseMs), await replica('c', leaseMs)];
    for (let i = 0; i < 3; i++) for (const r of [a, c]) await cycle(r);
    const mine = NAMES.filter((n) => c.holding(n));
    // c's last poll of its connections: the lease runs a period from here.
    for (const n of mine) await c.polled(n);
    // Its next cycle: each connection's turn comes, and c dies before any poll. A lease of the
    // probe's own, taken between the poll and those turns, shows what the turns did to c's leases
    // by the order in which they lapse (Redis's clock, no measured time): had they extended them,
    // c's would lapse after it.
    await sleep(1_000);
    const probe = await redis();
    expect(await probe.acquireLease('lease:probe-reference', 'probe', leaseMs)).toBe(true);
    await c.plan(NAMES);
    for (const n of mine) expect(await c.hold(n)).toBe(true);
    await until(async () => (await lapsed(probe, mine)).length === mine.length, {
      what: "c's leases lapsing",
      everyMs: 5,
      timeoutMs: 10 * leaseMs,
    });
    expect(await probe.get('lease:probe-reference')).toBe('probe');
    // And a takes each in its first step that begins with it gone (they all are by now), or the
    // next: c's announcement may outlast its leases by the few ms its write took.
    const taken = new Set<string>();
    const missed: string[] = [];
    let waiting: string[] = [];
    await stepsEvery50ms(async () => {
      const gone = (await lapsed(probe, mine)).filter((n) => !taken.has(n));
      for (const n of await cycle(a)) taken.add(n);
      missed.push(...waiting.filter((n) => !taken.has(n)));
      waiting = gone.filter((n) => !taken.has(n));
      return mine.every((n) => taken.has(n));
    }, 60);
    console.log(`[leases] killed after its turns: its connections polled again by a: ${taken.size}`);
    expect(missed).toEqual([]);
    expect(mine.filter((n) => !taken.has(n))).toEqual([]);
  });

  it('a cycle longer than a third of the lease announces the replica again on the way', async () => {
    // The announcements lapse on Redis's clock, so this waits for real: a lease long enough that
    // a loaded machine (CI stretched a 400 ms sleep past a 200 ms margin once) keeps 800 ms slack.
    const leaseMs = 2_400;
    const clock = new TestClock();
    const a = await replica('a', leaseMs, clock);
    const announced = async () => {
      const client = await redis();
      const members = await client.heartbeat('replicas', 'probe', 1);
      return members.includes('a');
    };
    await a.plan(NAMES);
    // The cycle goes on: 1,000 ms (over a third of the lease) on both clocks, between two connections.
    await sleep(1_000);
    clock.advance(1_000);
    await a.hold(NAMES[0]!);
    await sleep(1_600);
    // 2,600 ms after the plan's announcement (2,400 ms): still there, announced again mid-cycle.
    expect(await announced()).toBe(true);
  });

  it('a clean stop hands everything over at the others’ next cycle', async () => {
    const [a, b] = [await replica('a'), await replica('b')];
    for (let i = 0; i < 3; i++) for (const r of [a, b]) await cycle(r);
    await b.releaseAll();
    expect((await cycle(a)).length).toBe(12);
  });

  it('one process (the embedded store) keeps the simple path: every connection is its own', async () => {
    const store: Store = await createStore('memory://', captureLogger('fatal').logger);
    try {
      const leases = new Leases(new LocalAtomicKv(store, 'w:'), 'solo', 10_000, new TestClock());
      expect((await cycle(leases)).length).toBe(12);
      expect(leases.balance.share).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});

const entry = (n: number): OutboxEntry => ({
  key: `post-${n}`,
  type: 'reply',
  teamId: 'T1',
  channel: `C${n}`,
  createdAt: 0,
  attempts: 0,
});

describe('Slack back-pressure per workspace on Redis', () => {
  const settings = { postPace: DEFAULT_POST_PACE, recoveryProbeMs: 30_000 } as never;

  it('a 429 one replica saw holds the others until its Retry-After', async () => {
    const clock = new TestClock();
    const [one, two] = [
      new PostPacer(await redis(), settings, emptyDeliveryStats(), clock),
      new PostPacer(await redis(), settings, emptyDeliveryStats(), clock),
    ];
    expect(await two.slot(entry(1))).toBe(true);
    one.pause('T1', 5_000);
    await one.settled();
    expect(await two.slot(entry(2))).toBe(false);
    expect(two.paused('T1')).toBe(true);
    clock.advance(5_001);
    expect(await two.slot(entry(3))).toBe(true);
  });

  it('a post waiting for its pace window does not go out if Slack told another replica to wait meanwhile', async () => {
    const clock = new TestClock();
    // A channel window of 30 s on the test clock: its counter lives on Redis for the window and a
    // second, so a loaded machine's stall between the two slots (a 1 s window lapsed on a
    // Cluster run) cannot free the window the test needs spent.
    const pace = { ...DEFAULT_POST_PACE, perChannel: { windowMs: 30_000, max: 1 }, maxWaitMs: 60_000 };
    const paced = { postPace: pace, recoveryProbeMs: 30_000 } as never;
    const [one, two] = [
      new PostPacer(await redis(), paced, emptyDeliveryStats(), clock),
      new PostPacer(await redis(), paced, emptyDeliveryStats(), clock),
    ];
    expect(await two.slot(entry(1))).toBe(true);
    // The same channel again at once: its window (1 per second) is spent, so the slot waits for
    // the next one; the clock's wait is where the 429 lands.
    const clockSleep = clock.sleep.bind(clock);
    clock.sleep = async (ms) => {
      one.pause('T1', 30_000);
      await one.settled();
      await clockSleep(ms);
    };
    expect(await two.slot(entry(1))).toBe(false);
  });

  it('after an outage, one probe for the workspace, whichever replica tries', async () => {
    const clock = new TestClock();
    const pacers = [
      new PostPacer(await redis(), settings, emptyDeliveryStats(), clock),
      new PostPacer(await redis(), settings, emptyDeliveryStats(), clock),
    ];
    const backedOff = (n: number) => ({
      ...entry(n),
      notBefore: clock.now() + 60_000,
      failedAt: clock.now(),
    });
    const tries = [];
    for (const [i, p] of pacers.entries()) tries.push(p.due(backedOff(i)) && (await p.slot(backedOff(i))));
    expect(tries.filter(Boolean).length).toBe(1);
  });

  it('a failure’s reservation of the workspace budget holds the other replicas’ posts', async () => {
    const clock = new TestClock();
    const tight = {
      ...DEFAULT_POST_PACE,
      perWorkspace: { spanMs: 60_000, slotMs: 2_000, max: 1, failuresMax: 1 },
    };
    const pace = { postPace: tight, recoveryProbeMs: 30_000 } as never;
    const [one, two] = [
      new PostPacer(await redis(), pace, emptyDeliveryStats(), clock),
      new PostPacer(await redis(), pace, emptyDeliveryStats(), clock),
    ];
    expect(await one.slot(entry(1))).toBe(true);
    // A failure finds the budget spent: the workspace's next slot is reserved for it.
    expect(await one.slot(entry(2), clock.now(), true)).toBe(false);
    expect(one.failuresRetryAt()).toBeDefined();
    await one.settled();
    clock.advance(60_000);
    expect(await two.slot(entry(3))).toBe(false);
    one.failuresOut();
    await one.settled();
    expect(await two.slot(entry(4))).toBe(true);
  });
});

describe('a replica reads only the connections it holds', () => {
  let world: WatchWorld;
  const rigs: Rig[] = [];
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    for (const r of rigs.splice(0)) await r.stop();
    await world.stop();
  });

  /** A replica on Redis whose state operations (`state.getMany`, …) are counted in `ops`. */
  async function counted(holder: string, ops: string[]): Promise<Rig> {
    const store = instrumentStore(await createStore(REDIS_URL, captureLogger('fatal').logger), (op) => {
      ops.push(op);
    });
    const rig = await startRig(world, { storeUrl: REDIS_URL, store, watcher: { keyPrefix: prefix, holder } });
    rigs.push(rig);
    rigs.push({ ...rig, stop: () => store.close() });
    return rig;
  }

  it('the watch records of a connection leased elsewhere are not read', async () => {
    const aOps: string[] = [];
    const bOps: string[] = [];
    const [a, b] = [await counted('a', aOps), await counted('b', bOps)];
    for (let i = 0; i < 5; i++) {
      const task = world.oms.addTask({ name: `read-${i}`, status: 1, totalSize: 4 * GiB, speed: MiB });
      await watchTask(a, task.id);
    }
    expect((await a.watcher.runCycle())?.polled).toBe(1);
    aOps.length = 0;
    await a.watcher.runCycle();
    // b's first cycle: a holds the only connection, so b polls nothing and reads no record of it.
    bOps.length = 0;
    const report = await b.watcher.runCycle();
    expect(report).toMatchObject({ polled: 0, leasedElsewhere: 1 });
    const reads = (ops: string[]) => ops.filter((op) => op === 'state.getMany').length;
    console.log(`[leases] record reads per cycle: holder ${reads(aOps)}, the other replica ${reads(bOps)}`);
    expect(reads(aOps)).toBeGreaterThan(0);
    expect(reads(bOps)).toBe(0);
  });
});
