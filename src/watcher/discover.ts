import type { MigrationResource } from '../domain/migration-resource.js';
import type { ResourceAction } from '../providers/types.js';
import { follows, type Subscription, subscriptionKey } from './subscriptions.js';
import { baseline } from './transitions.js';
import { parentEntry, type WatchRecord, type WatchTarget, watchKey } from './watch-store.js';

export interface Discovered {
  /** New watches for resources a subscribed channel does not follow yet. */
  create: { key: string; record: WatchRecord }[];
  /** Watches that exist already (a `watch`, another subscription) and now also serve this one. */
  join: { key: string; via: string }[];
}

/**
 * Turns what a subscription's list pages showed into watches: one record per (channel, resource),
 * so a channel that subscribes and also watches a task hears each event once, and every guarantee
 * of a watch (exactly once, paced posts, broken channels) holds for subscriptions too. A new record
 * starts from the resource's current state: nothing is posted for what happened before.
 */
export function discover(
  subs: readonly Subscription[],
  listed: readonly MigrationResource[],
  existing: ReadonlyMap<string, WatchRecord>,
  actionsFor: (r: MigrationResource) => ResourceAction[],
  now: number,
): Discovered {
  const out: Discovered = { create: [], join: [] };
  const planned = new Set<string>();
  for (const sub of subs) {
    // A task group followed with `all` is one card for the group (made when subscribing), not a card per task.
    if (sub.groupId && sub.mode === 'all') continue;
    const via = subscriptionKey(sub);
    for (const resource of listed) {
      if (!follows(sub, resource)) continue;
      const target: WatchTarget = {
        teamId: sub.teamId,
        channelId: sub.channelId,
        connection: sub.connection,
        kind: resource.kind,
        id: resource.id,
      };
      const key = watchKey(target);
      const current = existing.get(key);
      if (current) {
        if (!current.via?.includes(via)) out.join.push({ key, via });
        continue;
      }
      // Two subscriptions of one channel (the connection and one of its groups) make one watch.
      if (planned.has(key)) {
        out.join.push({ key, via });
        continue;
      }
      planned.add(key);
      out.create.push({ key, record: newRecord(sub, via, target, resource, actionsFor(resource), now) });
    }
  }
  return out;
}

function newRecord(
  sub: Subscription,
  via: string,
  target: WatchTarget,
  resource: MigrationResource,
  actions: ResourceAction[],
  now: number,
): WatchRecord {
  return {
    watch: { ...target, by: sub.by, createdAt: now },
    snapshot: resource,
    actions,
    ...baseline(resource),
    movedAt: now,
    card: { dirty: false },
    outbox: sub.mode === 'all' ? [parentEntry(target)] : [],
    sent: [],
    via: [via],
    ...(sub.mode === 'all' ? {} : { follow: sub.mode }),
  };
}
