import { type Clock, systemClock } from '../../src/clock.js';

/** What a simulator's clock offers to be moved with the playground's (`SimClock`). */
export interface MovableClock {
  advance(ms: number): void;
}

/**
 * The playground's one clock: real time plus what was moved forward by hand. The bot reads it
 * (`startBot`'s clock), and `advance` moves the bot and every simulator that follows it together,
 * so a screenshot test sees a failure, a window's edge, a reminder or a delta run a minute away
 * at once instead of waiting for it. Waits stay real time (a cycle every few seconds), so the page
 * and the watcher turn as a person sees them; a move also starts the watcher's cycle then
 * (`onMove`), so what came due is seen at once, and `advance` resolves once it has been. A
 * person's `npm start` never moves it.
 *
 * A provider checks a request's signature time (the bot's real time) against its own clock: NCP
 * allows 5 minutes of skew, Huawei 15. Moved past that, a simulator would refuse the bot's
 * requests, so `advance` refuses first.
 */
export class PlaygroundClock implements Clock {
  /** Within the strictest simulator's signature window (NCP's 5 minutes), with a margin. */
  static readonly MAX_SKEW_MS = 4.5 * 60_000;
  #skewMs = 0;
  readonly #followers: MovableClock[] = [];
  readonly #onMove = new Set<() => Promise<unknown>>();

  now(): number {
    return systemClock.now() + this.#skewMs;
  }

  sleep(ms: number): Promise<void> {
    return systemClock.sleep(ms);
  }

  /** How far it has been moved ahead of real time. */
  get skewMs(): number {
    return this.#skewMs;
  }

  /** A simulator's clock moved with this one from now on. */
  follow(clock: MovableClock): void {
    this.#followers.push(clock);
  }

  onMove(work: () => Promise<unknown>): () => void {
    // A function of its own per registration: the same work registered twice runs twice.
    const entry = () => work();
    this.#onMove.add(entry);
    return () => this.#onMove.delete(entry);
  }

  /**
   * Moves the bot's time and every follower's `ms` forward; resolves once the work started by the
   * move (the watcher's cycle) is done. A failure there is that work's to log, not the mover's.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new Error(`PlaygroundClock.advance(${ms}): time only moves forward`);
    if (this.#skewMs + ms > PlaygroundClock.MAX_SKEW_MS)
      throw new Error(
        `PlaygroundClock.advance(${ms}): ${Math.round((this.#skewMs + ms) / 1000)} s ahead would put ` +
          'request signatures outside the simulators’ signature window',
      );
    this.#skewMs += ms;
    for (const follower of this.#followers) follower.advance(ms);
    await Promise.all([...this.#onMove].map((work) => work().catch(() => undefined)));
  }

  /** Moves it to `at` (epoch ms), or leaves it when it is already there. */
  advanceTo(at: number): Promise<void> {
    return this.advance(Math.max(0, at - this.now()));
  }
}
