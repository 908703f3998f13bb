import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AtomicKv } from '../../src/store/atomic-kv.js';
import { RedisAtomicKv } from '../../src/store/redis-atomic-kv.js';
import type { Clock } from '../../src/watcher/clock.js';
import { Leases } from '../../src/watcher/lease.js';
import { ReplicaRegistry } from '../../src/watcher/replica-registry.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../harness/watcher-rig.js';
import { captureLogger } from '../helpers/capture-logger.js';

/**
 * A 1 → 4 join at the bench's scale (100 connections over 3 providers, interval 10 s, lease 30 s),
 * played on a simulated clock: every replica runs the poll cycle's shape (list the watch keys,
 * `plan`, 4 lanes per provider each taking the next connection's `hold`, a held one polled for a
 * while, then the delivery pass) at each multiple of the interval unless its last cycle still
 * runs, one step at a time in the simulated clock's order, so the interleaving is the same on
 * every run and on any machine. The leases are on Redis (they never lapse here: each is extended
 * within 30 s); the announcements are kept on the simulated clock exactly as the heartbeat script
 * keeps them on Redis's, since their lapsing is what this is about.
 */
const INTERVAL_MS = 10_000;
const LEASE_MS = 30_000;
const LANES = 4;
/** The connections' lease names, per provider in the order a cycle polls them (not sorted). */
const CONNECTIONS = Object.entries({ oms: 34, ncp: 33, upcloud: 33 }).map(([provider, n]) =>
  Array.from({ length: n }, (_, i) => `conn:${provider}-${(i * 37) % n}`),
);
const NAMES = CONNECTIONS.flat();

/** Discrete events, earliest first (ties in the order they were set), each run to its end. */
class Sim implements Clock {
  #now = 0;
  #seq = 0;
  readonly #queue: { at: number; seq: number; run: () => Promise<void> | void }[] = [];

  now(): number {
    return this.#now;
  }

  async sleep(ms: number): Promise<void> {
    this.#now += ms;
  }

  at(at: number, run: () => Promise<void> | void): void {
    this.#queue.push({ at: Math.max(at, this.#now), seq: this.#seq++, run });
    this.#queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  async runUntil(until: number): Promise<void> {
    while (this.#queue.length > 0 && this.#queue[0]!.at <= until) {
      const step = this.#queue.shift()!;
      this.#now = step.at;
      await step.run();
    }
    this.#now = until;
  }
}

/**
 * The store the replicas share: leases on Redis, announcements on the simulated clock (the
 * heartbeat script's rule: each member until its score, lapsed ones dropped when anyone announces).
 */
function sharedStore(redis: RedisAtomicKv, sim: Sim, group: Map<string, number>): AtomicKv {
  const store: Pick<AtomicKv, 'kind' | 'acquireLease' | 'releaseLease' | 'heartbeat' | 'leave'> = {
    kind: 'redis',
    acquireLease: (name, holder, ttlMs) => redis.acquireLease(name, holder, ttlMs),
    releaseLease: (name, holder) => redis.releaseLease(name, holder),
    async heartbeat(_set, member, ttlMs) {
      group.set(member, sim.now() + ttlMs);
      for (const [m, until] of group) if (until <= sim.now()) group.delete(m);
      return [...group.keys()].sort();
    },
    async leave(_set, member) {
      group.delete(member);
    },
  };
  return store as AtomicKv;
}

interface Timing {
  /** From the tick to the plan: listing and grouping every watch key. */
  listMs: number;
  /** One held connection: its pages at the RTT, compare, record. */
  pollMs: number;
  /** After the last connection: the delivery pass (up to `cycleWaitMs` while posts wait). */
  tailMs: number;
}

/** What one cycle of a replica did. */
interface Cycle {
  tick: number;
  end: number;
  polled: number;
  replicas: number;
}

/** One replica: a cycle at every multiple of the interval, skipped while the last one runs. */
class Replica {
  readonly cycles: Cycle[] = [];
  #running = false;

  constructor(
    readonly name: string,
    readonly leases: Leases,
    readonly sim: Sim,
    readonly timing: Timing,
    readonly polls: Map<string, number[]>,
  ) {}

