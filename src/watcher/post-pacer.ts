import type { AtomicKv } from '../store/atomic-kv.js';
import type { DeliveryStats, OutboxSettings, Window } from './outbox-settings.js';
import type { OutboxEntry } from './watch-store.js';

/**
 * When this replica may call Slack for a workspace: paused while Slack asked it to wait (429) or is
 * down, paced per channel and per workspace (windows counted in the store, so replicas share them),
 * and, after an outage, probing with one post at a time until Slack takes one again.
 */
export class PostPacer {
  readonly #backend: AtomicKv;
  readonly #settings: OutboxSettings;
  readonly #stats: DeliveryStats;
  /** Team → wall-clock ms until which Slack asked us to wait (429) or is down. */
  readonly #pausedUntil = new Map<string, number>();
  /** Team → wall-clock ms Slack last took a call of ours, and when a backed-off post last probed it. */
  readonly #deliveredAt = new Map<string, number>();
  readonly #probedAt = new Map<string, number>();
  /** Team → wall-clock ms until which failures wait for a slot: other posts leave the budget to them. */
  readonly #failuresWaiting = new Map<string, number>();

  constructor(backend: AtomicKv, settings: OutboxSettings, stats: DeliveryStats) {
    this.#backend = backend;
    this.#settings = settings;
    this.#stats = stats;
  }

  /** True while Slack asked this workspace's deliveries to wait. */
  paused(teamId: string): boolean {
    return (this.#pausedUntil.get(teamId) ?? 0) > Date.now();
  }

  pause(teamId: string, ms: number): void {
    const until = Date.now() + ms;
    if ((this.#pausedUntil.get(teamId) ?? 0) < until) this.#pausedUntil.set(teamId, until);
  }

  /** Slack took a call of ours for this workspace just now. */
  delivered(teamId: string): void {
    this.#deliveredAt.set(teamId, Date.now());
  }

  /** True while a failure waits for this replica's next posting window (it did not get a slot). */
  failuresWaiting(): boolean {
    const now = Date.now();
    return [...this.#failuresWaiting.values()].some((until) => until > now);
  }

  /** Every failure due was posted: other posts may use the budget again. */
  failuresOut(): void {
    this.#failuresWaiting.clear();
  }

  /** Whether a (possibly backed-off) entry may be tried now. */
  due(entry: OutboxEntry): boolean {
    const now = Date.now();
    if ((entry.notBefore ?? 0) <= now) return true;
    // Slack took a post since this one failed: the outage its backoff was for is over.
    if (entry.failedAt !== undefined && entry.failedAt < (this.#deliveredAt.get(entry.teamId) ?? 0))
      return true;
    if (now - (this.#probedAt.get(entry.teamId) ?? 0) < this.#settings.recoveryProbeMs) return false;
    this.#probedAt.set(entry.teamId, now);
    return true;
  }

  /**
   * Takes a posting slot in the entry's channel and workspace, waiting for the next window when the
   * current one is spent and the wait is short. Slack's per-channel limit (about one post per second,
   * short bursts allowed) is what several replies ending in one cycle would otherwise break.
   */
  async slot(entry: OutboxEntry, waitUntil?: number, first = false): Promise<boolean> {
    const pace = this.#settings.postPace;
    if (!pace || entry.type === 'audit') return true;
    if (!first && (this.#failuresWaiting.get(entry.teamId) ?? 0) > Date.now()) {
      this.#stats.postsPaced++;
      return false;
    }
    const started = performance.now();
    const deadline = Math.min(started + pace.maxWaitMs, waitUntil ?? Number.POSITIVE_INFINITY);
    const windows: [string, Window][] = [
      [`posts:${entry.teamId}:${entry.channel}`, pace.perChannel],
      [`posts:${entry.teamId}`, pace.perWorkspace],
    ];
    // Bounded: a few waits at most, and never past the deadline.
    for (let attempt = 0; attempt < 3; attempt++) {
      let waitMs = 0;
      for (const [key, window] of windows) {
        if ((await this.#backend.hit(key, window.windowMs)) <= window.max) continue;
        waitMs = window.windowMs - (Date.now() % window.windowMs);
        break;
      }
      if (waitMs === 0) return true;
      if (attempt === 0) this.#stats.postsPaced++;
      if (performance.now() + waitMs > deadline) {
        // Until the end of the next window, that window's slots go to failures first.
        const windowMs = pace.perWorkspace.windowMs;
        if (first)
          this.#failuresWaiting.set(entry.teamId, (Math.floor(Date.now() / windowMs) + 2) * windowMs);
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    return false;
  }
}
