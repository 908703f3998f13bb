import { SKIP } from '../../store/atomic-kv.js';
import type { WatchRecord, WatchStore } from '../../watcher/records/watch-store.js';
import { withCard } from '../../watcher/watch-request.js';
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
