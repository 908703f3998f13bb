import type { OutboxSettings } from './outbox-settings.js';

/** Share of the interval a cycle's posts may spend waiting for Slack's pace, at most. */
const OF_INTERVAL = 0.8;

/**
 * Until when (the clock's ms) a cycle started `now` lets its posts wait for their pace windows:
 * `cycleWaitMs`, but never past 80 % of the poll interval, so a cycle catching up on a backlog
 * still ends before the next tick. The schedule skips a tick while a cycle runs: with the waits
 * reaching the next tick (10 s of waits, 10 s interval) every cycle of a catch-up ran 10.0–10.3 s
 * and each replica polled, planned and took a dead replica's connections only every other tick
 * (52.7 s unpolled against lease + interval = 40 s). What still waits goes out in the next cycle.
 */
export function cycleWaitUntil(
  settings: { postPace?: OutboxSettings['postPace']; pollIntervalSeconds?: number },
  now: number,
): number {
  const waitMs = settings.postPace?.cycleWaitMs ?? 0;
  const intervalMs = (settings.pollIntervalSeconds ?? 0) * 1000;
  return now + (intervalMs > 0 ? Math.min(waitMs, OF_INTERVAL * intervalMs) : waitMs);
}
