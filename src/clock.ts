import { setTimeout as wait } from 'node:timers/promises';

/**
 * The bot's one clock. It is built once, in `startBot` (`BotOptions.clock`), and handed to every
 * service that reads the time as a constructor argument or a `now` parameter: the watcher (stamps,
 * windows, back-offs, and every wait inside its work), approvals, the Slack directory's cache,
 * departures and installations, claims, last actions, time windows, the audit log, the connection
 * cache and the cards' "checked" and ETA times. A test gives it a clock it moves by hand
 * (`test/harness/test-clock.ts`), and everything moves with it. No module reads `Date.now()`
 * itself (`test/one-clock.test.ts`).
 *
 * What stays on real time, by design, reads `systemClock` (or `performance.now()` for a duration)
 * and says why where it does:
 * - the schedule that starts work (node-cron's ticks, the early re-checks after an action); a clock
 *   moved by hand (`onMove`) also starts the watcher's cycle each time it moves;
 * - what the store keeps itself (key and lease expiry: Redis's `PX`, and the local stores match it),
 *   and the deadlines of waits for a real process or socket (the store's start-up, a lock's wait);
 * - times another party checks against its own clock: a provider's request signature, Slack's
 *   request timestamp (`verified-request.ts`).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves once `ms` have passed on this clock. */
  sleep(ms: number): Promise<void>;
  /**
   * Only on a clock moved by hand (the playground's): `work` runs each time it moves, so what came
   * due starts then rather than at the next real-time tick; the move resolves once that work is
   * done. Returns what stops it. The system clock never jumps, so it has none.
   */
  onMove?(work: () => Promise<unknown>): () => void;
}

/** Production: the system clock and real timers. */
export const systemClock: Clock = {
  // Read at each call, not bound once: a test that fakes `Date` still moves it.
  now: () => Date.now(),
  sleep: (ms) => wait(ms),
};
