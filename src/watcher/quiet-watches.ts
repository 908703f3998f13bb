import { type DueWatch, dueRank, dueWatch } from './cycle-delivery.js';
import { type WatchRecord, type WatchTarget, watchKey } from './watch-store.js';

/**
 * What a poll cycle remembers of a watch that had nothing to do: its stored text, what the
 * provider last showed of its resource (both as 53-bit hashes) and the earliest time the clock
 * alone could change it (a stall, a quiet sample, a card edit: `diff` says when).
 */
interface QuietMemo {
  text: number;
  seen: number;
  until: number;
  /** The last cycle that confirmed it. */
  cycle: number;
  /** Its card's place in the channel's edit order (`dueRank`) while it waits for an edit; else -1. */
  cardRank: number;
  editedAt: number;
}

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
 * Kept per process; what a cycle does not confirm is forgotten at its end, so watches that went
 * away (or whose connection another replica polls) leave nothing behind.
 */
export class QuietWatches {
  readonly #memos = new Map<string, QuietMemo>();
  #cycle = 1;

  /** Whether `key`'s record, stored as `text`, was quiet when last compared. */
  knows(key: string, text: string): boolean {
    const memo = this.#memos.get(key);
    return memo !== undefined && memo.cycle >= this.#cycle - 1 && memo.text === hashText(text);
  }

  /**
   * Whether the watch stays quiet with this observation at `now` (then it stays remembered).
   * Asked only of watches `knows` accepted.
   */
  stillQuiet(key: string, observation: unknown, now: number): boolean {
    const memo = this.#memos.get(key);
    if (!memo || now >= memo.until || memo.seen !== hashValue(observation)) return false;
    memo.cycle = this.#cycle;
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
    const memo = {
      text: hashText(text),
      seen: hashValue(observation),
      until,
      cycle: this.#cycle,
      cardRank: record.card.dirty ? dueRank(record) : -1,
      editedAt: record.card.editedAt ?? 0,
    };
    this.#memos.set(key, memo);
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
    const first = new Map<string, { i: number; memo: QuietMemo }[]>();
    if (perTeam <= 0) return [];
    for (let i = 0; i < quiet.length; i++) {
      const { key } = quiet[i]!;
      const memo = this.#memos.get(key);
      if (!memo || memo.cardRank < 0 || skip.has(key)) continue;
      const teamId = targets[i]!.teamId;
      const chosen = first.get(teamId) ?? [];
      if (chosen.length === 0) first.set(teamId, chosen);
      if (chosen.length === perTeam && !editsBefore(memo, chosen[perTeam - 1]!.memo)) continue;
      let at = chosen.length;
      while (at > 0 && editsBefore(memo, chosen[at - 1]!.memo)) at--;
      chosen.splice(at, 0, { i, memo });
      if (chosen.length > perTeam) chosen.pop();
    }
    return [...first.values()].flatMap((chosen) =>
      chosen.map(({ i, memo }) =>
        dueWatch(quiet[i]!.key, targets[i]!.teamId, targets[i]!.channelId, {
          cardOnly: true,
          rank: memo.cardRank,
          editedAt: memo.editedAt,
        }),
      ),
    );
  }

  forget(key: string): void {
    this.#memos.delete(key);
  }

  /** The cycle is over: what it did not confirm is forgotten. */
  endCycle(): void {
    for (const [key, memo] of this.#memos) if (memo.cycle < this.#cycle) this.#memos.delete(key);
    this.#cycle++;
  }
}

/** `a`'s card comes before `b`'s in the edit order (`planDelivery`'s). */
function editsBefore(a: QuietMemo, b: QuietMemo): boolean {
  return a.cardRank < b.cardRank || (a.cardRank === b.cardRank && a.editedAt < b.editedAt);
}

/**
 * Nothing a cycle would do for this record beyond comparing it and perhaps redrawing its card. A
 * task group's card also counts its tasks from a second list, which the observation's hash does
 * not cover.
 */
function onlyCardPending(r: WatchRecord): boolean {
  return r.outbox.length === 0 && !r.ended && !r.broken && r.watch.kind !== 'task-group';
}

/**
 * A 53-bit hash (cyrb53's mixing, public domain) of a string, or of a JSON-like value walked in
 * place: `JSON.stringify` of an observation cost 10 µs (its Dates' ISO strings), its walk 1–2.
 * Two values that differ are taken for the same with a chance of about 1 in 2^53, once per
 * changed record and cycle.
 */
export function hashText(text: string): number {
  start();
  mixString(text);
  return finish();
}

export function hashValue(value: unknown): number {
  start();
  mixValue(value);
  return finish();
}

let h1 = 0;
let h2 = 0;
const float = new Float64Array(1);
const floatWords = new Uint32Array(float.buffer);

function start(): void {
  h1 = 0xdeadbeef;
  h2 = 0x41c6ce57;
}

function mix(word: number): void {
  h1 = Math.imul(h1 ^ word, 2654435761);
  h2 = Math.imul(h2 ^ word, 1597334677);
}

function mixString(text: string): void {
  mix(text.length);
  // Two UTF-16 code units a step (past the end, `charCodeAt` is NaN, which `<<` makes 0).
  for (let i = 0; i < text.length; i += 2) mix(text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
}

/** Each kind of value with a tag of its own, so `"1"` and `1`, `[]` and `{}` differ. */
function mixValue(value: unknown): void {
  if (typeof value === 'string') {
    mix(1);
    mixString(value);
  } else if (typeof value === 'number') {
    mix(2);
    float[0] = value;
    mix(floatWords[0]!);
    mix(floatWords[1]!);
  } else if (typeof value === 'boolean') mix(value ? 3 : 4);
  else if (value === undefined) mix(5);
  else if (value === null) mix(6);
  else if (value instanceof Date) {
    mix(7);
    mixValue(value.getTime());
  } else if (Array.isArray(value)) {
    mix(8);
    mix(value.length);
    for (const item of value) mixValue(item);
  } else if (typeof value === 'object') {
    mix(9);
    const record = value as Record<string, unknown>;
    for (const key in record) {
      mixString(key);
      mixValue(record[key]);
    }
  } else mix(10);
}

function finish(): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
