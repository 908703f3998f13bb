import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config.js';
import { isRedisUrl } from '../store/redis-target.js';
import { type Clock, systemClock } from './clock.js';
import type { OutboxSettings } from './outbox/outbox.js';
import type { CycleSettings } from './poll-cycle.js';
import type { RecordFormat } from './records/watch-store.js';
import type { WorkspaceLimits } from './records/workspace-limits.js';

export interface WatcherOptions extends CycleSettings, OutboxSettings {
  /** Seconds between cycles; 0 turns the schedule off (tests call `runCycle()`). */
  pollIntervalSeconds: number;
  /** Key namespace (Redis: `migrate-bot:watch:`; the Keyv store adds its own `migrate-bot` namespace). */
  keyPrefix: string;
  /** A replica that dies hands its connections over after this long. */
  leaseMs: number;
  /**
   * The watcher's one clock: every time it reads and every wait inside its work (`clock.ts`).
   * Tests give it a clock they move by hand.
   */
  clock: Clock;
  /** This replica's name in leases and `sending` marks. */
  holder: string;
  /**
   * After someone acts on a watched resource and the provider says the change is under way
   * ("Pausing…"), it is polled again this long after (each entry one check, then every last one
   * until it settles), so its card says "Paused" in seconds rather than at the next cycle.
   */
  recheckAfterMs: readonly number[];
  /** How watch records are written (`WATCH_RECORD_FORMAT`); both forms are always read. */
  recordFormat: RecordFormat;
  /** What one workspace may add (MAX_WATCHES_PER_WORKSPACE and the others); read at each add. */
  limits: WorkspaceLimits;
}

/**
 * chat.postMessage: about 1 per second per channel (bursts allowed), and a workspace-wide cap Slack
 * does not publish. We assume 300 in any minute and keep under it: other posts take up to 250 in
 * any 60 s, failures up to 290, so the failures of a burst of endings (one post per channel) go
 * out at once.
 */
export const DEFAULT_POST_PACE: NonNullable<OutboxSettings['postPace']> = {
  perChannel: { windowMs: 1_000, max: 1 },
  perWorkspace: { spanMs: 60_000, slotMs: 2_000, max: 250, failuresMax: 290 },
  maxWaitMs: 2_500,
  // A burst beyond what fits is delivered over the next cycles rather than delaying the polls.
  cycleWaitMs: 10_000,
};

/**
 * Connections of one provider polled at once, sharing its 2 background lanes. A connection reads
 * its records before it lists, so each one in flight holds its decoded records: 3 (not 4) still
 * keep both lanes busy and hold a quarter fewer (the figures: ADR 0004, "The catch-up peak").
 */
export const CONNECTIONS_POLLED_PER_PROVIDER = 3;

export function defaultWatcherOptions(config: Config): WatcherOptions {
  const interval = config.watcher.pollIntervalSeconds;
  return {
    pollIntervalSeconds: interval,
    stallMs: config.watcher.stallMinutes * 60_000,
    digestHourUtc: config.watcher.digestHourUtc,
    progressStep: 0.05,
    minEditMs: 5 * 60_000,
    pageSize: 100,
    maxPages: 20,
    // A subscribed connection is listed whole: 200 pages of 100 is 20,000 resources per kind.
    subscriptionMaxPages: 200,
    completionReports: true,
    failThreshold: 3,
    maxSkipCycles: 10,
    getsPerConnection: 4,
    connectionsPerProvider: CONNECTIONS_POLLED_PER_PROVIDER,
    sendingStaleMs: 60_000,
    slackBackoffMs: 2_000,
    recoveryProbeMs: 30_000,
    // Tier 3 is ~50/min per workspace: 7 per 10 s window is at most 49 in any minute.
    editBudget: { windowMs: 10_000, max: 7 },
    postPace: DEFAULT_POST_PACE,
    lookupSent: true,
    keyPrefix: isRedisUrl(config.storeUrl) ? 'migrate-bot:watch:' : 'watch:',
    leaseMs: Math.max(30_000, 2 * interval * 1000 + 10_000),
    clock: systemClock,
    holder: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    // OMS takes a few seconds to pause a task; the second check catches a slow one.
    recheckAfterMs: [3_000, 10_000],
    recordFormat: config.watcher.recordFormat,
    limits: { ...config.limits },
  };
}
