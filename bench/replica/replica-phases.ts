import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_POST_PACE } from '../../src/watcher/watcher-options.js';
import type { WorldStats } from '../poll/poll-world.js';
import type { RpcChild } from '../rpc.js';
import { median } from '../stats.js';
import type { LoopCycle, ReplicaBusy, ReplicaIdle, ReplicaJoin, ReplicaKill } from './replica-types.js';
import type { PostFigures } from './replica-world.js';

/**
 * The replica rows' steps (`replica-scale.ts` runs them in order). Every replica runs its own
 * schedule (`replica-loop.ts`); the bench only watches: it reads the cycles each replica recorded,
 * the requests every simulator served and the posts the fake Slack accepted.
 */
export interface PhaseDeps {
  world: RpcChild;
  replicas: Map<string, RpcChild>;
  intervalMs: number;
  leaseMs: number;
  connections: number;
  log: (line: string) => void;
}

export type Phases = ReturnType<typeof phases>;

/** How long before a tick the bench reads or resets counts: every cycle of the last tick has ended. */
const BEFORE_TICK_MS = 150;
/** How often the end of a busy step is checked (the fake Slack's posts). */
const CHECK_MS = 1_000;

export function phases(deps: PhaseDeps) {
  const { world, replicas, intervalMs, leaseMs, connections, log } = deps;
  const cycles: LoopCycle[] = [];
  const dead = new Set<string>();
  /** Replicas whose schedule runs (a started process is no replica until its first cycle). */
  const members = new Set<string>();
  const nextTick = (after = Date.now()) => Math.ceil((after + 1) / intervalMs) * intervalMs;
  const until = (at: number) => sleep(Math.max(0, at - Date.now()));
  const live = () =>
    [...members].filter((name) => !dead.has(name)).map((name) => [name, replicas.get(name)!] as const);
  /** Every live replica's cycles recorded since the last call, kept for the report too. */
  const take = async (): Promise<LoopCycle[]> => {
    const taken = (await Promise.all(live().map(([, r]) => r.call<LoopCycle[]>('loopTake')))).flat();
    cycles.push(...taken);
    return taken;
  };
  const byTick = (taken: LoopCycle[]) => {
    const ticks = new Map<number, LoopCycle[]>();
    for (const c of taken) ticks.set(c.tick, [...(ticks.get(c.tick) ?? []), c]);
    return [...ticks].sort(([x], [y]) => x - y);
  };
  /** Outbox entries still waiting (a survivor reads every record, a few hundred at a time). */
  const queuedPosts = async () => {
    const [, first] = live()[0] ?? [];
    return first ? (await first.call<{ outbox: number }>('backlog', {}, 600_000)).outbox : 0;
  };
  const loop = async (name: string) => {
    await replicas.get(name)!.call('loopStart', { name, intervalMs });
    members.add(name);
  };
  /** Waits until no cycle of the live replicas runs past the next tick (after a busy step). */
  const quiet = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      const t = nextTick();
      await until(t + intervalMs - BEFORE_TICK_MS);
      const round = (await take()).filter((c) => c.tick === t);
      if (round.length === live().length && round.every((c) => c.end < t + intervalMs - BEFORE_TICK_MS))
        return;
    }
  };

  return {
    loop,

    /** `ticks` rounds of idle cycles of every live replica, started together. */
    async idle(ticks: number): Promise<ReplicaIdle> {
      await quiet();
      const first = nextTick();
      await until(first - BEFORE_TICK_MS);
      await take();
      await world.call('resetStats');
      await until(first + ticks * intervalMs - BEFORE_TICK_MS);
      const stats = await world.call<WorldStats>('stats');
      const n = live().length;
      const inWindow = byTick(await take()).filter(([tick]) => tick < first + ticks * intervalMs);
      const rounds = inWindow
        .filter(([, cs]) => cs.length === n)
        .map(([tick, cs]) => ({ ms: Math.max(...cs.map((c) => c.end)) - tick, cs }));
      // A cycle longer than the interval skips ticks: requests are per tick that started cycles.
      const started = Math.max(1, inWindow.length);
      const rss = await Promise.all(live().map(([, r]) => r.call<{ rssMb: number }>('memory')));
      const figures: ReplicaIdle = {
        replicas: n,
        ms: rounds.length > 0 ? median(rounds.map((r) => r.ms)) : Number.NaN,
        rounds: rounds.map((r) => r.ms),
        providerRequests: Math.round(stats.requests.total / started),
        cpuMs: median(rounds.flatMap((r) => r.cs.map((c) => c.cpuMs))),
        rssMb: Math.max(...rss.map((m) => m.rssMb)),
        worldCpuMs: Math.round(stats.cpuMs / started),
      };
      // Where a round's time goes, per replica cycle: from the tick to its start, the poll cycle's own
      // run, and what the watcher's cycle adds around it (the work before a cycle, metrics).
      const cycles = rounds.flatMap((r) => r.cs);
      const at = (f: (c: LoopCycle) => number) => median(cycles.map(f));
      log(
        `  ${n} replica(s) idle: ${figures.rounds.join(', ')} ms a round, ${figures.providerRequests} provider requests a round, CPU ${figures.cpuMs} ms a replica cycle, world CPU ${figures.worldCpuMs} ms a round, RSS ≤ ${figures.rssMb} MB; a replica cycle (median): starts ${at((c) => c.start - c.tick)} ms after the tick, polls for ${at((c) => c.cycleMs ?? Number.NaN)} ms, ends ${at((c) => c.end - c.start)} ms after its start`,
      );
      return figures;
    },

    /** `names` join (started, then their schedules): shares per tick over two lease periods and more. */
    async join(names: string[], start: (name: string) => Promise<RpcChild>): Promise<ReplicaJoin> {
      const from = live().length;
      await Promise.all(names.map(start));
      await take();
      for (const name of names) await loop(name);
      const joined = nextTick();
      // Two lease periods and an interval: the last round of the window ends inside it.
      const windowMs = 2 * leaseMs + intervalMs;
      await until(joined + windowMs - BEFORE_TICK_MS);
      const n = live().length;
      const fair = connections / n;
      const rounds = byTick(await take()).filter(([tick, cs]) => tick >= joined && cs.length === n);
      const sharesOf = (cs: LoopCycle[]) => cs.map((c) => Math.round((c.polled / fair) * 100) / 100);
      const ok = (cs: LoopCycle[]) => sharesOf(cs).every((s) => s >= 0.5 && s <= 1.5);
      const balanced = rounds.find(([, cs]) => ok(cs));
      const last = rounds.at(-1);
      const figures: ReplicaJoin = {
        from,
        to: n,
        balancedAfterMs: balanced ? balanced[0] - joined : null,
        balancedAtEnd: last ? ok(last[1]) : false,
        sharesAtEnd: last ? sharesOf(last[1]) : [],
        windowMs,
        doublePolled: rounds.reduce(
          (sum, [, cs]) => sum + Math.max(0, cs.reduce((s, c) => s + c.polled, 0) - connections),
          0,
        ),
      };
      log(
        `  ${from} → ${n} replicas: balanced (0.5–1.5× fair share) after ${figures.balancedAfterMs ?? 'never'} ms, shares at the end ${figures.sharesAtEnd.join(' / ')}; per tick ${rounds.map(([, cs]) => cs.map((c) => c.polled).join('+')).join(', ')}`,
      );
      return figures;
    },

    /**
     * A busy step; one tick after it began, `victim` gets SIGKILL in the middle of its busy cycle.
     * The survivors go on until every ending was said or `afterMs` passed (at least a lease period
     * and two intervals, so the victim's connections were taken over).
     */
    async killDuringBusy(victim: string, afterMs: number, stepMs: number): Promise<ReplicaKill> {
      const n = live().length;
      await quiet();
      await world.call('gapsStart');
      const tick = nextTick(Date.now() + intervalMs);
      await until(tick - BEFORE_TICK_MS);
      await world.call('resetStats');
      await world.call('advance', { ms: stepMs });
      // Mid-cycle: the busy cycle reads every connection's pages at the RTT first.
      await until(tick + Math.min(1_500, intervalMs / 2));
      replicas.get(victim)!.child.kill('SIGKILL');
      dead.add(victim);
      log(`  killed ${victim} (SIGKILL) ${Date.now() - tick} ms into the busy cycle`);
      const floor = Math.max(leaseMs + 2 * intervalMs, afterMs);
      // Until every ending was said, or Slack heard nothing new for a while, or at the latest 450 s
      // after the step: the survivor alone posts a backlog of about 1,100 at the workspace's 250 a
      // minute, and a window of 300 s once closed on its last 4 replies (an ending "never said").
      const said = await untilSaid(world, tick + floor, tick + floor + 5 * afterMs);
      const gap = await world.call<{ ms: number; connection: string; endedAt: number }>('gaps');
      const queued = await queuedPosts();
      const stats = await world.call<WorldStats>('stats');
      const survivors = await Promise.all(
        live().map(([, r]) => r.call<{ lookups: number; blindResends: number }>('stats')),
      );
      // The follow-ups of the endings (reports, verifications) go out after them all: the next
      // steps' idle rounds start once the outboxes are empty, or they would measure that delivery.
      const outAt = await untilDelivered(queued, queuedPosts, tick + 10 * afterMs, Math.min(10_000, afterMs));
      await take();
      const figures: ReplicaKill = {
        replicas: n,
        longestGapMs: gap.ms,
        longestGapConnection: gap.connection,
        ...said,
        queued,
        allOutMs: outAt === undefined ? null : outAt - tick,
        slack429: stats.throttledTotal,
      };
      log(
        `  kill -9 of 1 of ${n} (${queued} replies still queued, all out ${outAt === undefined ? 'not yet' : `${outAt - tick} ms`} after the busy tick): longest unpolled ${gap.ms} ms (${gap.connection}, from ${gap.endedAt - gap.ms - tick} to ${gap.endedAt - tick} ms after the busy tick; lease ${leaseMs} + interval ${intervalMs}), ${figures.transitions} endings, ${figures.lost} never said, ${figures.duplicated} posted twice, ${figures.slack429} × 429; posts per 10 s ${said.perTenSeconds?.join(' ')}; said twice: ${said.twice?.join(', ') || 'none'}; survivors' lookups of possibly sent posts ${survivors.map((x) => x.lookups).join(' + ')}, sent again without one ${survivors.map((x) => x.blindResends).join(' + ')}`,
      );
      return figures;
    },

    /** A busy step and its catch-up with every live replica: Slack's 429s, lost and twice-said posts. */
    async busy(windowMs: number, stepMs: number): Promise<ReplicaBusy> {
      const n = live().length;
      await quiet();
      const tick = nextTick(Date.now() + intervalMs);
      await until(tick - BEFORE_TICK_MS);
      await world.call('resetStats');
      await world.call('advance', { ms: stepMs });
      const started = Date.now();
      const said = await untilSaid(world, tick + 2 * intervalMs, tick + windowMs);
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      const queued = await queuedPosts();
      const stats = await world.call<WorldStats>('stats');
      await take();
      const figures: ReplicaBusy = {
        replicas: n,
        ...said,
        queued,
        slackCalls: stats.slackTotal,
        slack429: stats.throttledTotal,
        seconds,
      };
      log(
        `  busy step with ${n} replicas (${queued} replies still queued): ${stats.slackTotal} Slack calls, ${stats.throttledTotal} × 429, ${said.transitions} endings, ${said.lost} never said, ${said.duplicated} posted twice, in ${seconds} s; posts per 10 s ${said.perTenSeconds?.join(' ')}`,
      );
      return figures;
    },

    /** Stops every schedule; returns every cycle recorded. */
    async stopAll(): Promise<LoopCycle[]> {
      for (const [, r] of live()) cycles.push(...(await r.call<{ cycles: LoopCycle[] }>('loopStop')).cycles);
      return cycles;
    },
  };
}

