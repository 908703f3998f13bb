/** The replica benchmark's figures (issue #41), run by `replica-scale.ts`. */

/** One cycle of one replica, as its loop recorded it (wall ms since the epoch). */
export interface LoopCycle {
  replica: string;
  /** The tick (a multiple of the interval since the epoch) the cycle started at. */
  tick: number;
  start: number;
  end: number;
  /** Connections the replica polled (held their lease) and those another replica held. */
  polled: number;
  leasedElsewhere: number;
  cpuMs: number;
  /** The poll cycle's own duration (`CycleReport.ms`: from listing the watch keys to the digest pass). */
  cycleMs?: number;
  /** The replica's leases after the cycle, when its watcher tells them. */
  held?: number;
}

/** Idle cycles of `replicas` replicas started together (the same tick): the last one's end. */
export interface ReplicaIdle {
  replicas: number;
  /** Median over the measured ticks of (latest end − tick start), ms. */
  ms: number;
  /** Every measured tick's figure. */
  rounds: number[];
  /** Provider requests counted at the simulators per tick (median), and list pages needed. */
  providerRequests: number;
  /** Median CPU ms per replica cycle, and the highest RSS of a replica process (MB). */
  cpuMs: number;
  rssMb?: number;
  /** CPU ms the world process (every simulator, one event loop) spent a round: what serves the pages. */
  worldCpuMs?: number;
}

/** After replicas join: when every replica first held 0.5–1.5× its fair share, and the shares at the end. */
export interface ReplicaJoin {
  /** Replicas before and after the join. */
  from: number;
  to: number;
  /** ms from the join to the first tick every replica's cycle polled 0.5–1.5× its fair share; null: never. */
  balancedAfterMs: number | null;
  /** Whether the shares were still within bounds at the end of the window. */
  balancedAtEnd: boolean;
  /** Each replica's polled connections ÷ fair share, at the last tick of the window. */
  sharesAtEnd: number[];
  /** The window the join was watched for, ms (two lease periods and a few intervals). */
  windowMs: number;
  /** Connections polled by two replicas in one tick (summed over the window). */
  doublePolled: number;
}

/** Busy step with a kill -9 of one of the replicas. */
export interface ReplicaKill {
  replicas: number;
  /** The longest time any connection went without a provider request, from the world's sampler, ms. */
  longestGapMs: number;
  /** Which connection. */
  longestGapConnection: string;
  /** Resources that ended in the step, how many no post named, and posts sent twice. */
  transitions: number;
  lost: number;
  duplicated: number;
  posts: number;
  /** Posts Slack accepted in each 10 s since the step. */
  perTenSeconds?: number[];
  /** The first few posts said twice, by dedup key. */
  twice?: string[];
  /** Replies still in the outboxes when the window ended (late, not lost). */
  queued?: number;
  /** ms from the busy tick until no reply was queued (null: not within the bound); the next steps wait for it. */
  allOutMs?: number | null;
  slack429: number;
}

/** Busy step and its catch-up with `replicas` replicas: Slack's answers. */
export interface ReplicaBusy {
  replicas: number;
  transitions: number;
  lost: number;
  duplicated: number;
  posts: number;
  perTenSeconds?: number[];
  queued?: number;
  slackCalls: number;
  slack429: number;
  seconds: number;
}

export interface ReplicaResult {
  store: 'redis';
  /** One Redis, or a local 3-master Redis Cluster (issue #50); reports before it: one Redis. */
  topology?: 'single' | 'cluster';
  watches: number;
  connections: number;
  rttMs: number;
  /** The cycles' interval (each replica starts one at every multiple of it) and the lease period. */
  intervalMs: number;
  leaseMs: number;
  setupMs: number;
  idle: ReplicaIdle[];
  join: ReplicaJoin[];
  kill?: ReplicaKill;
  busy?: ReplicaBusy;
  /** Redis commands per idle cycle of one replica, by command (INFO commandstats delta). */
  redisOps?: { total: number; byCommand: Record<string, number> };
  /** Every replica's cycles, for the report's timeline. */
  cycles: LoopCycle[];
  /** Whether this was the smoke form (small, short). */
  smoke: boolean;
  /** The bot build the replicas ran (this build, or --compare's). */
  build?: string;
}
