import type { MigrationResource } from '../../domain/migration-resource.js';
import type { Logger } from '../../logger.js';
import type { ResourceAction } from '../../providers/types.js';
import { SKIP } from '../../store/atomic-kv.js';
import type { Loaded } from '../../watcher/cycle-report.js';
import {
  parentEntry,
  type WatchRecord,
  type WatchStore,
  type WatchTarget,
  watchKey,
} from '../../watcher/records/watch-store.js';
import { CapReachedError } from '../../watcher/records/workspace-limits.js';
import { baseline } from '../../watcher/transitions.js';
import { follows, type Subscription, subscriptionKey } from './subscriptions.js';

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

/**
 * Writes what `discover` found: each new watch through the store's `create`, where its workspace's
 * watches cap is checked like any other add. A workspace at its cap gets no more in this pass; the
 * rest are counted in one warning and found again by a later cycle once a place is free. Returns
 * the watches created.
 */
export async function writeDiscovered(
  store: WatchStore,
  found: Discovered,
  logger: Logger,
): Promise<Loaded[]> {
  const created: Loaded[] = [];
  const capped = new Map<string, { left: number; error: CapReachedError }>();
  for (const { key, record } of found.create) {
    const full = capped.get(record.watch.teamId);
    if (full) {
      full.left++;
      continue;
    }
    try {
      if (await store.create(key, record)) created.push({ key, record });
    } catch (error) {
      if (!(error instanceof CapReachedError)) throw error;
      capped.set(record.watch.teamId, { left: 1, error });
    }
  }
  for (const [teamId, { left, error }] of capped)
    logger.warn(
      { teamId, notFollowed: left, watches: error.used, cap: error.max },
      'workspace at its watches cap: subscribed resources are not followed until a watch ends',
    );
  for (const { key, via } of found.join)
    await store.update<WatchRecord>(key, (r) =>
      r && !r.via?.includes(via) ? { ...r, via: [...(r.via ?? []), via] } : SKIP,
    );
  return created;
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
    ...baseline(resource, now),
    movedAt: now,
    outbox: sub.mode === 'all' ? [parentEntry(target, now)] : [],
    sent: [],
    via: [via],
    ...(sub.mode === 'all' ? {} : { follow: sub.mode }),
  };
}
