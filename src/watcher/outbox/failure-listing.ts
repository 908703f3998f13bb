import { createHash } from 'node:crypto';
import { type ChannelRecord, type Mailbox, markSent, type OutboxEntry } from '../records/watch-store.js';
import { type LivePost, registerListing } from './living-posts.js';
import type { FailureItem, FailureListNote } from './notification.js';

/**
 * Failures go first, before what is queued with them; several due in one channel go out as one listing
 * (each thread reply follows, not broadcast). Pure helpers; `failure-first.ts` writes and sends. Exactly
 * once: entries are marked `listedIn` (a CAS per watch), the listing is enqueued in the channel record and
 * posted like any entry, then marks become `listed`. After a crash between, marks naming a listing the
 * channel record lacks enqueue it again under the same key.
 */

/** Items per listing post: one section each, within Slack's 50 blocks. */
export const MAX_LISTED = 40;
/** Fewer failures than this in one channel at once go out as their own broadcast replies. */
export const LIST_FROM = 2;

/** A failure not yet announced in its channel (a card's reply, or a subscription's channel post). */
export function isUrgent(entry: OutboxEntry): boolean {
  return (
    entry.event === 'failed' &&
    (entry.type === 'reply' || entry.type === 'notice') &&
    entry.note?.kind === 'event' &&
    entry.listedIn === undefined &&
    entry.listed !== true
  );
}

/** Posted before anything else due: an unannounced failure, or a listing of several. */
export function goesFirst(entry: OutboxEntry): boolean {
  return isUrgent(entry) || (entry.event === 'failures' && entry.type === 'notice');
}

export function urgentEntry(record: Mailbox): OutboxEntry | undefined {
  return record.outbox.find(isUrgent);
}

/** The listing's dedup key: the channel and the failures' own keys (a retry computes the same). */
export function listingKey(teamId: string, channelId: string, entryKeys: readonly string[]): string {
  const hash = createHash('sha256')
    .update([...entryKeys].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
  return `${teamId}:${channelId}:${hash}:failures`;
}

/** Consecutive slices of at most `MAX_LISTED`. */
export function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_LISTED) out.push(items.slice(i, i + MAX_LISTED));
  return out;
}

/** The record with its failure entry `entryKey` marked for listing `key` (unchanged when it is gone or taken). */
export function markListed<T extends Mailbox>(record: T, entryKey: string, key: string): T | undefined {
  const entry = record.outbox.find((e) => e.key === entryKey);
  if (!entry || !isUrgent(entry)) return undefined;
  return {
    ...record,
    outbox: record.outbox.map((e) => (e.key === entryKey ? { ...e, listedIn: key, broadcast: false } : e)),
  };
}

/**
 * The record once listing `key` is in Slack: its failure's thread reply stays (not broadcast), a
 * subscription's channel post for it is done (the listing said it). Undefined when nothing changes.
 */
export function settleListed<T extends Mailbox & { posts?: LivePost[] }>(
  record: T,
  key: string,
  channel?: Pick<ChannelRecord, 'listings'>,
): T | undefined {
  const listed = record.outbox.filter((e) => e.listedIn === key);
  if (listed.length === 0) return undefined;
  let next: T = {
    ...record,
    outbox: record.outbox.map((e) => (e.listedIn === key ? { ...e, listedIn: undefined, listed: true } : e)),
  };
  // The listing is one of the posts about this resource: its line is edited when the state changes.
  const ts = channel?.listings?.find((l) => l.key === key)?.ts;
  for (const e of listed) {
    if (e.type === 'notice') next = markSent(next, e.key);
    if (ts && e.note?.kind === 'event') {
      const r = e.note.resource;
      const was = { at: e.note.at, progress: r.progress, code: r.lastError?.code };
      next = registerListing(next, e.channel, key, ts, was);
    }
  }
  return next;
}

/** One line of the listing, from the failure as it was detected. */
export function failureItem(entry: OutboxEntry): FailureItem | undefined {
  if (entry.note?.kind !== 'event') return undefined;
  const r = entry.note.resource;
  return {
    name: r.name,
    ...(entry.note.title ? { title: entry.note.title } : {}),
    connection: r.connection,
    kind: r.kind,
    id: r.id,
    progress: r.progress,
    code: r.lastError?.code,
    message: r.lastError?.message,
  };
}

/** The channel record's outbox entry that posts listing `key`. */
export function listingEntry(
  teamId: string,
  channelId: string,
  key: string,
  items: FailureItem[],
  now: number,
): OutboxEntry {
  const note: FailureListNote = { kind: 'failures', items };
  return {
    key,
    type: 'notice',
    event: 'failures',
    teamId,
    channel: channelId,
    note,
    createdAt: now,
    attempts: 0,
  };
}
