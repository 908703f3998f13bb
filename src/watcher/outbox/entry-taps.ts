import type { Logger } from '../../logger.js';
import type { AtomicKv } from '../../store/atomic-kv.js';
import { Journal, type JournalTap } from '../../store/journal.js';
import type { Mailbox, OutboxEntry } from '../records/watch-store.js';

/** Entries a record's write added to its outbox: what happened, as the watcher said it. */
export interface WrittenEntries {
  /** The record's key (`w:…` a watch, a connection's or a channel's record otherwise). */
  key: string;
  /** The record as written (a `WatchRecord` for a watch). */
  record: Mailbox;
  entries: readonly OutboxEntry[];
}

/** A reader of the outbox's entries: its lines are kept in the record's own write. */
export type EntryTap = JournalTap<WrittenEntries>;

/**
 * The outbox's event stream, for whoever else wants each event (capabilities, ADR 0019): a write
 * that enqueues entries keeps every tap's lines for them in the record's journal, in the same
 * atomic step as the record (`AtomicKv.update`'s journal), and the taps take them once it is
 * stored; what a replica that died left is taken by `sweep`. The outbox itself is untouched.
 */
export class EntryTaps {
  readonly #journal: Journal<WrittenEntries>;

  constructor(kv: AtomicKv) {
    this.#journal = new Journal(kv);
  }

  add(tap: EntryTap, logger?: Pick<Logger, 'warn'>): void {
    this.#journal.add(tap, logger);
  }

  get active(): boolean {
    return this.#journal.active;
  }

  /** The taps' lines for the entries of `after` that `before` had neither waiting nor sent. */
  linesOf(key: string, before: unknown, after: unknown): string[] {
    if (!this.active || !isMailbox(after) || after.outbox.length === 0) return [];
    const known = isMailbox(before)
      ? new Set([...before.outbox.map((e) => e.key), ...before.sent])
      : new Set();
    const entries = after.outbox.filter((e) => !known.has(e.key));
    return entries.length === 0 ? [] : this.#journal.linesOf({ key, record: after, entries });
  }

  /** The write that kept lines is stored: the taps take them now (not awaited). */
  written(key: string): void {
    this.#journal.written(key);
  }

  /** Takes the lines left in the journals of `keys` (records whose writer died before taking them). */
  sweep(keys: readonly string[]): Promise<number> {
    return this.#journal.sweep(keys);
  }
}

function isMailbox(value: unknown): value is Mailbox {
  return typeof value === 'object' && value !== null && Array.isArray((value as Mailbox).outbox);
}
