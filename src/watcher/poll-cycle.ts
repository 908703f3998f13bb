import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import type { MigrationResource } from '../domain/migration-resource.js';
import { StoreUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ResourceAction } from '../providers/types.js';
import type { KindOffering } from '../resources/kind-offering.js';
import { SKIP } from '../store/atomic-kv.js';
import type { Clock } from './clock.js';
import { type ConnectionGroup, type GroupDeps, groupByConnection } from './connection-groups.js';
import { cardsPerPass, DELIVERING_AT_ONCE, deliverDue, type Polled, planDelivery } from './cycle-delivery.js';
import { addBacklog, type CycleReport, emptyReport, type Loaded } from './cycle-report.js';
import { DigestPass } from './digest-pass.js';
import { discover, writeDiscovered } from './discover.js';
import { eventEntries } from './event-entries.js';
import { FailureFirst } from './failure-first.js';
import type { Leases } from './lease.js';
import { RECORDS_PER_TURN } from './loop-turns.js';
import { connectionNotices, reasonOf } from './notification.js';
import { forEachLimited, groupBy, observeConnection, type Watched } from './observe.js';
import type { Outbox, OutboxSettings } from './outbox.js';
import { QuietWatches } from './quiet-watches.js';
import { sameJson } from './same-json.js';
import { type Subscription, type SubscriptionStore, subscribedKinds } from './subscriptions.js';
import { type DiffSettings, diff, type Observation } from './transitions.js';
import {
  channelKey,
  emptyMailbox,
  enqueue,
  type HealthRecord,
  healthKey,
  type WatchRecord,
  type WatchStore,
  watchTargetOf,
} from './watch-store.js';

export interface CycleSettings extends DiffSettings, Pick<OutboxSettings, 'postPace' | 'editBudget'> {
  /** List page size (OMS allows 100). */
  pageSize: number;
  /** Pages read per connection and kind before falling back to `get` for what is still missing. */
  maxPages: number;
  /** Whether a card's thread gets the completion report (and chart) when its resource ends. */
  completionReports: boolean;
  /** Pages read of a kind a subscription follows whole (every item, to find new resources). */
  subscriptionMaxPages: number;
  /** Failed cycles in a row before a connection is reported down and backed off. */
  failThreshold: number;
  /** Longest backoff, in cycles skipped. */
  maxSkipCycles: number;
  /** Concurrent `get` calls per connection. */
  getsPerConnection: number;
  /**
   * Connections of one provider polled at once. Their requests share the provider's background
   * lanes (`PoolRegistry`, 2 on the wire at once), so more connections than lanes keep those lanes
   * busy while the others read records, parse pages and write what they saw.
   */
  connectionsPerProvider: number;
  /** Hour (UTC) of the daily digest; undefined turns it off. */
  digestHourUtc?: number;
}

/**
 * One poll cycle: watches grouped by connection, one list pass per connection and kind (pages of
 * `pageSize`, stopping once every watched id is seen), `get` only for what the list did not show,
 * then each watch's transition written with its notifications in one atomic write, then delivery.
 */
export class PollCycle {
  readonly #store: WatchStore;
  readonly #outbox: Outbox;
  readonly #leases: Leases;
  readonly #connections: ConnectionRegistry;
  readonly #offering: KindOffering;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #settings: CycleSettings;
  readonly #subscriptions: SubscriptionStore;
  readonly #failures: FailureFirst;
  readonly #groupDeps: GroupDeps;
  readonly #digests: DigestPass;
  readonly #quiet = new QuietWatches();

  constructor(deps: {
    store: WatchStore;
    outbox: Outbox;
    leases: Leases;
    connections: ConnectionRegistry;
    offering: KindOffering;
    logger: Logger;
    clock: Clock;
    settings: CycleSettings;
    subscriptions: SubscriptionStore;
  }) {
    this.#subscriptions = deps.subscriptions;
    this.#store = deps.store;
    this.#outbox = deps.outbox;
    this.#leases = deps.leases;
    this.#connections = deps.connections;
    this.#offering = deps.offering;
    this.#logger = deps.logger;
    this.#clock = deps.clock;
    this.#settings = deps.settings;
    this.#groupDeps = { store: deps.store, connections: deps.connections, logger: deps.logger };
    this.#failures = new FailureFirst({ store: deps.store, outbox: deps.outbox, clock: deps.clock });
    // Read each cycle: the settings object is the watcher's options, which may change meanwhile.
    const hourUtc = () => deps.settings.digestHourUtc;
    this.#digests = new DigestPass({ store: deps.store, outbox: deps.outbox, clock: deps.clock, hourUtc });
  }

