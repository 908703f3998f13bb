import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../../src/clock.js';

/**
 * The watcher's clock in tests (`WatcherOptions.clock`): `base()` (a simulator's clock, say) plus
 * what the test and the watcher's own waits added. A wait does not wait for wall time: it moves
 * this clock forward at once, so pace windows, probes and back-offs take no real time and turn
 * the same way on a busy machine as on an idle one. To let time pass, a test calls `advance`.
 */
export class TestClock implements Clock {
  /** What was added to `base()`: by `advance`, and by every wait. */
  skewMs = 0;
  readonly #base: () => number;

  constructor(base: () => number = () => Date.now()) {
    this.#base = base;
  }

  now(): number {
    return this.#base() + this.skewMs;
  }

  /** Moves this clock only (a simulator's resources stay where they were). */
  advance(ms: number): void {
    this.skewMs += ms;
  }

  /** Moves this clock to the instant `iso` names, never back (a test that goes back is wrong). */
  moveTo(iso: string): void {
    const target = Date.parse(iso);
    if (!(target >= this.now()))
      throw new Error(`TestClock.moveTo(${iso}): not ahead of ${new Date(this.now()).toISOString()}`);
    this.skewMs = target - this.#base();
  }

  /** Lets what is already due run (one turn of the loop), then moves this clock to `ms` from now. */
  async sleep(ms: number): Promise<void> {
    const until = this.now() + ms;
    await nextTurn();
    // Never back: a wait that others' waits already carried past its end just returns.
    this.skewMs += Math.max(0, until - this.now());
  }

  /** Moves this clock to the start of the next fixed window `windowMs` wide (epoch-aligned). */
  toNextWindow(windowMs: number): void {
    this.advance(windowMs - (this.now() % windowMs));
  }
}
