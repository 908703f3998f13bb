import type { NormalizedState } from '../domain/migration-resource.js';
import type { ResourceAction } from '../providers/types.js';
import { type EventNote, eventNote, type FailureItem, type FailureListNote } from './notification.js';
import type { ChannelRecord, OutboxEntry, RequestedAction, WatchRecord } from './watch-store.js';

/**
 * Living messages (issue #39): the bot knows every message it posted about a resource, and when
 * the resource's state changes each of them is edited to say so, with who acted and when, and only
 * the buttons that still apply. A watch record keeps its posts (`posts`, written in the same write
 * that confirms the post, like the card's `parentTs`); a channel's failure listing keeps its items
 * in the channel record (`listings`). A post is due for an edit when what it shows is not what the
 * record says now; the edit is made within the card edit budget, then what it shows is recorded
 * (compare-and-set). A restart finds the same posts due, so an edit is never lost; only a process
 * dying between Slack's answer and that write edits the same message twice, as the card does.
 */

/** A post is said to show what it showed when it was posted, until its first edit. */
export const AS_POSTED = 'posted';
/** Posts kept per watch: the newest, enough for a few runs' failures and their listings. */
const POSTS_KEPT = 6;
/** Listings kept per channel. */
const LISTINGS_KEPT = 8;

/** What a living post shows of the resource now. `deleted`: deleted through the bot or the provider. */
export type LiveState = NormalizedState | 'gone';

export interface LiveNow {
  state: LiveState;
  progress?: number;
  /** What may be done now (empty once it ended). */
  actions: ResourceAction[];
  /** The last action taken through the bot, when it is the one that led here. */
  requested?: RequestedAction;
}

/** One message the bot posted about a watched resource. */
export interface LivePost {
  channel: string;
  ts: string;
  /** A failure reply (in the thread, and its broadcast to the channel), a completion, a listing line. */
  kind: 'failure' | 'completion' | 'listing';
  /** The listing's dedup key (its items live in the channel record). */
  listing?: string;
  /** What happened when it was posted: shown small under the state it is in now. */
  was: { at: number; progress?: number; code?: string };
  /** `AS_POSTED`, or the `liveSig` it was last edited to. */
  shown: string;
}

/** A listing post in a channel record: its items, and what each shows now (by `itemKey`). */
export interface LiveListing {
  key: string;
  ts: string;
  items: FailureItem[];
  now?: Record<string, LiveNow>;
}

/** What the record says now, as the posts show it. */
export function liveNow(record: WatchRecord): LiveNow {
  const deleted = record.lastEvent === 'deleted' || record.snapshot.state === 'deleted';
  const state: LiveState = deleted ? 'deleted' : record.state === 'gone' ? 'gone' : record.snapshot.state;
  const ended = record.ended || state === 'deleted' || state === 'gone';
  const requested = record.requested;
  return {
    state,
    progress: record.snapshot.progress,
    actions: ended ? [] : record.actions,
    ...(requested ? { requested } : {}),
  };
}

/** A short signature of what a post shows: an edit is due when it changes. */
export function liveSig(now: LiveNow): string {
  const r = now.requested;
  return [now.state, now.actions.join(','), r ? `${r.action}:${r.by}:${r.at}` : ''].join('|');
}

/** The state a post showed when it was posted. */
function postedState(post: LivePost): LiveState {
  return post.kind === 'completion' ? 'succeeded' : 'failed';
}

/** True when this post does not show what the record says now. */
export function isDue(post: LivePost, now: LiveNow): boolean {
  if (post.shown === AS_POSTED) return now.state !== postedState(post);
  return post.shown !== liveSig(now);
}

/** The posts of this record due for an edit (none while its channel is broken). */
export function duePosts(record: WatchRecord): LivePost[] {
  if (!record.posts?.length || record.broken) return [];
  const now = liveNow(record);
  return record.posts.filter((p) => isDue(p, now));
}

/** The kind of living post an outbox entry makes, once Slack took it (undefined: none). */
function postKind(entry: OutboxEntry): LivePost['kind'] | undefined {
  if (entry.note?.kind !== 'event' || (entry.type !== 'reply' && entry.type !== 'notice')) return undefined;
  if (entry.event === 'failed') return 'failure';
  if (entry.event === 'succeeded') return 'completion';
  return undefined;
}

