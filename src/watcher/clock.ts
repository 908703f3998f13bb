import { setTimeout as wait } from 'node:timers/promises';

/**
 * The watcher's one clock. Every time the watcher reads (stamps, windows, back-offs, deadlines)
 * and every wait inside its work (a post waiting for its pace window, failures waiting for a
 * slot) go through the clock in `WatcherOptions.clock`, handed down as a constructor argument or
 * a `now` parameter. A test gives it a clock it moves by hand, and everything moves with it.
 *
 * Two things stay on real time, by design: the schedule that starts work (node-cron's ticks and
 * the early re-checks after an action, plain timers), and what the store keeps itself (lease and
 * key expiry: Redis's `PX`, a local store's expiry).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves once `ms` have passed on this clock. */
  sleep(ms: number): Promise<void>;
}

/** Production: the system clock and real timers. */
export const systemClock: Clock = {
  // Read at each call, not bound once: a test that fakes `Date` still moves it.
  now: () => Date.now(),
  sleep: (ms) => wait(ms),
};
