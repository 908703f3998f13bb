import type { NormalizedState } from '../../domain/migration-resource.js';
import type { ResourceAction } from '../../providers/types.js';
import { hashValue } from '../records/hash53.js';
import { liveNowOfBefore } from '../records/record-expand.js';
import type { ChannelRecord, OutboxEntry, RequestedAction, WatchRecord } from '../records/watch-store.js';
import { failureFacts } from './capability-facts.js';
import type { FailureItem, FailureListNote } from './notification.js';

/**
 * Living messages: every post about a resource is edited when its state changes (who, when, the buttons
 * that still apply). A watch keeps them in `posts` (card first, each written with the post's confirmation),
 * a channel its listings. A post whose shown state is not the record's (the card: dirty) is due; the one
 * editor (`living-editor.ts`) edits it in budget, then records it (CAS). A restart finds it due again, so
 * no edit is lost; only dying between Slack's answer and that write edits a message twice.
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
  /**
   * What the capabilities' facts say of the failure it is in, while it is in it (`failureFacts`,
   * who is on it): a listing's line and the failure's posts show it, drawn by those capabilities.
   */
  facts?: Record<string, unknown>;
  /** The code of the failure it is in, while it is failed: a failure post of it shows `facts`. */
  code?: string;
}

/**
 * One message the bot posted about a watched resource, with what it last showed: the watch's card
 * (always the first of its posts, once Slack took it) or one of the posts about its events.
 */
export type LivePost = CardPost | EventPost;

/** The watch's card: edited when the resource changed in a way it shows (`transitions.ts`). */
export interface CardPost {
  kind: 'card';
  channel: string;
  ts: string;
  /** Due for an edit. */
  dirty: boolean;
  /** The state and progress it was last drawn from, and when (watcher clock). */
  shown: { state?: string; progress?: number; at?: number };
}

/**
 * A post about an event: a failure reply (and its broadcast), a completion, a listing line, or a
 * capability's own post in the thread (`view`: drawn by that capability, `thread-views.ts`).
 */
export interface EventPost {
  channel: string;
  ts: string;
  kind: 'failure' | 'completion' | 'listing' | 'view';
  /** The listing's dedup key (its items live in the channel record). */
  listing?: string;
  /** What happened when it was posted: shown small under the state it is in now. */
  was: { at: number; progress?: number; code?: string };
  /** `AS_POSTED`, the `liveSig` it was last edited to, or a view post's `viewSig`. */
  shown: string;
  /** A view post's capability and its name among that capability's posts on the watch. */
  capability?: string;
  id?: string;
  /** A view post's view the capability handed the editor, until it shows it. */
  view?: unknown;
}

/** What a capability's post shows: its view, hashed. */
export function viewSig(view: unknown): string {
  return `view:${hashValue(view)}`;
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
  // A fact about one failure: a later, different failure shows nothing of it.
  const facts = state === 'failed' ? failureFacts(record.facts, record.snapshot) : undefined;
  return {
    state,
    progress: record.snapshot.progress,
    actions: ended ? [] : record.actions,
    ...(requested ? { requested } : {}),
    ...(facts ? { facts } : {}),
    ...(state === 'failed' && record.snapshot.lastError?.code
      ? { code: record.snapshot.lastError.code }
      : {}),
  };
}

/**
 * True when this post shows what the capabilities say of the failure (who is on it): a listing's
 * line, and a failure post of the failure the resource is in now (redrawn as posted, with it, by
 * the one editor).
 */
export function showsFailure(post: Pick<EventPost, 'kind' | 'was'>, now: LiveNow): boolean {
  if (post.kind === 'listing') return true;
  return post.kind === 'failure' && now.state === 'failed' && post.was.code === now.code;
}

/** A short signature of what a post shows: an edit is due when it changes. */
export function liveSig(now: LiveNow, post: Pick<EventPost, 'kind' | 'was'>): string {
  const r = now.requested;
  const facts = showsFailure(post, now) && now.facts ? `f${hashValue(now.facts)}` : '';
  return [now.state, now.actions.join(','), r ? `${r.action}:${r.by}:${r.at}` : '', facts].join('|');
}

/** The state a post showed when it was posted. */
function postedState(post: EventPost): LiveState {
  return post.kind === 'completion' ? 'succeeded' : 'failed';
}

/** True when this post does not show what the record says now. */
export function isDue(post: EventPost, now: LiveNow): boolean {
  if (post.shown === AS_POSTED)
    return now.state !== postedState(post) || (showsFailure(post, now) && now.facts !== undefined);
  return post.shown !== liveSig(now, post);
}

/**
 * The posts of this record due for an edit (none while its channel is broken), the card last: a
 * spent edit budget leaves the card for a later cycle rather than the posts (`cycle-delivery.ts`).
 */
