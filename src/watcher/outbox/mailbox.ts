/** A record's outbox and its recently sent keys: what every kind of record (watch, connection, channel) shares. */
import type { Mailbox, OutboxEntry } from '../records/watch-store.js';

const SENT_KEPT = 50;

export function emptyMailbox(): Mailbox {
  return { outbox: [], sent: [] };
}

/** Records a confirmed delivery: out of the outbox, into the recent-keys list. */
export function markSent<T extends Mailbox>(record: T, key: string): T {
  return {
    ...record,
    outbox: record.outbox.filter((e) => e.key !== key),
    sent: [...record.sent.filter((k) => k !== key), key].slice(-SENT_KEPT),
  };
}

/** Appends entries whose keys are neither waiting nor recently sent (enqueueing is idempotent). */
export function enqueue<T extends Mailbox>(record: T, entries: readonly OutboxEntry[]): T {
  // Most observations add nothing: no set of every recent key is built for them.
  if (entries.length === 0) return record;
  const known = new Set([...record.outbox.map((e) => e.key), ...record.sent]);
  const fresh = entries.filter((e) => !known.has(e.key));
  return fresh.length === 0 ? record : { ...record, outbox: [...record.outbox, ...fresh] };
}

/**
 * True when `now` (the entry as stored) was not claimed since `seen` (as read before a look-up
 * and a pace wait): every claim counts an attempt and sets a mark of its own.
 */
export function unclaimedSince(now: OutboxEntry, seen: OutboxEntry): boolean {
  return (
    now.attempts === seen.attempts &&
    now.sending?.by === seen.sending?.by &&
    now.sending?.at === seen.sending?.at
  );
}
