import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AtomicKv } from '../../../src/store/atomic-kv.js';
import { RedisAtomicKv } from '../../../src/store/redis-atomic-kv.js';
import type { Clock } from '../../../src/watcher/clock.js';
import { type ConnectionGroup, spreadOverProviders } from '../../../src/watcher/connection-groups.js';
import { Leases } from '../../../src/watcher/records/lease.js';
import { ReplicaRegistry } from '../../../src/watcher/records/replica-registry.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../harness/watcher-rig.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * A 1 → 4 join at the bench's scale (100 connections over 3 providers, interval 10 s, lease 30 s),
 * played on a simulated clock: every replica runs the poll cycle's shape (list the watch keys,
 * `plan`, 4 lanes per provider each taking the next connection's `hold`, a held one polled for a
 * while and its lease extended after (`polled`), then the delivery pass) at each multiple of the
 * interval unless its last cycle still runs, one step at a time in the simulated clock's order, so
 * the interleaving is the same on every run and on any machine. The leases are on Redis (they never lapse here: each is extended
 * within 30 s); the announcements are kept on the simulated clock exactly as the heartbeat script
 * keeps them on Redis's, since their lapsing is what this is about.
 */
const INTERVAL_MS = 10_000;
const LEASE_MS = 30_000;
const LANES = 4;
/** The connections' lease names, per provider in the order a cycle polls them (not sorted). */
const SIZES = { oms: 34, ncp: 33, upcloud: 33 };
const PROVIDERS = Object.keys(SIZES);
const CONNECTIONS = Object.entries(SIZES).map(([provider, n]) =>
  Array.from({ length: n }, (_, i) => `conn:${provider}-${(i * 37) % n}`),
);
const NAMES = CONNECTIONS.flat();
/** The order `PollCycle` gives its plan: one connection of each provider in turn. */
const PLAN_ORDER = spreadOverProviders(
  new Map(
    CONNECTIONS.flatMap((names, p) =>
      names.map((n) => {
        const group = { connection: { provider: PROVIDERS[p] } } as unknown as ConnectionGroup;
        return [n.slice('conn:'.length), group] as const;
      }),
    ),
  ),
);

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
 * The store the replicas share: leases on Redis (or on the simulated clock: `simLeases`, where
 * they must lapse), announcements on the simulated clock (the heartbeat script's rule: each member
 * until its score, lapsed ones dropped when anyone announces).
 */
