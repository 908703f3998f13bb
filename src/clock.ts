import { setTimeout as wait } from 'node:timers/promises';

/**
 * The bot's one clock, built in `startBot` (`BotOptions.clock`) and passed to every service that reads the
 * time; tests move it by hand (`test/harness/test-clock.ts`). No module reads `Date.now()` itself
 * (`test/one-clock.test.ts`). Real time (`systemClock`, `performance.now()`), said where used, only for:
 * the schedule that starts work; what the store keeps itself (key and lease expiry, Redis's `PX`) and waits
 * on a real process or socket; times another party checks (provider signatures, Slack's timestamp).
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
