import type { Logger } from '../logger.js';
import type { Mailbox, OutboxEntry } from './watch-store.js';

/** Entries a record's write added to its outbox: what happened, as the watcher said it. */
export interface WrittenEntries {
  /** The record's key (`w:…` a watch, a connection's or a channel's record otherwise). */
  key: string;
  /** The record as written (a `WatchRecord` for a watch). */
  record: Mailbox;
  entries: readonly OutboxEntry[];
}

/** Told of every write that added outbox entries, after it is stored; must not block (queue the work). */
export type EntryTap = (written: WrittenEntries) => void;

/**
 * The outbox's event stream, for whoever else wants each event (capabilities, ADR 0019): a write
 * that enqueues entries tells every tap once it is stored. The outbox itself is untouched; a tap
 * that throws is logged and the write stands.
 */
export class EntryTaps {
  readonly #taps: EntryTap[] = [];
  #logger: Pick<Logger, 'warn'> | undefined;

  add(tap: EntryTap, logger?: Pick<Logger, 'warn'>): void {
    this.#taps.push(tap);
    this.#logger ??= logger;
  }

  /** The entries of `after` that `before` had neither waiting nor sent, to every tap. */
  written(key: string, before: unknown, after: unknown): void {
    if (this.#taps.length === 0 || !isMailbox(after) || after.outbox.length === 0) return;
    const known = isMailbox(before)
      ? new Set([...before.outbox.map((e) => e.key), ...before.sent])
      : new Set();
    const entries = after.outbox.filter((e) => !known.has(e.key));
    if (entries.length === 0) return;
    for (const tap of this.#taps) {
      try {
        tap({ key, record: after, entries });
      } catch (error) {
        this.#logger?.warn({ err: error, key }, 'an outbox tap failed');
      }
    }
  }
}

function isMailbox(value: unknown): value is Mailbox {
  return typeof value === 'object' && value !== null && Array.isArray((value as Mailbox).outbox);
}
