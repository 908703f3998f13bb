import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CycleReport, Loaded, StoredText } from './cycle-report.js';
import { RECORDS_PER_TURN } from './loop-turns.js';
import type { Watched } from './observe.js';
import {
  type DueWatch,
  dueRank,
  dueWatch,
  editOrder,
  type Polled,
  planDelivery,
} from './outbox/cycle-delivery.js';
import { cardOf, duePosts } from './outbox/living-posts.js';
import { QuietMemos } from './quiet-memos.js';
import { hashText, hashValue } from './records/hash53.js';
import {
  channelKey,
  type WatchRecord,
  type WatchStore,
  type WatchTarget,
  watchKey,
  watchTargetOf,
} from './records/watch-store.js';
import type { Observation } from './transitions.js';

/**
 * The poll cycle's one door to the quiet-watch shortcut (ADR 0004): a watch whose text, observation and
 * clock agree with the last cycle's that changed nothing is not decoded. `read` gives the cycle its records
 * (`CycleRecords`) with those left as text; the cycle never asks which were skipped. Only watches with
 * nothing to post are remembered (a card waiting for the edit budget keeps its place); any write changes
 * the text. Per process; what a cycle does not confirm is forgotten at its end.
 */
export class QuietWatches {
  readonly #memos = new QuietMemos();
  #cycle = 1;

  /**
   * A connection's records, those remembered as quiet with the same stored text left undecoded
   * (all decoded when `decodeAll`: a recheck, or a connection with subscriptions to find).
   */
  async read(
    store: WatchStore,
    keys: readonly string[],
    options: { decodeAll: boolean },
    report: CycleReport,
  ): Promise<CycleRecords> {
    const skips = !options.decodeAll;
    const { loaded, texts } = await store.loadUnless(keys, (key, raw) => skips && this.knows(key, raw));
    report.quiet += texts.length;
    return new CycleRecords(this, store, loaded, texts);
  }

  /** Whether `key`'s record, stored as `text`, was quiet when last compared. */
  knows(key: string, text: string): boolean {
    const m = this.#memos;
    const slot = m.find(key);
    return slot >= 0 && m.cycle[slot]! >= this.#cycle - 1 && m.text[slot] === hashText(text);
  }

  /** Whether a known watch stays quiet with this observation at `now` (then it stays remembered). */
  stillQuiet(key: string, observation: Observation, now: number): boolean {
    const m = this.#memos;
    const slot = m.find(key);
    if (slot < 0 || now >= m.until[slot]! || m.seen[slot] !== observedHash(observation)) return false;
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
    observation: Observation,
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
    m.seen[slot] = observedHash(observation);
    m.until[slot] = until;
    m.cycle[slot] = this.#cycle;
    const card = cardOf(record);
    m.cardRank[slot] = card?.dirty ? dueRank(record) : -1;
    m.editedAt[slot] = card?.shown.at ?? 0;
  }

  /**
   * The cards among these undecoded watches a delivery pass could redraw: per workspace the `perTeam`
   * first in edit order (`dueRank`, then longest unedited, ties as given), not one entry per waiting
   * card (tens of thousands after a busy minute: most of a catch-up cycle's garbage). `targets[i]` is
   * `quiet[i]`'s; keys in `skip` were decoded this cycle and are planned as such.
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
    const m = this.#memos;
    m.releaseWhere((slot) => m.cycle[slot]! < this.#cycle);
    this.#cycle++;
  }
}

/**
 * One connection's watch records as a cycle holds them: decoded, or left as text while quiet. The
 * cycle asks it what to observe, which records to compare, and what to deliver.
 */
export class CycleRecords {
  /** Records decoded this cycle: as read, then those subscriptions created, then quiet ones that moved. */
  readonly decoded: Loaded[];
  /** Decoded records that are polled: a broken watch is not (nothing can be posted about it). */
  readonly #active: Loaded[];
  readonly #quiet: readonly StoredText[];
  /** `#quiet[i]`'s target, read from its key (`QuietWatches` remembers only records whose key names it). */
  readonly #targets: readonly WatchTarget[];
  /** Quiet records decoded after observing (their observation or clock moved). */
  readonly #decodedQuiet = new Set<string>();
  readonly #watches: QuietWatches;
  readonly #store: WatchStore;

