import type { OutboxEntry, WatchEvent, WatchRecord } from '../records/watch-store.js';
import type { DetectedEvent } from '../transitions.js';
import { eventNote, isBroadcast, reportNote } from './notification.js';

/** The events a watch without a card (`WatchRecord.follow`) posts to the channel; the rest stay unsaid. */
const CARDLESS_EVENTS: Record<NonNullable<WatchRecord['follow']>, ReadonlySet<WatchEvent>> = {
  // `retrying` is the recovery of a failed resource (a new run after the failure).
  // Escalation steps belong to the failure, so both modes say them.
  failures: new Set<WatchEvent>(['failed', 'retrying', 'unclaimed', 'escalated', 'still-on-it']),
  endings: new Set<WatchEvent>([
    'failed',
    'retrying',
    'succeeded',
    'cancelled',
    'unclaimed',
    'escalated',
    'still-on-it',
  ]),
};

/**
 * The outbox entries a record's new events make: a thread reply each (or, for a subscription
 * without a card, a channel post for the events its mode says), plus the completion report after
 * an ending. `record` is the record after the observation.
 */
export function eventEntries(
  record: WatchRecord,
  events: readonly DetectedEvent[],
  now: number,
  reports = true,
): OutboxEntry[] {
  const follow = record.follow;
  const said = follow ? events.filter((e) => CARDLESS_EVENTS[follow].has(e.event)) : events;
  const base = { teamId: record.watch.teamId, channel: record.watch.channelId, attempts: 0 };
  const entries: OutboxEntry[] = said.map(({ event, key }) => ({
    ...base,
    key,
    type: follow ? 'notice' : 'reply',
    event,
    note: eventNote(event, record, now),
    broadcast: isBroadcast(event),
    createdAt: now,
  }));
  for (const { event, key } of said) {
    const note = reports ? reportNote(event, record) : undefined;
    if (note) entries.push({ ...base, key: `${key}:report`, type: 'reply', note, createdAt: now });
  }
  return entries;
}

/**
 * A post that follows an ending in its thread: the completion report and a capability's post (a
 * verification). After a burst of endings the cycle says every ending first and these after
 * (`deliverDue`), so they never keep another resource's ending waiting for the posting budget.
 */
export function isFollowUp(entry: { note?: { kind: string } }): boolean {
  return entry.note?.kind === 'report' || entry.note?.kind === 'view';
}
