import type { MigrationResource, ResourceKind } from '../../domain/migration-resource.js';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import { readJson } from '../../store/open-atomic-kv.js';
import { type Clock, systemClock } from '../../watcher/clock.js';
import type { WorkspaceLimits, WorkspaceUse } from '../../watcher/records/workspace-limits.js';
import { type LedgerEntry, SubscriptionLedger } from './subscription-ledger.js';

/**
 * What a subscribed channel hears about each resource: `failures` one post per failure and one per
 * recovery; `endings` failures and completions; `all` a card per resource, as `watch` gives.
 */
export const FOLLOW_MODES = ['failures', 'endings', 'all'] as const;
export type FollowMode = (typeof FOLLOW_MODES)[number];

/** A channel following every resource of a connection, or of one OMS task group. */
export interface Subscription {
  teamId: string;
  channelId: string;
  connection: string;
  /** An OMS task group: only its tasks are followed. */
  groupId?: string;
  mode: FollowMode;
  by: string;
  createdAt: number;
}

export type SubscriptionTarget = Pick<Subscription, 'teamId' | 'channelId' | 'connection' | 'groupId'>;

const SET = 'subscriptions';
/** A store made without caps (a test's, a tool's): nothing a workspace could reach. */
const NO_LIMITS: WorkspaceLimits = {
  watches: Number.MAX_SAFE_INTEGER,
  subscriptions: Number.MAX_SAFE_INTEGER,
  channelsPerConnection: Number.MAX_SAFE_INTEGER,
};
const enc = encodeURIComponent;

export function subscriptionKey(s: SubscriptionTarget): string {
  return `sub:${enc(s.teamId)}:${enc(s.channelId)}:${enc(s.connection)}:${s.groupId ? enc(s.groupId) : '*'}`;
}

/** The kinds a subscription lists: a group's tasks, or every kind but groups (they hold tasks). */
export function subscribedKinds(s: Subscription, offered: readonly ResourceKind[]): ResourceKind[] {
  if (s.groupId) return offered.includes('task') ? ['task'] : [];
  return offered.filter((k) => k !== 'task-group');
}

export function follows(
  s: Subscription,
  r: Pick<MigrationResource, 'kind' | 'groupId' | 'unreadable'>,
): boolean {
  if (r.unreadable) return false;
  if (s.groupId) return r.kind === 'task' && r.groupId === s.groupId;
  return r.kind !== 'task-group';
}

/** Subscriptions in the watcher's store (so every replica's cycle sees the same ones). */
export class SubscriptionStore {
  readonly #kv: AtomicKv;
  readonly #ledger: SubscriptionLedger;

  /**
   * `limits`: the caps per workspace (subscriptions, channels per connection), read at each add.
   * `clock`: the watcher's (a place a crash left taken is given back after a while).
   */
  constructor(kv: AtomicKv, limits: () => WorkspaceLimits = () => NO_LIMITS, clock: Clock = systemClock) {
    this.#kv = kv;
    this.#ledger = new SubscriptionLedger(kv, limits, clock);
  }

  /**
   * Adds or changes (mode) a subscription; `created` is false when it existed already. The one way
   * a subscription comes to be: a new one past its workspace's caps throws `CapReachedError` and
   * nothing is written. `beforeWrite` runs once its place is taken (a group's card): if it throws,
   * the place is given back and nothing is stored.
   */
  async put(
    sub: Subscription,
    beforeWrite?: () => Promise<void>,
  ): Promise<{ created: boolean; before?: Subscription }> {
    const key = subscriptionKey(sub);
    const entry = { key, channel: sub.channelId, connection: sub.connection };
    const placed = await this.#ledger.reserve(sub.teamId, entry, () => this.#entries(sub.teamId));
    let before: Subscription | undefined;
    try {
      await beforeWrite?.();
      await this.#kv.update(key, (raw) => {
        before = readJson(raw) as Subscription | undefined;
        return JSON.stringify(before ? { ...sub, by: before.by, createdAt: before.createdAt } : sub);
      });
      await this.#kv.setAdd(SET, key);
    } catch (error) {
      if (placed) await this.#ledger.release(sub.teamId, key);
      throw error;
    }
    return { created: before === undefined, before };
  }

  /** A workspace's subscriptions, and each connection's channels, against their caps. */
  use(teamId: string): Promise<Omit<WorkspaceUse, 'watches'>> {
    return this.#ledger.use(teamId, () => this.#entries(teamId));
  }

  async #entries(teamId: string): Promise<LedgerEntry[]> {
    return (await this.list(teamId)).map((s) => ({
      key: subscriptionKey(s),
      channel: s.channelId,
      connection: s.connection,
    }));
  }

  async remove(target: SubscriptionTarget): Promise<Subscription | undefined> {
    const key = subscriptionKey(target);
    let removed: Subscription | undefined;
    await this.#kv.update(key, (raw) => {
      removed = readJson(raw) as Subscription | undefined;
      return removed ? undefined : SKIP;
    });
    await this.#kv.setRemove(SET, key);
    await this.#ledger.release(target.teamId, key);
    return removed;
  }

  /** The workspace uninstalled the app: its subscriptions and their ledger go. Returns those removed. */
  async forget(teamId: string): Promise<Subscription[]> {
    const subs = await this.list(teamId);
    for (const sub of subs) await this.remove(sub);
    await this.#ledger.forget(teamId);
    return subs;
  }

  async loadAll(): Promise<Subscription[]> {
    const keys = (await this.#kv.setMembers(SET)).sort();
    if (keys.length === 0) return [];
    const raws = await this.#kv.getMany(keys);
    return raws.flatMap((raw) => {
      const sub = readJson(raw) as Subscription | undefined;
      return sub ? [sub] : [];
    });
  }

  /** A workspace's subscriptions, optionally one channel's. */
  async list(teamId: string, channelId?: string): Promise<Subscription[]> {
    return (await this.loadAll()).filter(
      (s) => s.teamId === teamId && (channelId === undefined || s.channelId === channelId),
    );
  }
}
