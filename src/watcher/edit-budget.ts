import type { Clock } from './clock.js';
import type { DeliveryStats, OutboxSettings } from './outbox-settings.js';
import type { PostPacer } from './post-pacer.js';
import type { WatchStore } from './watch-store.js';

export interface EditBudgetDeps {
  store: WatchStore;
  pacer: PostPacer;
  stats: DeliveryStats;
  settings: OutboxSettings;
  clock: Clock;
}

/**
 * A workspace's edit budget (Slack's `chat.update` tier), shared by every edit of a card or post
 * (`living-editor.ts`): at most `editBudget.max` edits per window, the rest stay due for a later
 * cycle.
 */
export class EditBudget {
  readonly #o: EditBudgetDeps;
  /** Team → end of the edit window whose budget is known to be spent (saves a counter hit per card). */
  readonly #budgetSpentUntil = new Map<string, number>();

  constructor(options: EditBudgetDeps) {
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
   * Takes one edit of the workspace's budget: false while edits are held or the window is spent
   * (counted as deferred; a later cycle edits).
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
}
