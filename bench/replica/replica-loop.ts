import type { Watcher } from '../../src/watcher/watcher.js';
import type { LoopCycle } from './replica-types.js';

/**
 * A replica's own schedule in the replica rows (issue #41): a cycle at every multiple of
 * `intervalMs` of the wall clock, skipped while the last one still runs, as the watcher's node-cron
 * schedule does (`*\/n` seconds, no overlap). Every replica therefore starts at the same moments,
 * and the bench knows when: a tick's cycles of all replicas are one "round".
 */
export class ReplicaLoop {
  readonly #watcher: Watcher;
  readonly #name: string;
  readonly #intervalMs: number;
  readonly #cycles: LoopCycle[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #peakRss = 0;

  constructor(watcher: Watcher, name: string, intervalMs: number) {
    this.#watcher = watcher;
    this.#name = name;
    this.#intervalMs = intervalMs;
    // What the watcher's own schedule would tell it: a cycle's waits for Slack end before the next tick.
    watcher.options.pollIntervalSeconds = intervalMs / 1000;
    this.#next();
  }

  #next(): void {
    if (this.#stopped) return;
    const now = Date.now();
    const tick = Math.ceil((now + 1) / this.#intervalMs) * this.#intervalMs;
    this.#timer = setTimeout(() => {
      if (!this.#running) this.#running = this.#cycle(tick).finally(() => (this.#running = undefined));
      this.#next();
    }, tick - now);
  }

  async #cycle(tick: number): Promise<void> {
    const start = Date.now();
    const cpu = process.cpuUsage();
    const report = await this.#watcher.runCycle().catch(() => undefined);
    const used = process.cpuUsage(cpu);
    this.#peakRss = Math.max(this.#peakRss, process.memoryUsage.rss());
    if (!report) return;
    this.#cycles.push({
      replica: this.#name,
      tick,
      start,
      end: Date.now(),
      polled: report.polled,
      leasedElsewhere: report.leasedElsewhere,
      cpuMs: Math.round((used.user + used.system) / 1000),
      cycleMs: report.ms,
      held: this.#watcher.leases.held,
    });
  }

  /** The cycles recorded since the last call (the loop goes on). */
  take(): LoopCycle[] {
    return this.#cycles.splice(0);
  }

  get peakRssMb(): number {
    return Math.round((this.#peakRss / 1024 ** 2) * 10) / 10;
  }

  /** Stops ticking, waits for a running cycle; returns the cycles not taken yet. */
  async stop(): Promise<LoopCycle[]> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
    return this.take();
  }
}
