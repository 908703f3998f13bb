import type { Logger } from '../logger.js';
import type { AtomicKv } from './atomic-kv.js';

/** One reader of a record's journal: what it keeps of a write, and where it takes it afterwards. */
export interface JournalTap<W> {
  /** Names its lines in the journal; unique among the journal's taps. */
  name: string;
  /**
   * The lines (no newline in them) this write says, kept in the write's own atomic step: pure and
   * quick, it may run more than once for one write (a compare-and-set retried).
   */
  lines(written: W): readonly string[];
  /**
   * Takes lines a write kept, once it is stored; the same lines may come again (a replica that died
   * before dropping them, a sweep racing the drain), so it must be idempotent. Resolves once they
   * are safe elsewhere: only then are they dropped from the journal.
   */
  take(lines: readonly string[]): Promise<void>;
}

/** Journals read per round trip when sweeping. */
const SWEEP_BATCH = 500;

/**
 * A write's side effects kept as data in the write itself (`AtomicKv.update`'s `journal`): a
 * replica that dies just after storing a record loses nothing of what it said, because the lines
 * were stored with it; they are taken right after the write and, failing that, by a sweep.
 */
export class Journal<W> {
  readonly #taps: JournalTap<W>[] = [];
  readonly #kv: AtomicKv;
  readonly #draining = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  #logger: Pick<Logger, 'warn'> | undefined;

  constructor(kv: AtomicKv, logger?: Pick<Logger, 'warn'>) {
    this.#kv = kv;
    this.#logger = logger;
  }

  add(tap: JournalTap<W>, logger?: Pick<Logger, 'warn'>): void {
    if (this.#taps.some((t) => t.name === tap.name))
      throw new Error(`A journal tap ${tap.name} is there already.`);
    this.#taps.push(tap);
    this.#logger ??= logger;
  }

  get active(): boolean {
    return this.#taps.length > 0;
  }

  /** Every tap's lines for a write, each named by its tap (a tap that throws says nothing, logged). */
  linesOf(written: W): string[] {
    const out: string[] = [];
    for (const tap of this.#taps) {
      try {
        for (const line of tap.lines(written)) out.push(`${tap.name}\t${line}`);
      } catch (error) {
        this.#logger?.warn({ err: error, tap: tap.name }, 'a journal tap failed');
      }
    }
    return out;
  }

  /**
   * After a write that kept lines: takes them now, never awaited by the writer. One drain per key
   * at a time here (a write meanwhile drains again after it), so lines are not taken twice for nothing.
   */
  written(key: string): void {
    if (this.#draining.has(key)) {
      this.#again.add(key);
      return;
    }
    const run = this.drain(key)
      .catch((error: unknown) =>
        this.#logger?.warn({ err: error, key }, 'a journal could not be taken; the sweep will'),
      )
      .finally(() => {
        this.#draining.delete(key);
        if (this.#again.delete(key)) this.written(key);
      });
    this.#draining.set(key, run);
  }

  async drain(key: string): Promise<void> {
    const [text] = await this.#kv.journals([key]);
    if (text) await this.#take(key, text);
  }

  /** Takes what is left in the journals of `keys` (a write whose replica died before taking it). */
  async sweep(keys: readonly string[]): Promise<number> {
    let taken = 0;
    for (let i = 0; i < keys.length; i += SWEEP_BATCH) {
      const batch = keys.slice(i, i + SWEEP_BATCH);
      await this.#kv.adoptLegacyJournals?.(batch);
      const texts = await this.#kv.journals(batch);
      for (const [j, text] of texts.entries()) {
        if (!text) continue;
        await this.#take(batch[j]!, text);
        taken++;
      }
    }
    return taken;
  }

  async #take(key: string, text: string): Promise<void> {
    const byTap = new Map<string, string[]>();
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab <= 0) continue;
      const name = line.slice(0, tab);
      byTap.set(name, [...(byTap.get(name) ?? []), line.slice(tab + 1)]);
    }
    // Lines of a tap no longer here are dropped with the rest: nobody would take them.
    for (const tap of this.#taps) {
      const lines = byTap.get(tap.name);
      if (lines) await tap.take(lines);
    }
    await this.#kv.dropJournal(key, text);
  }
}