export function duePosts(record: WatchRecord): LivePost[] {
  if (!record.posts?.length || record.broken) return [];
  const now = liveNow(record);
  const card = cardOf(record);
  // A capability's post changes only when it hands the editor a view it does not show yet.
  const due: LivePost[] = record.posts.filter((p) =>
    p.kind === 'card' ? false : p.kind === 'view' ? p.view !== undefined : isDue(p, now),
  );
  return card?.dirty ? [...due, card] : due;
}

/** The watch's card once Slack took it: the first of its posts. */
export function cardOf(record: { posts?: readonly LivePost[] }): CardPost | undefined {
  const first = record.posts?.[0];
  return first?.kind === 'card' ? first : undefined;
}

/** The record with `card` as its card (first of its posts). */
export function withCardPost<T extends { posts?: LivePost[] }>(record: T, card: CardPost): T {
  return { ...record, posts: [card, ...(record.posts ?? []).filter((p) => p.kind !== 'card')] };
}

/** The record with its card marked due for an edit, or not (a record without a card is left as it is). */
export function cardDue<T extends { posts?: LivePost[] }>(record: T, dirty: boolean): T {
  const card = cardOf(record);
  return card && card.dirty !== dirty ? withCardPost(record, { ...card, dirty }) : record;
}

/** The kind of living post an outbox entry makes, once Slack took it (undefined: none). */
function postKind(entry: OutboxEntry): EventPost['kind'] | undefined {
  if (entry.note?.kind !== 'event' || (entry.type !== 'reply' && entry.type !== 'notice')) return undefined;
  if (entry.event === 'failed') return 'failure';
  if (entry.event === 'succeeded') return 'completion';
  return undefined;
}

/**
 * The record with the post Slack just took registered, when it is one that lives. `outbox`: as the
 * record held it (a view handed over while its entry was sent is due on the post).
 */
export function registerPost<T extends { posts?: LivePost[] }>(
  record: T,
  entry: OutboxEntry,
  ts: string,
  outbox: readonly OutboxEntry[] = [],
): T {
  if (entry.note?.kind === 'view') {
    const { capability, id, view } = entry.note;
    const latest = outbox.find((e) => e.key === entry.key)?.note;
    const now = latest?.kind === 'view' ? latest.view : view;
    const post: EventPost = {
      channel: entry.channel,
      ts,
      kind: 'view',
      capability,
      id,
      was: { at: entry.createdAt },
      shown: viewSig(view),
      ...(viewSig(now) !== viewSig(view) ? { view: now } : {}),
    };
    return { ...record, posts: keep(record.posts, post) };
  }
  const kind = postKind(entry);
  if (!kind || entry.note?.kind !== 'event') return record;
  const r = entry.note.resource;
  const post: EventPost = {
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
  was: EventPost['was'],
): T {
  if (record.posts?.some((p) => p.ts === ts && p.channel === channel)) return record;
  const post: EventPost = { channel, ts, kind: 'listing', listing: key, was, shown: AS_POSTED };
  return { ...record, posts: keep(record.posts, post) };
}

/** The posts with `post` added: the card stays first, and only the newest others are kept. */
function keep(posts: readonly LivePost[] | undefined, post: EventPost): LivePost[] {
  const card = cardOf({ posts });
  const others = (posts ?? []).filter(
    (p) => p.kind !== 'card' && !(p.ts === post.ts && p.channel === post.channel),
  );
  return [...(card ? [card] : []), ...[...others, post].slice(-POSTS_KEPT)];
}

/**
 * The record with `post` marked as showing `sig`, if it is still there; a view post's view is let
 * go once it is the one shown (one handed over meanwhile stays due).
 */
export function markEdited<T extends { posts?: LivePost[] }>(record: T, post: EventPost, sig: string): T {
  return {
    ...record,
    posts: record.posts?.map((p) => {
      if (p.kind === 'card' || p.ts !== post.ts || p.channel !== post.channel) return p;
      if (p.view === undefined || viewSig(p.view) !== sig) return { ...p, shown: sig };
      const { view: _shown, ...rest } = p;
      return { ...rest, shown: sig };
    }),
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
      return now ? { ...i, now: liveNowOfBefore(now) } : i;
    }),
  };
}

/**
 * True when `at` is one of this watch's messages (its card or a living post) and it shows what
 * the record says now: a button pressed on it needs no other answer than the edit the presser sees.
 */
export function showsNow(record: WatchRecord, at: { channel: string; ts: string }): boolean {
  const post = postAt(record, at);
  if (post?.kind === 'card') return !post.dirty;
  return post !== undefined && !duePosts(record).includes(post);
}

/** True when `at` is one of this watch's messages (its card or a living post). */
export function isPostOf(record: WatchRecord, at: { channel: string; ts: string }): boolean {
  return postAt(record, at) !== undefined;
}

function postAt(record: WatchRecord, at: { channel: string; ts: string }): LivePost | undefined {
  return record.posts?.find((p) => p.channel === at.channel && p.ts === at.ts);
}
