import { type DueWatch, dueRank, dueWatch, editOrder } from './cycle-delivery.js';
import { hashText, hashValue } from './hash53.js';
import { QuietMemos } from './quiet-memos.js';
import { type WatchRecord, type WatchTarget, watchKey } from './watch-store.js';

/**
 * Watches whose record need not be decoded this cycle. Every cycle used to decode and compare
 * every record; for a watch whose stored text, observation and clock all agree with the last
 * cycle's that changed nothing, the outcome is known: nothing to write, and at most its card to
 * redraw. Only watches with nothing to post are remembered (empty outbox, neither ended nor broken),
 * so a skipped watch adds nothing to the backlog or the failures of its cycle; one whose card waits
 * for the workspace's edit budget is remembered with its place in the edit order (`cardsDue`), since
 * after a busy minute most cards of a large workspace wait there for many cycles. Anything else
 * that writes the record (a card edit, a button, another replica, a recheck) changes its text, and
 * the next cycle decodes it again.
 *
 * Kept per process (`QuietMemos`: a few numbers per watch, no object or key string of its own);
 * what a cycle does not confirm is forgotten at its end, so watches that went away (or whose
 * connection another replica polls) leave nothing behind.
 */
export class QuietWatches {
  readonly #memos = new QuietMemos();
  #cycle = 1;

  /** Whether `key`'s record, stored as `text`, was quiet when last compared. */
  knows(key: string, text: string): boolean {
    const m = this.#memos;
    const slot = m.find(key);
    return slot >= 0 && m.cycle[slot]! >= this.#cycle - 1 && m.text[slot] === hashText(text);
  }

  /**
   * Whether the watch stays quiet with this observation at `now` (then it stays remembered).
   * Asked only of watches `knows` accepted.
   */
  stillQuiet(key: string, observation: unknown, now: number): boolean {
    const m = this.#memos;
    const slot = m.find(key);
    if (slot < 0 || now >= m.until[slot]! || m.seen[slot] !== hashValue(observation)) return false;
    m.cycle[slot] = this.#cycle;
    return true;
  }

  /**
   * After a comparison that changed nothing: remembers the watch if it has nothing pending.
   * `text`: the stored text `record` was decoded from; `until`: when the clock could change it.
   */
  remember(
    key: string,
    text: string | undefined,
    record: WatchRecord,
    observation: unknown,
    until: number,
  ): void {
    // The cycle reads a skipped watch's target from its key: only a record whose key names it.
    if (text === undefined || !onlyCardPending(record) || watchKey(record.watch) !== key) {
      this.forget(key);
      return;
    }
    const m = this.#memos;
    const slot = m.claim(key);
    m.text[slot] = hashText(text);
    m.seen[slot] = hashValue(observation);
    m.until[slot] = until;
    m.cycle[slot] = this.#cycle;
    m.cardRank[slot] = record.card.dirty ? dueRank(record) : -1;
    m.editedAt[slot] = record.card.editedAt ?? 0;
  }

  /**
   * The cards among these watches left as text that a delivery pass could redraw, without decoding
   * them (`knows` compared each text with the remembered record): per workspace, the `perTeam`
   * first in the edit order (`dueRank`, then the longest unedited, ties in the given order). A
   * workspace edits a few cards per budget window, yet after a busy minute a large one has tens of
   * thousands waiting: one delivery entry for each, held until the pass and sorted, was most of a
   * catch-up cycle's garbage, and all but the first few were skipped. `targets[i]` is `quiet[i]`'s
   * (the cycle parsed them already); keys in `skip` were decoded this cycle and are planned as such.
   */
  cardsDue(
    quiet: readonly { key: string }[],
    targets: readonly WatchTarget[],
    skip: ReadonlySet<string>,
    perTeam: number,
  ): DueWatch[] {
    if (perTeam <= 0) return [];
    const m = this.#memos;
    /** Whether slot `a`'s card comes strictly before slot `b`'s in the edit order. */
    const before = (a: number, b: number) =>
      editOrder(m.cardRank[a]!, m.editedAt[a]!, m.cardRank[b]!, m.editedAt[b]!) < 0;
    const first = new Map<string, { i: number; slot: number }[]>();
    for (let i = 0; i < quiet.length; i++) {
      const { key } = quiet[i]!;
      const slot = m.find(key);
      if (slot < 0 || m.cardRank[slot]! < 0 || skip.has(key)) continue;
      const teamId = targets[i]!.teamId;
      const chosen = first.get(teamId) ?? [];
      if (chosen.length === 0) first.set(teamId, chosen);
      if (chosen.length === perTeam && !before(slot, chosen[perTeam - 1]!.slot)) continue;
      let at = chosen.length;
      while (at > 0 && before(slot, chosen[at - 1]!.slot)) at--;
      chosen.splice(at, 0, { i, slot });
      if (chosen.length > perTeam) chosen.pop();
    }
    return [...first.values()].flatMap((chosen) =>
      chosen.map(({ i, slot }) =>
        dueWatch(quiet[i]!.key, targets[i]!.teamId, targets[i]!.channelId, {
          cardOnly: true,
          rank: m.cardRank[slot]!,
          editedAt: m.editedAt[slot]!,
        }),
      ),
    );
  }

  forget(key: string): void {
    this.#memos.release(key);
  }

  /** The cycle is over: what it did not confirm is forgotten. */
  endCycle(): void {
    this.#memos.releaseWhere((slot) => this.#memos.cycle[slot]! < this.#cycle);
    this.#cycle++;
  }
}

/**
 * Nothing a cycle would do for this record beyond comparing it and perhaps redrawing its card. A
 * task group's card also counts its tasks from a second list, which the observation's hash does
 * not cover.
 */
function onlyCardPending(r: WatchRecord): boolean {
  return r.outbox.length === 0 && !r.ended && !r.broken && r.watch.kind !== 'task-group';
}