  tick(tick: number): void {
    if (this.#running) return;
    this.#running = true;
    this.sim.at(tick + this.timing.listMs, () => this.#cycle(tick));
  }

  async #cycle(tick: number): Promise<void> {
    await this.leases.plan(NAMES);
    let polled = 0;
    let lanes = CONNECTIONS.length * LANES;
    const laneDone = () => {
      if (--lanes > 0) return;
      this.sim.at(this.sim.now() + this.timing.tailMs, () => {
        const end = this.sim.now();
        this.cycles.push({ tick, end, polled, replicas: this.leases.balance.replicas });
        this.#running = false;
      });
    };
    for (const list of CONNECTIONS) {
      const queue = [...list];
      const lane = async (): Promise<void> => {
        const name = queue.shift();
        if (name === undefined) return laneDone();
        const held = await this.leases.hold(name);
        if (held) {
          polled++;
          this.polls.get(name)!.push(this.sim.now());
        }
        this.sim.at(this.sim.now() + (held ? this.timing.pollMs : 5), lane);
      };
      for (let i = 0; i < LANES; i++) this.sim.at(this.sim.now(), lane);
    }
  }
}

let prefix: string;
const backends: RedisAtomicKv[] = [];

beforeEach(() => {
  prefix = uniquePrefix();
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const b of backends.splice(0)) await b.close();
  await cleanRedis(prefix);
});

describe('a 1 → 4 join at the bench’s scale, on a simulated clock', () => {
  it('every replica polls 0.5–1.5× its fair share within two lease periods while cycles skip ticks', async () => {
    const sim = new Sim();
    // Leases time their sends (how long an announcement lasts) on performance.now().
    vi.spyOn(performance, 'now').mockImplementation(() => sim.now());
    const group = new Map<string, number>();
    const polls = new Map(NAMES.map((n) => [n, [] as number[]]));
    const replica = async (name: string, timing: Timing) => {
      const redis = await RedisAtomicKv.connect(REDIS_URL, prefix, captureLogger('fatal').logger);
      backends.push(redis);
      const store = sharedStore(redis, sim, group);
      const leases = new Leases(store, name, LEASE_MS, sim, new ReplicaRegistry(store, name, LEASE_MS));
      return new Replica(name, leases, sim, timing, polls);
    };
    // r1, alone, catching up after a busy step: each cycle's delivery pass waits for Slack's pace
    // windows (up to cycleWaitMs, 10 s), so its cycles run past the next tick and it cycles every
    // other tick, as it does in the bench.
    const all = [await replica('r1:100', { listMs: 1_000, pollMs: 600, tailMs: 8_000 })];
    for (let t = 0; t < 200_000; t += INTERVAL_MS) sim.at(t, () => all.forEach((r) => r.tick(t)));
    await sim.runUntil(25_000);
    expect(all[0]!.cycles.at(-1)).toMatchObject({ polled: 100, replicas: 1 });
    // Three processes start their schedules at the same tick: cold, on a loaded machine, they list
    // and group the 50,000 watch keys in 4 to 8 s, so their cycles too run past the next tick.
    const joined = 30_000;
    for (const [i, name] of ['r3:301', 'r4:402', 'r5:503'].entries())
      all.push(await replica(name, { listMs: 4_000 + i * 2_000, pollMs: 600, tailMs: 4_000 }));
    const deadline = joined + 2 * LEASE_MS;
    await sim.runUntil(deadline + 2 * INTERVAL_MS);
    for (const r of all)
      console.log(
        `[leases] ${r.name}: ${r.cycles
          .filter((c) => c.tick >= joined - INTERVAL_MS)
          .map(
            (c) =>
              `${(c.tick - joined) / 1000}–${((c.end - joined) / 1000).toFixed(1)} s: ${c.polled} of ${c.replicas}`,
          )
          .join(', ')}`,
      );
    // Each replica's last cycle begun within two lease periods of the join.
    const fair = NAMES.length / all.length;
    const shares = all.map((r) => r.cycles.filter((c) => c.tick <= deadline).at(-1)!.polled);
    console.log(`[leases] 1 → 4, polled per replica two lease periods after the join: ${shares.join(' + ')}`);
    for (const polled of shares) {
      expect(polled).toBeGreaterThanOrEqual(0.5 * fair);
      expect(polled).toBeLessThanOrEqual(1.5 * fair);
    }
    // Every replica counts every other one: each saw 4 live replicas at its last plan.
    expect(all.map((r) => r.cycles.at(-1)!.replicas)).toEqual([4, 4, 4, 4]);
    // No connection went unpolled longer than a lease period and an interval.
    let longest = 0;
    for (const times of polls.values())
      for (const [i, at] of times.entries())
        if (i > 0 && at > joined) longest = Math.max(longest, at - times[i - 1]!);
    console.log(`[leases] longest unpolled after the join: ${longest} ms`);
    expect(longest).toBeLessThanOrEqual(LEASE_MS + INTERVAL_MS);
  });
});
