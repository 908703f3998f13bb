import type { Logger } from '../logger.js';
import { SKIP } from '../store/atomic-kv.js';
import type { Clock } from './clock.js';
import { cardFacts } from './notification.js';
import type { DeliveryStats, OutboxSettings } from './outbox-settings.js';
import type { PostPacer } from './post-pacer.js';
import { DeliveryError, type WatchSlack } from './watch-slack.js';
import type { ChannelGone, Mailbox, WatchRecord, WatchStore } from './watch-store.js';

type AnyRecord = Mailbox &
  Partial<Pick<WatchRecord, 'parentTs' | 'card' | 'snapshot' | 'ended' | 'watch' | 'broken' | 'actions'>>;

export interface CardEditorDeps {
  store: WatchStore;
  slack: WatchSlack;
  pacer: PostPacer;
  stats: DeliveryStats;
  settings: OutboxSettings;
  logger: Logger;
  clock: Clock;
  /** Slack refused the card's channel: every watch there breaks. */
  breakChannel: (teamId: string, channelId: string, reason: ChannelGone) => Promise<void>;
}

/**
 * Redraws a watch's parent card when it changed meaningfully, within the workspace's edit budget
 * (Slack's `chat.update` tier): at most `editBudget.max` edits per window, the rest stay dirty for a
 * later cycle.
 */
export class CardEditor {
  readonly #o: CardEditorDeps;
  /** Team → end of the edit window whose budget is known to be spent (saves a counter hit per card). */
  readonly #budgetSpentUntil = new Map<string, number>();

  constructor(options: CardEditorDeps) {
    this.#o = options;
  }

  /**
   * True while no card of this workspace can be edited now: Slack asked it to wait, or its edit
   * window is known to be spent (counted as a deferred edit; the card stays dirty, a later cycle
   * edits it). Asked before reading a card, so a card that cannot be edited need not be read.
   */
  editsHeld(teamId: string): boolean {
    if (this.#o.pacer.paused(teamId)) return true;
    if ((this.#budgetSpentUntil.get(teamId) ?? 0) <= this.#o.clock.now()) return false;
    this.#o.stats.editsDeferred++;
    return true;
  }

  /**
   * Takes one edit of the workspace's budget (shared by cards and living posts, `living-editor.ts`):
   * false while edits are held or the window is spent (counted as deferred; a later cycle edits).
   */
  async spend(teamId: string): Promise<boolean> {
    if (this.editsHeld(teamId)) return false;
    const { store, stats, settings, clock } = this.#o;
    const budget = settings.editBudget;
    if ((await store.backend.hit(`edits:${teamId}`, budget.windowMs, clock.now())) > budget.max) {
      this.#budgetSpentUntil.set(teamId, (Math.floor(clock.now() / budget.windowMs) + 1) * budget.windowMs);
      stats.editsDeferred++;
      return false;
    }
    return true;
  }

  /** True when Slack refused the channel (the watch is then broken, the card stays dirty). */
  async edit(key: string): Promise<boolean> {
    const { store, stats, pacer, settings } = this.#o;
    const record = await store.read<AnyRecord>(key);
    if (!record?.card?.dirty || !record.parentTs || !record.snapshot || !record.watch || record.broken)
      return false;
    const teamId = record.watch.teamId;
    if (!(await this.spend(teamId))) return false;
    try {
      await this.#o.slack.editCard(teamId, {
        channel: record.watch.channelId,
        ts: record.parentTs,
        card: cardFacts(record as WatchRecord),
      });
      stats.edits++;
      pacer.delivered(teamId);
    } catch (thrown) {
      stats.slackErrors++;
      const error = DeliveryError.of(thrown);
      const gone = error.channelGone;
      if (gone) {
        await this.#o.breakChannel(teamId, record.watch.channelId, gone);
        return true;
      }
      switch (error.failure) {
        case 'rate-limited':
          stats.rateLimited++;
          pacer.pause(teamId, error.retryAfterMs ?? 1000);
          return false;
        case 'unavailable':
        case 'lost':
          pacer.pause(teamId, settings.slackBackoffMs);
          return false;
        case 'busy':
          return false;
        default:
          this.#o.logger.error({ err: thrown, key }, 'card edit refused by Slack; the card is left as it is');
      }
    }
    await this.#markShown(key, record.snapshot);
    return false;
  }

  /** The card shows `shown` now; it stays dirty only if the resource moved on meanwhile. */
  async #markShown(key: string, snapshot: NonNullable<AnyRecord['snapshot']>): Promise<void> {
    const shown = { state: snapshot.state, progress: snapshot.progress };
    const now = this.#o.clock.now();
    await this.#o.store.update<AnyRecord>(key, (current) => {
      if (!current?.card || !current.snapshot) return SKIP;
      const changedSince =
        current.snapshot.state !== shown.state || current.snapshot.progress !== shown.progress;
      return {
        ...current,
        card: {
          dirty: changedSince && current.card.dirty,
          shownState: shown.state,
          shownProgress: shown.progress,
          editedAt: now,
        },
      };
    });
  }
}
