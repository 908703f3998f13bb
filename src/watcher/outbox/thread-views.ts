import type { OutboxEntry, WatchRecord } from '../records/watch-store.js';
import { type LivePost, viewSig } from './living-posts.js';

/**
 * A capability's own post in a watched resource's thread, as the outbox carries it: the view (data)
 * the capability handed over, drawn by that capability (its `posts.render`) when it is
 * sent, in the channel's language. Its file, if the drawing has one, goes into the same thread.
 */
export interface ViewNote {
  kind: 'view';
  capability: string;
  /** Its name among the capability's posts on the watch (one per run, say). */
  id: string;
  view: unknown;
}

/**
 * A line a capability says about a resource in its thread (`WatchNotes.say`), as data: drawn by
 * that capability (its `card.note`) when it is sent, in the channel's language.
 * Posted once, never edited (a post it keeps up to date is a `ViewNote`).
 */
export interface SaidNote {
  kind: 'said';
  capability: string;
  note: unknown;
}

/** Which capability's post, and its dedup key (in Slack's metadata: a replay finds it). */
export interface ThreadPost {
  capability: string;
  id: string;
  key: string;
}

/**
 * The outbox entry that posts `view` in the thread of the watch's card, once and in order with the
 * watch's other posts (after the ending it follows, `isFollowUp`); returned for a write the caller
 * makes (an `EndingHook`'s compare-and-set).
 */
export function threadViewEntry(
  record: Pick<WatchRecord, 'watch'>,
  post: ThreadPost,
  view: unknown,
  now: number,
): OutboxEntry {
  return {
    key: post.key,
    type: 'reply',
    teamId: record.watch.teamId,
    channel: record.watch.channelId,
    note: { kind: 'view', capability: post.capability, id: post.id, view },
    createdAt: now,
    attempts: 0,
  };
}

type Posts = { posts?: LivePost[]; outbox: OutboxEntry[] };

/**
 * The record with `view` handed to the one editor for the capability's post `id` in its thread:
 * a posted one is due for an edit until it shows it (`duePosts`), one still in the outbox is posted
 * showing it. `found` false: it has neither (the caller enqueues `threadViewEntry`, or not). Pure,
 * for the caller's compare-and-set.
 */
export function showInThread<T extends Posts>(
  record: T,
  post: Pick<ThreadPost, 'capability' | 'id'>,
  view: unknown,
): { record: T; found: boolean } {
  const mine = (p: { capability?: string; id?: string }) =>
    p.capability === post.capability && p.id === post.id;
  const posted = record.posts?.find((p) => p.kind === 'view' && mine(p));
  if (posted?.kind === 'view') {
    // The view it shows already: nothing due (a view handed over before it is let go).
    const { view: _before, ...rest } = posted;
    const next = viewSig(view) === posted.shown ? rest : { ...rest, view };
    const posts = record.posts!.map((p) => (p === posted ? next : p));
    return { record: { ...record, posts }, found: true };
  }
  const waiting = record.outbox.find((e) => e.note?.kind === 'view' && mine(e.note));
  if (!waiting) return { record, found: false };
  const outbox = record.outbox.map((e) =>
    e === waiting && e.note?.kind === 'view' ? { ...e, note: { ...e.note, view } } : e,
  );
  return { record: { ...record, outbox }, found: true };
}