/** The record with the post Slack just took registered, when it is one that lives. */
export function registerPost<T extends { posts?: LivePost[] }>(record: T, entry: OutboxEntry, ts: string): T {
  const kind = postKind(entry);
  if (!kind || entry.note?.kind !== 'event') return record;
  const r = entry.note.resource;
  const post: LivePost = {
    channel: entry.channel,
    ts,
    kind,
    was: { at: entry.note.at, progress: r.progress, code: r.lastError?.code },
    shown: AS_POSTED,
  };
  return { ...record, posts: keep(record.posts, post) };
}

/** The record with listing `key` (posted as `ts`) registered as one of its posts. */
export function registerListing<T extends { posts?: LivePost[] }>(
  record: T,
  channel: string,
  key: string,
  ts: string,
  was: LivePost['was'],
): T {
  if (record.posts?.some((p) => p.ts === ts && p.channel === channel)) return record;
  const post: LivePost = { channel, ts, kind: 'listing', listing: key, was, shown: AS_POSTED };
  return { ...record, posts: keep(record.posts, post) };
}

function keep(posts: readonly LivePost[] | undefined, post: LivePost): LivePost[] {
  const others = (posts ?? []).filter((p) => !(p.ts === post.ts && p.channel === post.channel));
  return [...others, post].slice(-POSTS_KEPT);
}

/** The record with `post` marked as showing `sig`, if it is still there. */
export function markEdited<T extends { posts?: LivePost[] }>(record: T, post: LivePost, sig: string): T {
  return {
    ...record,
    posts: record.posts?.map((p) =>
      p.ts === post.ts && p.channel === post.channel ? { ...p, shown: sig } : p,
    ),
  };
}

/** A listing item's key: the resource it names. */
export function itemKey(item: Pick<FailureItem, 'connection' | 'kind' | 'id'>): string {
  return `${item.connection}:${item.kind}:${item.id}`;
}

/** The channel record with a listing Slack just took (`entry`, posted as `ts`) kept for its edits. */
export function keepListing<T extends Pick<ChannelRecord, 'listings'>>(
  record: T,
  entry: OutboxEntry,
  ts: string,
): T {
  if (entry.event !== 'failures' || entry.note?.kind !== 'failures') return record;
  const listing: LiveListing = { key: entry.key, ts, items: entry.note.items };
  const others = (record.listings ?? []).filter((l) => l.key !== entry.key);
  return { ...record, listings: [...others, listing].slice(-LISTINGS_KEPT) };
}

/** The channel record with one item of listing `key` showing `now`. */
export function listingShows(
  record: ChannelRecord,
  key: string,
  item: string,
  now: LiveNow,
): ChannelRecord | undefined {
  const listing = record.listings?.find((l) => l.key === key);
  if (!listing) return undefined;
  const updated: LiveListing = { ...listing, now: { ...listing.now, [item]: now } };
  return { ...record, listings: record.listings!.map((l) => (l.key === key ? updated : l)) };
}

/** The listing as it reads now: each item with what it shows now, if it changed. */
export function listingNote(listing: LiveListing): FailureListNote {
  return {
    kind: 'failures',
    items: listing.items.map((i) => {
      const now = listing.now?.[itemKey(i)];
      return now ? { ...i, now } : i;
    }),
  };
}

/**
 * The failure posts of `record` that still show the failure as posted (never edited since) while it
 * is that failure: a claim taken or handed back anywhere (the card, a private card) is shown on
 * them too, redrawn from the record as they were posted (`eventNote` at the failure's time).
 */
export function failurePostsShowing(record: WatchRecord): { channel: string; ts: string; note: EventNote }[] {
  const r = record.snapshot;
  if (record.broken || record.ended || r?.state !== 'failed') return [];
  return (record.posts ?? [])
    .filter((p) => p.kind === 'failure' && p.shown === AS_POSTED && p.was.code === r.lastError?.code)
    .map((p) => ({ channel: p.channel, ts: p.ts, note: eventNote('failed', record, p.was.at) }));
}
