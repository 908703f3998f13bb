import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { AtomicKv } from '../store/atomic-kv.js';

/**
 * When a job fires: at every tick, before each watcher cycle polls (what the cycle must already
 * see, such as a window's pause) and on the scheduler's own timer; `each-cycle`, only at the tick
 * before each cycle (work that only the cycle shows, too costly for every timer tick); or every
 * `everyMs` on the bot's clock (at the first tick at or after it).
 */
export type Cadence = 'before-cycle' | 'each-cycle' | { everyMs: number };

/** What a tick is for: the cycle about to poll, or the scheduler's own timer. */
export type TickOf = 'cycle' | 'timer';

/**
 * One piece of timed work. A job calls providers on the background lane only
 * (`connections.provider(c, 'background')`): nobody waits on it.
 */
export interface Job {
  /** Unique among the jobs; names its lease and its firings in the store. */
  name: string;
  cadence: Cadence;
  /**
   * Across replicas: `lease`, only the replica holding `lease:<name>` runs it (work that must not
   * run twice at once, such as a window's edge); `each`, every replica runs it (its own work is
   * made unique elsewhere: a lock or a compare-and-set). A timed job (`everyMs`) always fires once
   * per period across replicas: its firing is claimed in the store.
   */
  replicas: 'lease' | 'each';
  /** `now`: the bot's clock when the firing began. */
  run(now: number): Promise<unknown>;
}

export interface SchedulerDeps {
  kv: AtomicKv;
  clock: Clock;
  logger: Logger;
  /** Who this replica is, and how long its leases live (the watcher's). */
  holder: string;
  leaseMs: number;
  /** Prefix of the firing claims (tests sharing a store keep apart). */
  keyPrefix?: string;
}

/**
 * The bot's one scheduler of timed work. It ticks beside the watcher's cycle, before the cycle
 * polls (`Watcher.beforeEachCycle`), and on its own timer (`every`), one tick at a time. Jobs run
 * in the order added; a job that fails is logged and the next one runs.
 */
export class Scheduler {
  readonly #d: SchedulerDeps;
  readonly #jobs: Job[] = [];
  /** Per timed job, the period it last fired in here (the store's claim decides across replicas). */
  readonly #fired = new Map<string, number>();
  #stopped = false;
  #ticking: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(deps: SchedulerDeps) {
    this.#d = deps;
  }

  add(...jobs: readonly Job[]): this {
    for (const job of jobs) {
      if (this.#jobs.some((j) => j.name === job.name)) throw new Error(`job ${job.name} added twice`);
      if (typeof job.cadence === 'object' && !(job.cadence.everyMs > 0))
        throw new Error(`job ${job.name}: everyMs must be positive`);
      this.#jobs.push(job);
    }
    return this;
  }

  /** The jobs' names, in the order they run. */
  names(): string[] {
    return this.#jobs.map((j) => j.name);
  }

  /**
   * Ticks on a timer of its own as well, every `everyMs` of real time, so timed work runs on time
   * between cycles and with the watcher's schedule off. A bot on an injected clock (a test) has no
   * timer: the test ticks it, or runs a cycle.
   */
  every(everyMs: number): this {
    if (this.#timer || !(everyMs > 0)) return this;
    this.#timer = setInterval(() => void this.tick('timer'), everyMs);
    this.#timer.unref();
    return this;
  }

  /**
   * Runs every job due now, in order; resolves when they are done (failures are logged). A tick
   * asked for while one runs waits for it and runs after it. A `timer` tick skips `each-cycle` jobs.
   */
  tick(of: TickOf = 'cycle'): Promise<void> {
    const previous = this.#ticking ?? Promise.resolve();
    const next = previous.then(() => this.#runDue(of));
    this.#ticking = next;
    void next.finally(() => {
      if (this.#ticking === next) this.#ticking = undefined;
    });
    return next;
  }

  async #runDue(of: TickOf): Promise<void> {
    for (const job of this.#jobs) {
      if (job.cadence === 'each-cycle' && of === 'timer') continue;
      if (this.#stopped) return;
      try {
        if (await this.#due(job)) await job.run(this.#d.clock.now());
      } catch (error) {
        this.#d.logger.error({ err: error, job: job.name }, 'a scheduled job failed');
      }
    }
  }

  /** No job starts after this (one already running finishes). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
  }

  async #due(job: Job): Promise<boolean> {
    const d = this.#d;
    if (job.cadence === 'before-cycle' || job.cadence === 'each-cycle')
      return job.replicas === 'each' || d.kv.acquireLease(`lease:${job.name}`, d.holder, d.leaseMs);
    const period = Math.floor(d.clock.now() / job.cadence.everyMs);
    if (this.#fired.get(job.name) === period) return false;
    // Once per period across replicas: the first replica to claim it fires it. Kept two periods
    // of real time at least (the store's expiry is real time; the period is the bot's clock).
    const claimed = await d.kv.claim(
      `${d.keyPrefix ?? ''}job:${job.name}:${period}`,
      Math.max(2 * job.cadence.everyMs, 60_000),
    );
    this.#fired.set(job.name, period);
    return claimed;
  }
}
