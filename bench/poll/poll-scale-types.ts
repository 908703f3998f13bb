import type { DetectionFigures } from '../failure-detection.js';
import type { WorldSpec } from './poll-world.js';

/** The poll benchmark's figures and options (`poll-scale.ts` runs it). */

export const PROVIDERS = ['huawei-oms', 'ncp', 'upcloud'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface CycleFigures {
  ms: number;
  /** HTTP requests the simulators served (retries and UpCloud's closing empty page included). */
  providerRequests: number;
  byProvider: Record<Provider, number>;
  slackCalls: number;
  slackByMethod: Record<string, number>;
  /** Calls the fake Slack answered 429 (it enforces the tiers during every measured cycle). */
  slack429: number;
  /** RSS right after the cycle. */
  rssMb: number;
  /**
   * The highest RSS sampled (every 25 ms) during the cycle; for the idle row, the highest of its
   * measured cycles. Absent in reports before 2026-11-25, which judged `rssMb`.
   */
  cyclePeakRssMb?: number;
  /** CPU time of the watcher process during the cycle (steadier than its length on a busy machine). */
  cpuMs?: number;
  /** Of which in garbage-collection pauses. */
  gcMs?: number;
  /** Redis store: the commands the cycle sent (INFO commandstats before and after). */
  redisOps?: { total: number; byCommand: Record<string, number> };
}

export interface PollScaleRow {
  store: 'memory' | 'redis' | 'sqlite';
  /** The build whose watcher ran (`--compare`'s label); absent: this build. */
  build?: string;
  /** How the resources are followed: a watch each, or one subscription per connection. */
  follow: 'watches' | 'subscriptions';
  /** Idle cycle: provider requests that were list pages (subscriptions need no `get`). */
  listPages: number;
  watches: number;
  connections: number;
  rttMs: number;
  setupMs: number;
  /** Steady state: nothing changed since the last cycle (median of the idle cycles). */
  idle: CycleFigures;
  /** Every resource moved 10 points, and `transitions` of them finished or failed. */
  busy: CycleFigures & { transitions: number; editsDeferred: number };
  /** After the busy cycle: cycles until every transition reply was out, and the 429s meanwhile. */
  catchUp: {
    cycles: number;
    seconds: number;
    repliesLeft: number;
    slack429: number;
    /** The catch-up cycles' median CPU time and highest RSS (reports since 2026-11-25, fourteenth session). */
    cpuMs?: number;
    cyclePeakRssMb?: number;
  };
  /** List pages the connections need at the least, per provider. */
  pages: Record<Provider, number>;
  /** ⌈pages ÷ concurrency⌉ × RTT, per provider (each has its own lanes), the largest. */
  floorMs: number;
  idleToFloor: number;
  /**
   * The measured floor: the same list pages read by the provider clients alone over the same lanes,
   * nothing else done (median of one run after each idle cycle, side by side with them).
   */
  bare: { ms: number; pages: number };
  idleToBare: number;
  busyToFloor: number;
  naive?: { ms: number; providerRequests: number; floorMs: number };
  /** Naive provider requests ÷ the watcher's, in the same run. */
  requestRatio?: number;
  peakRssMb: number;
  /** Busy step: from the failing resources' state change to the first post naming each. */
  detection?: DetectionFigures;
}

export interface PollScaleOptions {
  sizes: number[];
  store: 'memory' | 'redis' | 'sqlite';
  rttMs?: number;
  /** Run the naive poller too (sizes at most this). */
  naiveUpTo?: number;
  idleCycles?: number;
  connections?: WorldSpec['connections'];
  redisUrl?: string;
  /** `subscriptions`: one subscription per connection instead of a watch per resource. */
  follow?: 'watches' | 'subscriptions';
  /** Node flags of the watcher process (default: the Dockerfile's `NODE_OPTIONS`, as deployed). */
  watcherFlags?: string[];
  log?: (line: string) => void;
  /** Stop after the idle cycles (no busy step, catch-up or naive poller): a quick look at the idle cycle. */
  idleOnly?: boolean;
  /** Another build's watcher process (`--compare`: its compiled `bench/poll/poll-watcher.js`) and its label. */
  watcherScript?: string;
  build?: string;
}

/** What an `idleOnly` run measures. */
export type IdleRow = Pick<
  PollScaleRow,
  'store' | 'watches' | 'idle' | 'pages' | 'floorMs' | 'idleToFloor' | 'bare' | 'idleToBare'
> & {
  /** Every idle cycle's wall time and the watcher's CPU time in it (user + system), ms. */
  cycles: { ms: number; cpuMs: number }[];
};
