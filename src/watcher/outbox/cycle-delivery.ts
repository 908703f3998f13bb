import type { Loaded } from '../cycle-report.js';
import { forEachLimited, groupBy } from '../observe.js';
import type { WatchRecord } from '../records/watch-store.js';
import { isHeld } from './broken-channel.js';
import { isUrgent } from './failure-listing.js';
import { cardOf, duePosts } from './living-posts.js';
import type { Outbox, OutboxSettings } from './outbox.js';

/** A watch with something to deliver, and where it goes in its channel's order. */
export interface DueWatch {
  key: string;
  teamId: string;
  channel: string;
  /** Nothing to post and not ended: only its card to redraw. */
  cardOnly: boolean;
  /** 0: its card shows an old state; 1: anything else. */
  rank: number;
  editedAt: number;
}

/**
 * What a connection's poll left to deliver: the watches with a failure to announce (their records
 * as the poll wrote them; few), and the watches with something due (keys only, so a full cycle
 * does not keep every record it wrote until the deliveries after the polls): every one with a post
 * due, and of those with only a card to redraw the first `cardsPerPass` of each workspace.
 */
export interface Polled {
  failing: Loaded[];
  due: DueWatch[];
}

/** Connections whose deliveries run at once after the polls. */
const DELIVERING_AT_ONCE = 6;

export function planDelivery(
  watches: readonly Loaded[],
  latest: ReadonlyMap<string, WatchRecord>,
  /** Cards of watches the cycle left undecoded (`QuietWatches.cardsDue`). */
  quietCards: readonly DueWatch[] = [],
  /** Watches with only a card to redraw kept per workspace (`cardsPerPass`), first in edit order. */
  cardsPerTeam = Number.POSITIVE_INFINITY,
): Polled {
  const failing: Loaded[] = [];
  const due: DueWatch[] = [...quietCards];
  for (const w of watches) {
    const r = latest.get(w.key) ?? w.record;
    if (!r.broken && r.outbox.some((e) => e.listedIn !== undefined || isUrgent(e)))
      failing.push({ key: w.key, record: r });
    // Only records with something to do are read again: most watches, most cycles, have nothing.
    const posts = r.outbox.some((e) => !isHeld(r, e));
    if (posts || r.ended || duePosts(r).length > 0)
      due.push(
        dueWatch(w.key, r.watch.teamId, r.watch.channelId, {
          cardOnly: !posts && !r.ended,
          rank: dueRank(r),
          editedAt: cardOf(r)?.shown.at ?? 0,
        }),
      );
  }
  // Card edits share a per-workspace budget: state changes first, then the longest-unedited cards,
  // so a few busy cards never starve the rest.
  due.sort((a, b) => editOrder(a.rank, a.editedAt, b.rank, b.editedAt));
  return { failing, due: firstCards(due, cardsPerTeam) };
}

/**
 * Every watch with a post due, and of those with only a card to redraw the first `perTeam` of each
 * workspace. After a busy minute every card of a large workspace waits for an edit window, the
 * first cycle after it decodes them all, and one entry for each, held until the delivery pass
 * after every connection's poll, was the largest part of that cycle's peak (ADR 0004).
 */
function firstCards(due: DueWatch[], perTeam: number): DueWatch[] {
  const cards = new Map<string, number>();
  return due.filter((w) => {
    if (!w.cardOnly) return true;
    const taken = cards.get(w.teamId) ?? 0;
    cards.set(w.teamId, taken + 1);
    return taken < perTeam;
  });
}

/**
 * The card edit order, as a comparator over two cards' `dueRank` and last edit: an old state
 * first, then the longest unedited. `QuietWatches.cardsDue` picks its few cards by the same order.
 */
export function editOrder(rankA: number, editedA: number, rankB: number, editedB: number): number {
  return rankA - rankB || editedA - editedB;
}

/**
 * How many of a workspace's cards waiting for an edit (decoded or left as text) one connection's
 * delivery pass is given: its cards are edited only while the budget allows, and a pass (its posts
 * wait up to `cycleWaitMs`) spans a few budget windows at most. A window that opens after these
 * are done is used next cycle.
 */
export function cardsPerPass(settings: Pick<OutboxSettings, 'editBudget'>): number {
  return settings.editBudget.max * 3;
}

export function dueWatch(
  key: string,
  teamId: string,
  channelId: string,
  order: Pick<DueWatch, 'cardOnly' | 'rank' | 'editedAt'>,
): DueWatch {
  return { key, teamId, channel: `${teamId}:${channelId}`, ...order };
}

/** 0 when the card shows an old state (redrawn first), 1 otherwise. */
export function dueRank(r: WatchRecord): number {
  const card = cardOf(r);
  return card?.dirty && card.shown.state !== r.snapshot.state ? 0 : 1;
}

/**
 * Delivers what is due after the failures, in two passes: every record up to its follow-ups, then the
 * follow-ups (`isFollowUp`), so a burst of endings spends the posting budget on endings first. In a pass:
 * `plans` (one per connection) six at a time; in each, a channel's records one after another (posts are
 * paced), four channels at a time. A card-only watch is not read while its workspace cannot edit cards:
 * it stays dirty until the edit window reopens (`Outbox.editDeferred`) or a later cycle.
 */
export async function deliverDue(
  outbox: Outbox,
  plans: readonly (readonly DueWatch[])[],
  waitUntil: number,
): Promise<void> {
  const waiting: DueWatch[] = [];
  await forEachLimited(plans, DELIVERING_AT_ONCE, (due) =>
    byChannels(outbox, due, async (w) => {
      if ((await outbox.drain(w.key, { waitUntil, followUps: false })).followUpWaits) waiting.push(w);
    }),
  );
  await byChannels(outbox, waiting, async (w) => {
    await outbox.drain(w.key, { waitUntil });
  });
}

async function byChannels(
  outbox: Outbox,
  due: readonly DueWatch[],
  drain: (w: DueWatch) => Promise<void>,
): Promise<void> {
  const byChannel = groupBy(due, (w) => w.channel);
  await forEachLimited([...byChannel.values()], 4, async (records) => {
    for (const w of records)
      if (!(w.cardOnly && outbox.cardEditsHeld(w.teamId))) await drain(w);
      else outbox.deferEdit(w.teamId, w.key);
  });
}
