import { SKIP } from '../../store/atomic-kv.js';
import { cardOf } from '../outbox/living-posts.js';
import {
  enqueue,
  parentEntry,
  type WatchRecord,
  type WatchStore,
  type WatchTarget,
} from '../records/watch-store.js';
import { type Subscription, subscriptionKey } from './subscriptions.js';

/**
 * Stops the watches a subscription (`via`) kept: one only it kept is removed; one that also serves
 * another subscription, or that someone asked for by name, stays. Returns how many were removed.
 */
export async function releaseWatches(store: WatchStore, via: string): Promise<number> {
  let removed = 0;
  for (const { key, record } of await store.loadAll()) {
    if (!record.via?.includes(via)) continue;
    const rest = record.via.filter((v) => v !== via);
    if (rest.length === 0 && !record.explicit) {
      await store.remove(key);
      removed++;
    } else await store.update<WatchRecord>(key, (r) => (r ? { ...r, via: rest } : SKIP));
  }
  return removed;
}

/** A mode change applies to every watch the subscription made (a `watch` keeps its card). */
export async function applyMode(store: WatchStore, sub: Subscription, now: number): Promise<void> {
  const via = subscriptionKey(sub);
  for (const { key, record } of await store.loadAll()) {
    if (!record.via?.includes(via) || record.explicit) continue;
    await store.update<WatchRecord>(key, (r) => {
      if (!r) return SKIP;
      if (sub.mode === 'all') return r.follow ? withCard(r, r.watch, now) : SKIP;
      return { ...r, follow: sub.mode };
    });
  }
}

/** The record with a card: no `follow` mode, and its parent card queued unless it has one. */
export function withCard(record: WatchRecord, target: WatchTarget, now: number): WatchRecord {
  const { follow: _cardless, ...rest } = record;
  const parent = parentEntry(target, now);
  if (cardOf(rest) || rest.outbox.some((e) => e.key === parent.key)) return rest;
  return enqueue(rest, [parent]);
}