/**
 * Waits until no reply is queued (`left` now, read again every `everyMs`: each reading reads every
 * record), at the latest `to`: when, or undefined.
 */
async function untilDelivered(
  left: number,
  queued: () => Promise<number>,
  to: number,
  everyMs: number,
): Promise<number | undefined> {
  for (let n = left; n > 0; n = await queued()) {
    if (Date.now() >= to) return undefined;
    await sleep(everyMs);
  }
  return Date.now();
}

/**
 * Waits at least until `from`, then until every ending was said, or Slack heard nothing new for
 * `STILL_CHECKS` checks in a row, or `to`: what Slack heard.
 */
async function untilSaid(world: RpcChild, from: number, to: number): Promise<PostFigures> {
  await sleep(Math.max(0, from - Date.now()));
  let posts = await world.call<PostFigures>('posts');
  let still = 0;
  while (posts.lost > 0 && Date.now() < to && still < STILL_CHECKS) {
    await sleep(CHECK_MS);
    const next = await world.call<PostFigures>('posts');
    still = next.posts === posts.posts ? still + 1 : 0;
    posts = next;
  }
  return posts;
}
/**
 * Checks without a new post before an ending not said counts as lost rather than late: longer than
 * the workspace's posting window (`DEFAULT_POST_PACE`: 250 posts in any 60 s, counted in 2 s slots).
 * A backlog goes out as a burst whenever that window has room, then waits until the burst's slots
 * leave it: Slack hears nothing for up to a minute, by design. Ending the window after 15 s of that
 * silence counted 126 endings still queued as never said.
 */
const { spanMs, slotMs } = DEFAULT_POST_PACE.perWorkspace;
const STILL_CHECKS = Math.ceil((spanMs + 2 * slotMs) / CHECK_MS) + 5;
/** The silence (s) after which the window ends, for the report's text. */
export const STILL_SECONDS = (STILL_CHECKS * CHECK_MS) / 1000;
