import type { ConnectionRegistry } from '../../connections/connection-registry.js';
import type { Logger } from '../../logger.js';
import { SKIP } from '../../store/atomic-kv.js';
import { channelKey, healthKey, type WatchRecord } from '../../watcher/records/watch-store.js';
import type { Watcher } from '../../watcher/watcher.js';
import type { ListingHook, ListingInterest } from '../../watcher/whole-lists.js';
import { discover, writeDiscovered } from './discover.js';
import { applyMode, releaseWatches } from './subscription-watches.js';
import {
  type Subscription,
  SubscriptionStore,
  type SubscriptionTarget,
  subscribedKinds,
  subscriptionKey,
} from './subscriptions.js';

/** One subscription as the cycle's list pages serve it. */
interface Followed extends ListingInterest {
  sub: Subscription;
}

/**
 * Channels following whole connections or task groups: the subscriptions in the watcher's store
 * (the keys written before, so every replica's cycle sees the same ones), the watches they keep,
 * and what each cycle's list pages show of their connections (`watch.listing`).
 */
export class Subscriptions {
  readonly store: SubscriptionStore;
  /** What each cycle's list pages of a followed connection go to (its `watch.listing`). */
  readonly listing: ListingHook;
  readonly #watcher: Watcher;
  readonly #connections: ConnectionRegistry;

  constructor(watcher: Watcher, connections: ConnectionRegistry, logger: Logger) {
    this.#watcher = watcher;
    this.#connections = connections;
    const clock = watcher.options.clock;
    this.store = new SubscriptionStore(watcher.store.backend, () => watcher.options.limits, clock);
    const listing: ListingHook<Followed> = {
      interests: async () =>
        (await this.store.loadAll()).map((sub) => ({
          teamId: sub.teamId,
          connection: sub.connection,
          kinds: (offered) => subscribedKinds(sub, offered),
          sub,
        })),
      // New resources of a subscription become watches now; their events start next cycle.
      listed: (followed, listed, records, actionsFor) => {
        const existing = new Map(records.map((w) => [w.key, w.record]));
        const subs = followed.map((f) => f.sub);
        const found = discover(subs, listed, existing, actionsFor, clock.now());
        return writeDiscovered(watcher.store, found, logger);
      },
    };
    this.listing = listing;
  }

  /**
   * A channel follows a connection or an OMS task group: its resources are picked up on the next
   * cycle from the list pages the cycle reads anyway. Changing the mode of an existing one updates it.
   */
  async subscribe(sub: Subscription): Promise<{ created: boolean; before?: Subscription }> {
    await this.#connections.sync(sub.teamId);
    this.#connections.get(sub.teamId, sub.connection);
    const groupCard = sub.groupId && sub.mode === 'all';
    // The group's card once the caps let it in, before it is stored: a refusal leaves nothing behind.
    const result = await this.store.put(sub, groupCard ? () => this.#groupCard(sub) : undefined);
    if (!groupCard && result.before && result.before.mode !== sub.mode)
      await applyMode(this.#watcher.store, sub, this.#watcher.options.clock.now());
    return result;
  }

  /** A task group followed with `all`: one card for the group now; task watches of an earlier mode stop. */
  async #groupCard(sub: Subscription): Promise<void> {
    const via = subscriptionKey(sub);
    const store = this.#watcher.store;
    await releaseWatches(store, via);
    const { key, created } = await this.#watcher.watch({
      ...sub,
      kind: 'task-group',
      id: sub.groupId!,
      by: sub.by,
    });
    await store.update<WatchRecord>(key, (r) =>
      r ? { ...r, via: [...new Set([...(r.via ?? []), via])], explicit: created ? false : r.explicit } : SKIP,
    );
  }

  /** Stops a subscription; the watches only it kept are removed, a `watch` of the same resource stays. */
  async unsubscribe(target: SubscriptionTarget): Promise<{ removed?: Subscription; watches: number }> {
    const removed = await this.store.remove(target);
    const watches = await releaseWatches(this.#watcher.store, subscriptionKey(target));
    return { removed, watches };
  }

  /**
   * The workspace uninstalled the app: its subscriptions and their ledger go, before its watches
   * (a cycle running meanwhile would otherwise add watches for them again), with the digest
   * records of their channels and the health of its own connections they kept polled.
   */
  async forget(teamId: string): Promise<void> {
    const subs = await this.store.forget(teamId);
    const backend = this.#watcher.store.backend;
    const gone = (current: string | undefined) => (current === undefined ? SKIP : undefined);
    for (const channel of new Set(subs.map((s) => s.channelId)))
      await backend.update(channelKey(teamId, channel), gone);
    for (const name of new Set(subs.map((s) => s.connection)))
      await backend.update(healthKey(`${teamId}/${name}`), gone);
  }
}
