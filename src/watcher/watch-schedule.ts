import cron, { type ScheduledTask } from 'node-cron';
import { cronLogger, type Logger } from '../logger.js';
import type { WatcherOptions } from './watcher-options.js';

/** Re-checks after an action at most (3 s, 10 s, then every 10 s: about a minute and a half). */
const SETTLE_CHECKS = 9;

/** What the schedule reads of the watcher's options, when it uses them (they may change meanwhile). */
export type ScheduleOptions = Pick<WatcherOptions, 'pollIntervalSeconds' | 'recheckAfterMs' | 'clock'>;

/** The work the schedule starts. */
export interface ScheduledWork {
  /** One cycle; `lastStart` is when the last one began (on the clock). */
  cycle: () => Promise<unknown>;
  lastStart: () => number;
  /** The cycle under way, if one is. */
  running: () => Promise<unknown> | undefined;
}

/**
 * When the watcher works: a node-cron tick every `pollIntervalSeconds`, and re-checks `recheckAfterMs`
 * after an action the provider says is under way: its only real timers. Inside the work every time read
 * and wait goes through the watcher's clock (`clock.ts`), so tests run `runCycle` and move it; a clock
 * moved by hand (`Clock.onMove`) starts a cycle on each move, not at the next real tick.
 */
export class WatchSchedule {
  readonly #options: ScheduleOptions;
  readonly #work: ScheduledWork;
  readonly #logger: Logger;
  #task: ScheduledTask | undefined;
  #unfollowMoves: (() => void) | undefined;
  #stopped = false;
  readonly #rechecks = new Set<NodeJS.Timeout>();
  readonly #rechecking = new Set<Promise<void>>();
  readonly #idleWaiters: (() => void)[] = [];

  constructor(options: ScheduleOptions, work: ScheduledWork, logger: Logger) {
    this.#options = options;
    this.#work = work;
    this.#logger = logger;
  }

  /** Starts the node-cron schedule; false when there is none (interval 0, stopped, started). */
  start(): boolean {
    const interval = this.#options.pollIntervalSeconds;
    if (interval <= 0 || this.#task || this.#stopped) return false;
    // Whole divisors of a minute map onto the seconds field; other intervals tick every second.
    const even = interval < 60 && 60 % interval === 0;
    this.#task = cron.schedule(even ? `*/${interval} * * * * *` : '* * * * * *', () => this.#tick(even), {
      name: 'migrate-bot-watcher',
      noOverlap: true,
      logger: cronLogger(this.#logger),
    });
    this.#unfollowMoves = this.#options.clock.onMove?.(() => this.#cycleAfterMove());
    return true;
  }

  /**
   * A cycle that starts after the clock moved. One under way may have read the time before the
   * move, so it is waited for; whoever starts the next one (this, or a tick meanwhile), it reads
   * the moved time, and this resolves when it is done.
   */
  async #cycleAfterMove(): Promise<void> {
    for (let running = this.#work.running(); running; running = this.#work.running())
      await running.catch(() => undefined);
    if (this.#stopped) return;
    await this.#tick(true);
  }

  async #tick(even: boolean): Promise<void> {
    const { clock, pollIntervalSeconds } = this.#options;
    if (!even && clock.now() - this.#work.lastStart() < pollIntervalSeconds * 1000) return;
    try {
      await this.#work.cycle();
    } catch (error) {
      // A store outage is an error worth a log line every cycle, never a silent "nothing to do".
      this.#logger.error({ err: error }, 'watch cycle failed');
    }
  }

  /**
   * After an action whose outcome the provider takes a while to show (a pause, a delete): runs
   * `check` after each `recheckAfterMs` delay and then every last delay, until it says the state
   * settled (and showed it), at most `SETTLE_CHECKS` times. A check that throws counts as not settled.
   */
  settleSoon(check: () => Promise<boolean>): void {
    const delays = this.#options.recheckAfterMs;
    if (delays.length === 0) return;
    const next = (attempt: number) => {
      if (this.#stopped || attempt >= SETTLE_CHECKS) return;
      const timer = setTimeout(
        () => {
          this.#rechecks.delete(timer);
          if (this.#stopped) return this.#tellIfIdle();
          const running = check()
            .catch((error: unknown) => {
              this.#logger.warn({ err: error }, 'a re-check after an action failed; trying again');
              return false;
            })
            .then((settled) => {
              if (!settled) next(attempt + 1);
            })
            .finally(() => {
              this.#rechecking.delete(running);
              this.#tellIfIdle();
            });
          this.#rechecking.add(running);
        },
        delays[Math.min(attempt, delays.length - 1)],
      );
      timer.unref();
      this.#rechecks.add(timer);
    };
    next(0);
  }

  /** Resolves once no re-check is waiting or running (a test counts what an action cost). */
  idle(): Promise<void> {
    if (this.#rechecks.size === 0 && this.#rechecking.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #tellIfIdle(): void {
    if (this.#rechecks.size > 0 || this.#rechecking.size > 0) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /** No more ticks or re-checks; resolves once the re-checks under way are done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unfollowMoves?.();
    await this.#task?.destroy();
    this.#task = undefined;
    for (const timer of this.#rechecks) clearTimeout(timer);
    this.#rechecks.clear();
    await Promise.all(this.#rechecking);
    this.#tellIfIdle();
  }
}
