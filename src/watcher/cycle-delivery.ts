import { isHeld } from './broken-channel.js';
import type { Loaded } from './cycle-report.js';
import { forEachLimited, groupBy } from './observe.js';
import type { Outbox } from './outbox.js';
import type { WatchRecord } from './watch-store.js';

/** A connection's watches as one cycle polled them, and the records it wrote. */
export interface Polled {
  watches: Loaded[];
  latest: ReadonlyMap<string, WatchRecord>;
}

/** Connections whose deliveries run at once after the polls. */
export const DELIVERING_AT_ONCE = 6;

/**
 * Delivers what is due among a connection's watches after their failures went out: replies and
 * card edits, one channel's records one after another (posts there are paced), four channels at
 * a time.
 */
export async function deliverDue(
  outbox: Outbox,
  watches: readonly Loaded[],
  latest: ReadonlyMap<string, WatchRecord>,
  waitUntil: number,
): Promise<void> {
  // Card edits share a per-workspace budget: state changes first, then the longest-unedited cards,
  // so a few busy cards never starve the rest.
  const order = (w: Loaded) => {
    const r = latest.get(w.key) ?? w.record;
    return [r.card.dirty && r.card.shownState !== r.snapshot.state ? 0 : 1, r.card.editedAt ?? 0] as const;
  };
  // Only records with something to do are read again: most watches, most cycles, have nothing.
  const due = watches.filter((w) => {
    const r = latest.get(w.key) ?? w.record;
    return r.outbox.some((e) => !isHeld(r, e)) || (r.card.dirty && !r.broken) || r.ended;
  });
  const ordered = due.sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1] - y[1];
  });
  const byChannel = groupBy(ordered, (w) => `${w.record.watch.teamId}:${w.record.watch.channelId}`);
  await forEachLimited([...byChannel.values()], 4, async (records) => {
    for (const { key } of records) await outbox.drain(key, { waitUntil });
  });
}