  constructor(watches: QuietWatches, store: WatchStore, decoded: Loaded[], quiet: StoredText[]) {
    this.#watches = watches;
    this.#store = store;
    this.decoded = decoded;
    this.#active = decoded.filter(isActive);
    this.#quiet = quiet;
    this.#targets = quiet.map((t) => watchTargetOf(t.key)!);
  }

  get empty(): boolean {
    return this.decoded.length === 0 && this.#quiet.length === 0;
  }

  /** The channels of every record read (a broken watch's excepted), for the digest pass. */
  channels(): string[] {
    const decoded = this.decoded.filter((w) => !w.record.broken).map((w) => w.record.watch);
    return [...decoded, ...this.#targets].map((t) => channelKey(t.teamId, t.channelId));
  }

  /** What to observe: the active records and the quiet ones. */
  watched(): Watched[] {
    return [
      ...this.#active.map(({ key, record }) => ({
        key,
        kind: record.watch.kind,
        id: record.watch.id,
        follow: record.follow,
      })),
      ...this.#targets.map(({ kind, id }, i) => ({ key: this.#quiet[i]!.key, kind, id })),
    ];
  }

  /** Watches subscriptions just created: delivered this cycle, observed from the next. */
  add(created: readonly Loaded[]): void {
    this.decoded.push(...created);
  }

  /** Every record, the quiet ones decoded for the occasion (health notices name every channel: rare). */
  every(): Loaded[] {
    return [...this.decoded, ...this.#quiet.map((t) => this.#store.decode(t))];
  }

  /**
   * The active records with an observation, to compare: a quiet one is decoded and joins them only
   * if its observation or the clock moved.
   */
  async toCompare(observations: ReadonlyMap<string, Observation>, now: number): Promise<Loaded[]> {
    for (const [i, text] of this.#quiet.entries()) {
      if (i > 0 && i % RECORDS_PER_TURN === 0) await nextTurn();
      const observation = observations.get(text.key);
      if (!observation || this.#watches.stillQuiet(text.key, observation, now)) continue;
      const loaded = this.#store.decode(text);
      this.#decodedQuiet.add(text.key);
      this.decoded.push(loaded);
      if (isActive(loaded)) this.#active.push(loaded);
    }
    return this.#active.filter((w) => observations.has(w.key));
  }

  /** A comparison found nothing to write: remembered if nothing is pending (`diff`'s `quietUntil`). */
  unchanged(loaded: Loaded, observation: Observation, planned: { quietUntil: number }): void {
    this.#watches.remember(loaded.key, loaded.raw, loaded.record, observation, planned.quietUntil);
  }

  /** A comparison found something to write: decoded again next cycle. */
  changing(key: string): void {
    this.#watches.forget(key);
  }

  /**
   * What the connection's poll leaves to deliver. A quiet card left undecoded is still redrawn
   * when the budget allows (also while its connection fails); a decoded one is planned from its
   * record, even if comparing it remembered it again just now.
   */
  plan(latest: ReadonlyMap<string, WatchRecord>, cardsPerPass: number): Polled {
    const cards = this.#watches.cardsDue(this.#quiet, this.#targets, this.#decodedQuiet, cardsPerPass);
    return planDelivery(this.decoded, latest, cards, cardsPerPass);
  }
}

function isActive(w: Loaded): boolean {
  return !w.record.ended && !w.record.broken;
}

/**
 * Nothing a cycle would do for this record beyond comparing it and perhaps redrawing its card. A
 * task group's card also counts its tasks from a second list, which the observation does not
 * cover.
 */
function onlyCardPending(r: WatchRecord): boolean {
  return (
    r.outbox.length === 0 &&
    !r.ended &&
    !r.broken &&
    r.watch.kind !== 'task-group' &&
    duePosts(r).every((p) => p.kind === 'card')
  );
}

/**
 * What a quiet watch's observation is compared by: what the provider said, not when it said it
 * (`seenAt` moves every poll; a sample it stamps is taken only when something else changed).
 */
function observedHash(observation: Observation): number {
  if (!('seenAt' in observation)) return hashValue(observation);
  const { seenAt: _when, ...said } = observation;
  return hashValue(said);
}
