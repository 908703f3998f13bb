import { randomBytes } from 'node:crypto';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import type { Clock } from '../clock.js';
import type { OutboxEntry } from '../records/watch-store.js';
import type { DeliveryStats, OutboxSettings } from './outbox-settings.js';
import { NO_HOLD, StoreHolds, type TeamHold } from './slack-holds.js';

/**
 * When this replica may call Slack for a workspace: paused while Slack asked it to wait (429) or is
 * down, paced per channel and per workspace (windows counted in the store, so replicas share them),
 * and, after an outage, probing with one post at a time until Slack takes one again. On Redis the
 * pause, the probe and the failure reservation are the workspace's, in the store (`slack-holds.ts`):
 * when Slack tells one replica to wait, every replica waits.
 */
export class PostPacer {
  readonly #backend: AtomicKv;
  readonly #settings: OutboxSettings;
  readonly #stats: DeliveryStats;
  readonly #clock: Clock;
  /** Where the pauses, probes and failure reservations are shared by replicas: on Redis only. */
  readonly #holds: StoreHolds | undefined;
  /** Team → its hold as this replica last read or wrote it (the sync questions read this). */
  readonly #view = new Map<string, TeamHold>();
  /** Team → this replica's write of its hold still on the way to the store. */
  readonly #writing = new Map<string, Promise<unknown>>();
  /** Entry key → whether this replica won the workspace's probe that `due` let the entry make. */
  readonly #probes = new Map<string, Promise<boolean>>();
  /** Names this pacer's failure reservations, so it lifts only its own. */
  readonly #id = randomBytes(4).toString('hex');

  constructor(backend: AtomicKv, settings: OutboxSettings, stats: DeliveryStats, clock: Clock) {
    this.#backend = backend;
    this.#settings = settings;
    this.#stats = stats;
    this.#clock = clock;
    this.#holds = backend.kind === 'redis' ? new StoreHolds(backend) : undefined;
  }

  /** True while Slack asked this workspace's deliveries to wait. */
  paused(teamId: string): boolean {
    return this.#hold(teamId).pausedUntil > this.#clock.now();
  }

  pause(teamId: string, ms: number): void {
    const until = this.#clock.now() + ms;
    this.#note(teamId, (h) => (h.pausedUntil >= until ? SKIP : { ...h, pausedUntil: until }));
  }

  /** Slack took a call of ours for this workspace just now. */
  delivered(teamId: string): void {
    const now = this.#clock.now();
    const hold = this.#hold(teamId);
    // Only after a pause does anyone ask when Slack took a call: no store write for every post.
    const share = hold.pausedUntil > 0 || hold.probedAt > 0;
    this.#note(teamId, (h) => (h.deliveredAt >= now ? SKIP : { ...h, deliveredAt: now }), share);
  }

  /** When a failure waiting for a slot may try again (the clock's ms), if one waits. */
  failuresRetryAt(): number | undefined {
    const now = this.#clock.now();
    const waiting = [...this.#view.values()].flatMap((h) =>
      h.failures && h.failures.until > now ? [h.failures.retryAt] : [],
    );
    return waiting.length === 0 ? undefined : Math.min(...waiting);
  }

  /** Every failure due was posted: other posts may use the budget again (this replica's reservations). */
  failuresOut(): void {
    for (const [teamId, hold] of this.#view)
      if (hold.failures?.by === this.#id)
        this.#note(teamId, (h) => (h.failures?.by === this.#id ? { ...h, failures: undefined } : SKIP));
  }

  /** Whether a (possibly backed-off) entry may be tried now. */
  due(entry: OutboxEntry): boolean {
    const now = this.#clock.now();
    if ((entry.notBefore ?? 0) <= now) return true;
    const hold = this.#hold(entry.teamId);
    // Slack took a post since this one failed: the outage its backoff was for is over.
    if (entry.failedAt !== undefined && entry.failedAt < hold.deliveredAt) return true;
    const probeMs = this.#settings.recoveryProbeMs;
    if (now - hold.probedAt < probeMs) return false;
    const probe = this.#note(entry.teamId, (h) =>
      now - h.probedAt < probeMs ? SKIP : { ...h, probedAt: now, probedBy: this.#id },
    );
    // Replicas share the probe: the one whose write took it probes (`slot` waits for the answer).
    if (this.#holds)
      this.#probes.set(
        entry.key,
        probe.then((h) => h?.probedAt === now && h.probedBy === this.#id),
      );
    return true;
  }

  /**
   * Applies `fn` to this replica's view at once, and to the store's holds (when shared, unless
   * `share` is false). Resolves with the hold as written, or undefined when the store failed: the
   * view holds what this replica knows, and the next read brings the others' news.
   */
  #note(
    teamId: string,
    fn: (hold: TeamHold) => TeamHold | typeof SKIP,
    share = true,
  ): Promise<TeamHold | undefined> {
    const next = fn(this.#hold(teamId));
    if (next !== SKIP) this.#view.set(teamId, next);
    const holds = this.#holds;
    if (!share || !holds) return Promise.resolve(next === SKIP ? undefined : next);
    const before = this.#writing.get(teamId);
    const written = (async () => {
      await before;
      const hold = await holds.change(teamId, fn);
      this.#view.set(teamId, hold);
      return hold;
    })().catch(() => undefined);
    this.#writing.set(teamId, written);
    void written.then(() => {
      if (this.#writing.get(teamId) === written) this.#writing.delete(teamId);
    });
    return written;
  }

  /** Resolves once this replica's writes of the holds reached the store (or failed). */
  async settled(): Promise<void> {
    await Promise.all([...this.#writing.values()]);
  }

  #hold(teamId: string): TeamHold {
    return this.#view.get(teamId) ?? NO_HOLD;
  }

  /**
   * Shared holds: reads what the other replicas wrote (after this replica's own writes land), and
   * false when this entry may not go now: its probe went to another replica, or Slack asked the
   * workspace to wait. One read per post, on Redis only.
   */
  async #shared(entry: OutboxEntry): Promise<boolean> {
    if (!this.#holds || entry.type === 'audit') return true;
    const probe = this.#probes.get(entry.key);
    this.#probes.delete(entry.key);
    if (probe && !(await probe)) return false;
    await this.#writing.get(entry.teamId);
    this.#view.set(entry.teamId, await this.#holds.read(entry.teamId));
    return !this.paused(entry.teamId);
  }

  /**
   * Takes a posting slot in the entry's channel and workspace, waiting for the next window when the
   * current one is spent and the wait is short. Slack's per-channel limit (about one post per second,
   * short bursts allowed) is what several replies ending in one cycle would otherwise break. `first`
   * marks a failure's first announcement: it may use the workspace's headroom kept for failures.
   * `waitUntil` (the clock's ms) bounds the wait beside `maxWaitMs`.
   */
  async slot(entry: OutboxEntry, waitUntil?: number, first = false): Promise<boolean> {
    if (!(await this.#shared(entry))) return false;
    const pace = this.#settings.postPace;
    if (!pace || entry.type === 'audit') return true;
    const clock = this.#clock;
    if (!first && (this.#hold(entry.teamId).failures?.until ?? 0) > clock.now()) {
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
          const failures = { retryAt, until: retryAt + 2 * perWorkspace.slotMs, by: this.#id };
          this.#note(entry.teamId, (h) => ({ ...h, failures }));
        }
        return false;
      }
      await clock.sleep(waitMs);
      // Slack may have told another replica to wait meanwhile.
      if (!(await this.#shared(entry))) return false;
    }
    return false;
  }
}
