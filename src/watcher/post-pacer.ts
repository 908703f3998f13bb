import type { AtomicKv } from '../store/atomic-kv.js';
import type { Clock } from './clock.js';
import type { DeliveryStats, OutboxSettings } from './outbox-settings.js';
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
  readonly #clock: Clock;
  /** Team → time (the clock's ms) until which Slack asked us to wait (429) or is down. */
  readonly #pausedUntil = new Map<string, number>();
  /** Team → when Slack last took a call of ours, and when a backed-off post last probed it. */
  readonly #deliveredAt = new Map<string, number>();
  readonly #probedAt = new Map<string, number>();
  /**
   * Team → when a failure refused a slot may try again, and until when other posts leave the
   * workspace's budget to it.
   */
  readonly #failuresWaiting = new Map<string, { retryAt: number; until: number }>();

  constructor(backend: AtomicKv, settings: OutboxSettings, stats: DeliveryStats, clock: Clock) {
    this.#backend = backend;
    this.#settings = settings;
    this.#stats = stats;
    this.#clock = clock;
  }

  /** True while Slack asked this workspace's deliveries to wait. */
  paused(teamId: string): boolean {
    return (this.#pausedUntil.get(teamId) ?? 0) > this.#clock.now();
  }

  pause(teamId: string, ms: number): void {
    const until = this.#clock.now() + ms;
    if ((this.#pausedUntil.get(teamId) ?? 0) < until) this.#pausedUntil.set(teamId, until);
  }

  /** Slack took a call of ours for this workspace just now. */
  delivered(teamId: string): void {
    this.#deliveredAt.set(teamId, this.#clock.now());
  }

  /** When a failure waiting for a slot may try again (the clock's ms), if one waits. */
  failuresRetryAt(): number | undefined {
    const now = this.#clock.now();
    const waiting = [...this.#failuresWaiting.values()].filter((w) => w.until > now);
    return waiting.length === 0 ? undefined : Math.min(...waiting.map((w) => w.retryAt));
  }

  /** Every failure due was posted: other posts may use the budget again. */
  failuresOut(): void {
    this.#failuresWaiting.clear();
  }

  /** Whether a (possibly backed-off) entry may be tried now. */
  due(entry: OutboxEntry): boolean {
    const now = this.#clock.now();
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
   * short bursts allowed) is what several replies ending in one cycle would otherwise break. `first`
   * marks a failure's first announcement: it may use the workspace's headroom kept for failures.
   * `waitUntil` (the clock's ms) bounds the wait beside `maxWaitMs`.
   */
  async slot(entry: OutboxEntry, waitUntil?: number, first = false): Promise<boolean> {
    const pace = this.#settings.postPace;
    if (!pace || entry.type === 'audit') return true;
    const clock = this.#clock;
    if (!first && (this.#failuresWaiting.get(entry.teamId)?.until ?? 0) > clock.now()) {
      this.#stats.postsPaced++;
      return false;
    }
    const deadline = Math.min(clock.now() + pace.maxWaitMs, waitUntil ?? Number.POSITIVE_INFINITY);
    const { perChannel, perWorkspace } = pace;
    const max = first ? perWorkspace.failuresMax : perWorkspace.max;
    // Bounded: a few waits at most, and never past the deadline.
    for (let attempt = 0; attempt < 3; attempt++) {
      // The channel first: a slot it refuses costs the workspace's budget nothing.
      const channelHits = `posts:${entry.teamId}:${entry.channel}`;
      const waitMs =
        (await this.#backend.hit(channelHits, perChannel.windowMs, clock.now())) > perChannel.max
          ? perChannel.windowMs - (clock.now() % perChannel.windowMs)
          : await this.#backend.take(`workspace-posts:${entry.teamId}`, perWorkspace, max, clock.now());
      if (waitMs === 0) return true;
      if (attempt === 0) this.#stats.postsPaced++;
      const now = clock.now();
      if (now + waitMs > deadline) {
        // Until that slot frees and a little after, the workspace's slots go to failures first.
        if (first) {
          const retryAt = now + waitMs;
          this.#failuresWaiting.set(entry.teamId, { retryAt, until: retryAt + 2 * perWorkspace.slotMs });
        }
        return false;
      }
      await clock.sleep(waitMs);
    }
    return false;
  }
}
