import type { OutboxSettings } from './outbox-settings.js';

/** Share of the interval a cycle's posts may spend waiting for Slack's pace, at most. */
const OF_INTERVAL = 0.8;

/**
 * Until when (the clock's ms) a cycle started `now` lets its posts wait for their pace windows:
 * `cycleWaitMs`, but never past 80 % of the poll interval, so a cycle catching up on a backlog
 * still ends before the next tick (the schedule skips a tick while a cycle runs, and a replica
 * would then take a dead one's connections only every other tick). What still waits goes out in
 * the next cycle.
 */
export function cycleWaitUntil(
  settings: { postPace?: OutboxSettings['postPace']; pollIntervalSeconds?: number },
  now: number,
): number {
  const waitMs = settings.postPace?.cycleWaitMs ?? 0;
  const intervalMs = (settings.pollIntervalSeconds ?? 0) * 1000;
  return now + (intervalMs > 0 ? Math.min(waitMs, OF_INTERVAL * intervalMs) : waitMs);
}
