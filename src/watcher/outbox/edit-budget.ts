import type { Clock } from '../clock.js';
import type { WatchStore } from '../records/watch-store.js';
import type { DeliveryStats, OutboxSettings } from './outbox-settings.js';
import type { PostPacer } from './post-pacer.js';

export interface EditBudgetDeps {
  store: WatchStore;
  pacer: PostPacer;
  stats: DeliveryStats;
  settings: OutboxSettings;
  clock: Clock;
}

/**
 * A workspace's edit budget (Slack's `chat.update` tier), shared by every edit of a card or post
 * (`living-editor.ts`): at most `editBudget.max` edits per window. The records whose edits it
 * deferred are kept (in this replica's memory, bounded) and handed back when the window reopens
 * (`reopened`), so they are edited then rather than a poll interval later.
 */
export class EditBudget {
  readonly #o: EditBudgetDeps;
  /** Team → end of the edit window whose budget is known to be spent (saves a counter hit per card). */
  readonly #budgetSpentUntil = new Map<string, number>();
  /** Team → the records whose edits wait for the budget, in the order they were deferred. */
  readonly #deferred = new Map<string, Set<string>>();

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

  /** The record's edits wait for this workspace's budget: handed back by `reopened`. */
  defer(teamId: string, key: string): void {
    const keys = this.#deferred.get(teamId) ?? new Set<string>();
    this.#deferred.set(teamId, keys);
    if (keys.size < MAX_DEFERRED_PER_TEAM) keys.add(key);
  }

  /** True when an edit of this workspace may be tried now (nothing counted). */
  open(teamId: string): boolean {
    return !this.#o.pacer.paused(teamId) && (this.#budgetSpentUntil.get(teamId) ?? 0) <= this.#o.clock.now();
  }

  /** The deferred records of each workspace whose budget may be spent again, taken from the list. */
  reopened(): [teamId: string, keys: string[]][] {
    const out: [string, string[]][] = [];
    for (const [teamId, keys] of this.#deferred) {
      if (!this.open(teamId)) continue;
      this.#deferred.delete(teamId);
      out.push([teamId, [...keys]]);
    }
    return out;
  }
}

/** A cycle's delivery pass edits a workspace's first cards only (`cardsPerPass`); this bounds memory. */
const MAX_DEFERRED_PER_TEAM = 1_000;