  async run(): Promise<CycleReport> {
    const started = performance.now();
    // Until when (the clock's time) this cycle's posts may wait for their pace window.
    const waitUntil = this.#clock.now() + (this.#settings.postPace?.cycleWaitMs ?? 0);
    // Only the index: each connection's records are read when its poll starts and let go when it
    // ends, so a cycle holds one connection's records per lane, not every watch's.
    const [keys, subs] = await Promise.all([this.#store.watchKeys(), this.#subscriptions.loadAll()]);
    const report = emptyReport(keys.length);
    const groups = await groupByConnection(keys, subs, this.#groupDeps);
    report.connections = groups.size;
    await this.#leases.plan([...groups.keys()].map((id) => `conn:${id}`));
    // Bounded per provider: each provider's connections are polled a few at a time.
    const byProvider = groupBy([...groups], ([, g]) => g.connection?.provider ?? 'unknown');
    const polled: Polled[] = [];
    const channels = new Set<string>();
    const perProvider = this.#settings.connectionsPerProvider;
    try {
      await Promise.all(
        [...byProvider.values()].map((list) =>
          forEachLimited(list, perProvider, ([id, g]) =>
            this.#pollConnection(id, g, report, waitUntil, { polled, channels }),
          ),
        ),
      );
    } finally {
      this.#quiet.endCycle();
    }
    // Every failure of the cycle before any other post takes the workspace's budget.
    await this.#failures.announceAll(polled, waitUntil);
    await forEachLimited(polled, DELIVERING_AT_ONCE, (p) => deliverDue(this.#outbox, p.due, waitUntil));
    await this.#digests.run(channels);
    report.ms = Math.round(performance.now() - started);
    return report;
  }

  /**
   * Polls only these watches, now, the way a cycle does (lease, list or get, transition, delivery):
   * someone just acted on the resource, and its card should not wait for the next cycle.
   */
  async recheck(keys: readonly string[]): Promise<CycleReport> {
    const report = emptyReport(keys.length);
    const started = performance.now();
    // Posts wait for no pace window: the cycle delivers what a re-check leaves.
    const waitUntil = this.#clock.now();
    for (const [id, g] of await groupByConnection(keys, [], this.#groupDeps))
      await this.#pollConnection(id, g, report, waitUntil, { recheck: true });
    report.ms = Math.round(performance.now() - started);
    return report;
  }

  async #pollConnection(
    id: string,
    group: ConnectionGroup,
    report: CycleReport,
    waitUntil: number,
    options: { recheck?: boolean; polled?: Polled[]; channels?: Set<string> } = {},
  ): Promise<void> {
    const { connection } = group;
    const name = connection?.name ?? group.name;
    const subs = connection ? group.subs : [];
    if (!(await this.#leases.hold(`conn:${id}`))) {
      report.leasedElsewhere++;
      // Read still, so each replica's backlog gauge and digest pass cover every watch, as before.
      if (!options.recheck) this.#took(await this.#store.loadMany(group.keys), report, options.channels);
      return;
    }
    // Read after the lease is held: what this cycle writes is compared with the newest records.
    // A quiet watch's record stays text unless its resource or the clock moved (`QuietWatches`).
    const hKey = healthKey(id);
    const skips = !options.recheck && subs.length === 0;
    const [{ loaded: watches, texts: quiet }, health] = await Promise.all([
      this.#store.loadUnless(group.keys, (key, raw) => skips && this.#quiet.knows(key, raw)),
      this.#store.read<HealthRecord>(hKey),
    ]);
    if (watches.length === 0 && quiet.length === 0 && subs.length === 0) return;
    report.polled++;
    report.quiet += quiet.length;
    this.#took(watches, report, options.channels);
    // `QuietWatches` remembers only records whose key names their target.
    const quietTargets = quiet.map((t) => watchTargetOf(t.key)!);
    if (options.channels)
      for (const t of quietTargets) options.channels.add(channelKey(t.teamId, t.channelId));
    // Health notices name every channel: the quiet watches' records are decoded for them (rare).
    const every = () => [...watches, ...quiet.map((t) => this.#store.decode(t))];
    // A broken watch is not polled: nothing can be posted about it; once repaired, the next poll
    // compares what was last notified with the resource as it is then.
    const active = watches.filter((w) => !w.record.ended && !w.record.broken);
    const latest = new Map<string, WatchRecord>();
    const decodedQuiet = new Set<string>();
    if (!connection) {
      // Not polled: nothing is concluded about its resources (never "vanished" for a config change).
    } else if (health && health.skip > 0) {
      report.backedOff++;
      // A connection backing off stays backed off: only full cycles count down its skips.
      if (!options.recheck)
        await this.#store.update<HealthRecord>(hKey, (h) =>
          h ? { ...h, skip: Math.max(0, h.skip - 1) } : SKIP,
        );
    } else if (active.length > 0 || quiet.length > 0 || subs.length > 0) {
      const provider = this.#connections.provider(connection, 'background');
      const whole = new Set(subs.flatMap((s) => subscribedKinds(s, provider.kinds)));
      let observations: Map<string, Observation> | undefined;
      try {
        const observed = await observeConnection(
          { offering: this.#offering, logger: this.#logger, settings: this.#settings },
          connection,
          provider,
          [
            ...active.map(watchedOf),
            ...quietTargets.map(({ kind, id }, i) => ({ key: quiet[i]!.key, kind, id })),
          ],
          report,
          whole,
        );
        observations = observed.observations;
        // New resources of a subscription become watches now; their events start next cycle.
        watches.push(
          ...(await this.#subscribe(subs, observed.listed, watches, (r) => provider.actionsFor(r))),
        );
      } catch (error) {
        if (error instanceof StoreUnavailableError) throw error;
        report.failedConnections++;
        report.failed.push(id);
        this.#logger.warn({ err: error, connection: name }, 'watched connection did not answer');
        await this.#unhealthy(hKey, name, every(), error);
      }
      if (observations) {
        await this.#healthy(hKey, name, every);
        const now = this.#clock.now();
        // A quiet watch whose resource or clock moved is decoded and compared like the others.
        for (const [i, text] of quiet.entries()) {
          if (i > 0 && i % RECORDS_PER_TURN === 0) await nextTurn();
          const observation = observations.get(text.key);
          if (!observation || this.#quiet.stillQuiet(text.key, observation, now)) continue;
          const loaded = this.#store.decode(text);
          decodedQuiet.add(text.key);
          watches.push(loaded);
          if (!loaded.record.ended && !loaded.record.broken) active.push(loaded);
        }
        const seen = active.filter((w) => observations.has(w.key));
        let handled = 0;
        const applyAll = (batch: readonly Loaded[]) =>
          forEachLimited(batch, APPLYING_AT_ONCE, async (loaded) => {
            // A quiet record is compared without any I/O: the loop still gets its turns.
            if (++handled % RECORDS_PER_TURN === 0) await nextTurn();
            const outcome = await this.#apply(loaded, observations.get(loaded.key)!);
            report.events += outcome.added;
            if (outcome.record) latest.set(loaded.key, outcome.record);
          });
        // Failures are written and announced before the connection's other transitions.
        const [failing, rest] = partition(seen, (w) => failsNow(w.record, observations.get(w.key)!));
        await applyAll(failing);
        if (failing.length > 0)
          await this.#failures.announce(planDelivery(failing, latest).failing, waitUntil);
        await applyAll(rest);
      }
    }
    await this.#outbox.drain(hKey);
    // Failures first; in a full cycle the rest waits until every connection was polled. A card
    // left undecoded is still redrawn when the budget allows (also while its connection fails).
    // A decoded one is in `watches` already, even if comparing it remembered it again just now.
    const quietCards = this.#quiet.cardsDue(quiet, quietTargets, decodedQuiet, cardsPerPass(this.#settings));
    const plan = planDelivery(watches, latest, quietCards);
    await this.#failures.announce(plan.failing, waitUntil);
    if (options.polled) options.polled.push(plan);
    else await deliverDue(this.#outbox, plan.due, waitUntil);
  }

  /** Notes what a cycle needs of every record it read: the outbox backlog, the digest's channels. */
  #took(watches: readonly Loaded[], report: CycleReport, channels: Set<string> | undefined): void {
    addBacklog(report, watches, this.#clock.now());
    if (channels)
      for (const { record } of watches)
        if (!record.broken) channels.add(channelKey(record.watch.teamId, record.watch.channelId));
  }

  /** Creates the watches subscriptions found, and notes on existing ones which subscriptions they serve. */
  async #subscribe(
    subs: Subscription[],
    listed: MigrationResource[],
    watches: Loaded[],
    actionsFor: (r: MigrationResource) => ResourceAction[],
  ): Promise<Loaded[]> {
    if (subs.length === 0 || listed.length === 0) return [];
    const existing = new Map(watches.map((w) => [w.key, w.record]));
    const found = discover(subs, listed, existing, actionsFor, this.#clock.now());
    return writeDiscovered(this.#store, found, this.#logger);
  }

  /**
   * Writes the transition and its notifications in one compare-and-set; returns events added. When
   * the observation changes nothing in the record as loaded this cycle, nothing is written: this
   * replica holds the connection's lease, so no newer observation can be lost by skipping.
   */
  async #apply(loaded: Loaded, observation: Observation): Promise<{ added: number; record?: WatchRecord }> {
    const now = this.#clock.now();
    const planned = this.#next(loaded.record, observation, now);
    if (planned.added === 0 && sameJson(planned.record, loaded.record)) {
      this.#quiet.remember(loaded.key, loaded.raw, loaded.record, observation, planned.quietUntil);
      return { added: 0, record: loaded.record };
    }
    this.#quiet.forget(loaded.key);
    let added = 0;
    const record = await this.#store.update<WatchRecord>(
      loaded.key,
      (current) => {
        if (!current || current.ended) return SKIP;
        // Still the record as loaded: the plan above holds, and it changes something.
        if (current === loaded.record) {
          added = planned.added;
          return planned.record;
        }
        const next = this.#next(current, observation, now);
        added = next.added;
        return sameJson(next.record, current) ? SKIP : next.record;
      },
      loaded,
    );
    return { added, record };
  }

  /** The record after an observation, with the replies its events need in its outbox. */
  #next(current: WatchRecord, observation: Observation, now: number) {
    const { record, events, quietUntil } = diff(current, observation, now, this.#settings);
    const next = enqueue(record, eventEntries(record, events, now, this.#settings.completionReports));
    return { record: next, added: next.outbox.length - record.outbox.length, quietUntil };
  }

  async #healthy(hKey: string, name: string, watches: () => Loaded[]): Promise<void> {
    const now = this.#clock.now();
    await this.#store.update<HealthRecord>(hKey, (h) => {
      if (!h || (h.failures === 0 && !h.down && h.skip === 0)) return SKIP;
      const next: HealthRecord = { ...h, failures: 0, skip: 0, down: false, since: undefined };
      if (!h.down) return next;
      return enqueue(next, connectionNotices(watches(), name, 'up', h.outage, h.since ?? now, now));
    });
  }

  async #unhealthy(hKey: string, name: string, watches: Loaded[], error: unknown): Promise<void> {
    const now = this.#clock.now();
    const { failThreshold, maxSkipCycles } = this.#settings;
    await this.#store.update<HealthRecord>(hKey, (current) => {
      const h: HealthRecord = current ?? { ...emptyMailbox(), failures: 0, down: false, outage: 0, skip: 0 };
      const next: HealthRecord = { ...h, failures: h.failures + 1, since: h.since ?? now };
      if (next.failures < failThreshold) return next;
      next.skip = Math.min(maxSkipCycles, 2 ** (next.failures - failThreshold));
      if (h.down) return next;
      next.down = true;
      next.outage = h.outage + 1;
      return enqueue(
        next,
        connectionNotices(watches, name, 'down', next.outage, next.since ?? now, now, reasonOf(error)),
      );
    });
  }
}

/** Records of one connection written at once (each its own compare-and-set). */
const APPLYING_AT_ONCE = 8;

/** Whether this observation makes a watch's resource fail (a failure reply is due). */
function failsNow(record: WatchRecord, observation: Observation): boolean {
  return 'resource' in observation && observation.resource.state === 'failed' && record.state !== 'failed';
}

/** What observing needs of a decoded watch. */
function watchedOf({ key, record }: Loaded): Watched {
  return { key, kind: record.watch.kind, id: record.watch.id, follow: record.follow };
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}

export type { CycleReport, Loaded } from './cycle-report.js';
export { forEachLimited, groupBy } from './observe.js';
