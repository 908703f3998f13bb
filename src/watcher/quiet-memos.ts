import { hashText } from './records/hash53.js';

const INITIAL_SLOTS = 1024;
/** The Map's key: a hash's low 30 bits, a small integer V8 stores in place (no number object). */
const SHORT = 0x3fffffff;

/**
 * The numbers `QuietWatches` keeps per watch, in columns indexed by slot, each watch's slot under a hash
 * of its key: not a Map of memo objects, for the ≤ 1 KB per extra watch target (ADR 0004's figures). Keys
 * sharing the Map's 30 bits (about one pair in 50,000) are told apart by the 53-bit hash in `#keyHash`:
 * the last remembered takes the slot, the other is decoded next cycle. A collision costs a decode, never a
 * wrong answer.
 */
export class QuietMemos {
  readonly #slots = new Map<number, number>();
  readonly #free: number[] = [];
  #used = 0;
  /** The whole 53-bit hash of each slot's key, to tell keys sharing the Map's 30 bits apart. */
  #keyHash = new Float64Array(INITIAL_SLOTS);
  /** The stored text's hash (`hashText`): any other write of the record changes it. */
  text = new Float64Array(INITIAL_SLOTS);
  /** The hash (`hashValue`) of the observation that last changed nothing. */
  seen = new Float64Array(INITIAL_SLOTS);
  /** When the clock alone could change the watch (a stall, a quiet sample, a card edit). */
  until = new Float64Array(INITIAL_SLOTS);
  /** Its card's last edit (0: never). */
  editedAt = new Float64Array(INITIAL_SLOTS);
  /** The last cycle that confirmed it. */
  cycle = new Int32Array(INITIAL_SLOTS);
  /** Its card's place in the edit order (`dueRank`) while it waits for an edit; else -1. */
  cardRank = new Int32Array(INITIAL_SLOTS);

  /** `key`'s slot, or -1. */
  find(key: string): number {
    const hash = hashText(key);
    const slot = this.#slots.get(hash & SHORT);
    return slot !== undefined && this.#keyHash[slot] === hash ? slot : -1;
  }

  /** `key`'s slot, given one if it has none (its columns then hold another watch's old values). */
  claim(key: string): number {
    const hash = hashText(key);
    let slot = this.#slots.get(hash & SHORT);
    if (slot === undefined) {
      slot = this.#free.pop() ?? this.#grown();
      this.#slots.set(hash & SHORT, slot);
    }
    this.#keyHash[slot] = hash;
    return slot;
  }

  release(key: string): void {
    const hash = hashText(key);
    const slot = this.#slots.get(hash & SHORT);
    if (slot === undefined || this.#keyHash[slot] !== hash) return;
    this.#slots.delete(hash & SHORT);
    this.#free.push(slot);
  }

  /** Releases every slot `stale` says so of. */
  releaseWhere(stale: (slot: number) => boolean): void {
    for (const [short, slot] of this.#slots)
      if (stale(slot)) {
        this.#slots.delete(short);
        this.#free.push(slot);
      }
  }

  /** A new slot at the end, the columns doubled when full. */
  #grown(): number {
    if (this.#used === this.#keyHash.length) {
      const size = this.#used * 2;
      this.#keyHash = doubled(this.#keyHash, size);
      this.text = doubled(this.text, size);
      this.seen = doubled(this.seen, size);
      this.until = doubled(this.until, size);
      this.editedAt = doubled(this.editedAt, size);
      this.cycle = doubled(this.cycle, size);
      this.cardRank = doubled(this.cardRank, size);
    }
    return this.#used++;
  }
}

function doubled<T extends Float64Array | Int32Array>(column: T, size: number): T {
  const next = new (column.constructor as new (size: number) => T)(size);
  next.set(column);
  return next;
}