function sharedStore(
  redis: RedisAtomicKv | undefined,
  sim: Sim,
  group: Map<string, number>,
  leases = new Map<string, { holder: string; until: number }>(),
): AtomicKv {
  const store: Pick<AtomicKv, 'kind' | 'acquireLease' | 'releaseLease' | 'heartbeat' | 'leave'> = {
    kind: 'redis',
    async acquireLease(name, holder, ttlMs) {
      if (redis) return redis.acquireLease(name, holder, ttlMs);
      const lease = leases.get(name);
      if (lease && lease.holder !== holder && lease.until > sim.now()) return false;
      leases.set(name, { holder, until: sim.now() + ttlMs });
      return true;
    },
    async releaseLease(name, holder) {
      if (redis) return redis.releaseLease(name, holder);
      if (leases.get(name)?.holder === holder) leases.delete(name);
    },
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
  /**
   * After the last connection: the delivery pass (up to `cycleWaitMs` while posts wait), or, as a
   * function of the tick and the polls' end, when the cycle ends.
   */
  tailMs: number | ((tick: number, polled: number) => number);
}

/** What one cycle of a replica did. */
interface Cycle {
  tick: number;
  end: number;
  polled: number;
  replicas: number;
}

/**
 * One replica: a cycle at every multiple of the interval, skipped while the last one runs. Its
 * cycle has `PollCycle.run`'s shape: plan, each connection's turn, then the connections held
 * elsewhere at their turn once more when a recount gives room (`Leases.recount`), then the tail.
 */
class Replica {
  readonly cycles: Cycle[] = [];
  /** Killed (SIGKILL): it does nothing more, and its leases and announcement lapse. */
  dead = false;
  #running = false;

  constructor(
    readonly name: string,
    readonly leases: Leases,
    readonly sim: Sim,
    readonly timing: Timing,
    readonly polls: Map<string, number[]>,
  ) {}

  tick(tick: number): void {
    if (this.#running || this.dead) return;
    this.#running = true;
    this.sim.at(tick + this.timing.listMs, () => this.#cycle(tick));
  }

  async #cycle(tick: number): Promise<void> {
    if (this.dead) return;
    await this.leases.plan(PLAN_ORDER);
    let polled = 0;
    const skipped = new Set<string>();
    const end = () => {
      const { tailMs } = this.timing;
      const at = typeof tailMs === 'number' ? this.sim.now() + tailMs : tailMs(tick, this.sim.now());
      this.sim.at(at, () => {
        if (this.dead) return;
        this.cycles.push({ tick, end: this.sim.now(), polled, replicas: this.leases.balance.replicas });
        this.#running = false;
      });
    };
    const pass = (lists: string[][], done: () => Promise<void> | void) => {
      let lanes = lists.length * LANES;
      for (const list of lists) {
        const queue = [...list];
        const lane = async (): Promise<void> => {
          if (this.dead) return;
          const name = queue.shift();
          if (name === undefined) return --lanes === 0 ? done() : undefined;
          const held = await this.leases.hold(name);
          if (!held) {
            skipped.add(name);
            return this.sim.at(this.sim.now() + 5, lane);
          }
          polled++;
          // Polled once its pages are read (a replica killed meanwhile read none), and only then
          // its lease extended, as `PollCycle` does.
          this.sim.at(this.sim.now() + this.timing.pollMs, async () => {
            if (this.dead) return;
            this.polls.get(name)!.push(this.sim.now());
            await this.leases.polled(name);
            await lane();
          });
        };
        for (let i = 0; i < LANES; i++) this.sim.at(this.sim.now(), lane);
      }
    };
    pass(CONNECTIONS, async () => {
      if (this.dead) return;
      const again = CONNECTIONS.map((list) => list.filter((n) => skipped.has(n)));
      skipped.clear();
      if (again.flat().length > 0 && (await this.leases.recount()) > 0) pass(again, end);
      else end();
    });
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
    // And of each provider's: a replica reads each provider's pages over lanes of its own, so a
    // share all of one provider (as when each kept the first of its leases by name) is as slow
    // as one replica reading everything.
    for (const [p, provider] of PROVIDERS.entries()) {
      const held = all.map((r) => CONNECTIONS[p]!.filter((n) => r.leases.holding(n)).length);
      console.log(`[leases] 1 → 4, ${provider} connections per replica: ${held.join(' + ')}`);
      for (const h of held) {
        expect(h).toBeGreaterThanOrEqual(0.5 * (CONNECTIONS[p]!.length / all.length));
        expect(h).toBeLessThanOrEqual(1.5 * (CONNECTIONS[p]!.length / all.length));
      }
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

describe('a kill -9 of 1 of 2 replicas in a busy step, on a simulated clock', () => {
  it('the survivor polls every connection of the dead one within a lease period and an interval', async () => {
    const sim = new Sim();
    vi.spyOn(performance, 'now').mockImplementation(() => sim.now());
    const group = new Map<string, number>();
    const held = new Map<string, { holder: string; until: number }>();
    const polls = new Map(NAMES.map((n) => [n, [] as number[]]));
    const idle: Timing = { listMs: 500, pollMs: 600, tailMs: 300 };
    const replica = (name: string) => {
      // Leases on the simulated clock too: the dead replica's must lapse.
      const store = sharedStore(undefined, sim, group, held);
      const leases = new Leases(store, name, LEASE_MS, sim, new ReplicaRegistry(store, name, LEASE_MS));
      return new Replica(name, leases, sim, { ...idle }, polls);
    };
    const [r1, r2] = [replica('r1:100'), replica('r2:200')];
    for (let t = 0; t < 300_000; t += INTERVAL_MS) sim.at(t, () => [r1, r2].forEach((r) => r.tick(t)));
    const busy = 100_000;
    await sim.runUntil(busy - 1);
    expect([r1, r2].map((r) => r.cycles.at(-1)!.polled)).toEqual([50, 50]);
    // The busy step: pages take longer, and the survivor catches up from then on, its deliveries
    // waiting for Slack's pace until 80 % of the interval (`cycleWaitUntil`); r2 dies 1.5 s in.
    r1.timing.pollMs = 1_200;
    r1.timing.tailMs = (tick, polled) => Math.max(polled + 300, tick + 0.8 * INTERVAL_MS + 300);
    r2.timing.pollMs = 1_200;
    sim.at(busy + 1_500, () => {
      r2.dead = true;
    });
    // Only the busy cycle reads moved pages; the catch-up's polls are idle ones again.
    sim.at(busy + INTERVAL_MS, () => {
      r1.timing.pollMs = idle.pollMs;
    });
    await sim.runUntil(busy + 120_000);
    let longest = { ms: 0, name: '' };
    for (const [name, times] of polls)
      for (const [i, at] of times.entries())
        if (i > 0 && at > busy && at - times[i - 1]! > longest.ms) longest = { ms: at - times[i - 1]!, name };
    console.log(
      `[leases] kill -9 of 1 of 2: survivor ${r1.cycles
        .filter((c) => c.tick >= busy)
        .slice(0, 6)
        .map((c) => `${(c.tick - busy) / 1000}–${((c.end - busy) / 1000).toFixed(1)} s: ${c.polled}`)
        .join(', ')}; longest unpolled ${longest.ms} ms (${longest.name})`,
    );
    expect(r1.cycles.at(-1)!.polled).toBe(100);
    // 33.0 s here. With leases extended at the turn instead of after the poll (the dead replica's
    // last turns held for a period after it read nothing) 40.6 s; without the recount (the dead
    // replica's connections left to the next plan) 41.8 s; with cycles that also ran past the next
    // tick (waits to cycleWaitMs, 10 s) 51.8 s, as the bench measured (52.7 s).
    expect(longest.ms).toBeLessThanOrEqual(LEASE_MS + INTERVAL_MS);
  });
});
