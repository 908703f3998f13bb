import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import { StoreUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { KindOffering } from '../resources/kind-offering.js';
import { SKIP } from '../store/atomic-kv.js';
import type { Clock } from './clock.js';
import type { ConnectionGroup, GroupDeps } from './connection-groups.js';
import { groupByConnection, providerOf, spreadOverProviders } from './connection-groups.js';
import { type HealthDeps, markHealthy, markUnhealthy } from './connection-health.js';
import { addBacklog, type CycleReport, emptyReport, type Loaded } from './cycle-report.js';
import { RECORDS_PER_TURN } from './loop-turns.js';
import { type EndingHook, type EventHook, nextRecord } from './next-record.js';
import { forEachLimited, groupBy, type Observed, observeConnection, partition } from './observe.js';
import { cardsPerPass, deliverDue, type Polled, planDelivery } from './outbox/cycle-delivery.js';
import { cycleWaitUntil } from './outbox/cycle-wait.js';
import { DigestPass } from './outbox/digest-pass.js';
import { FailureFirst } from './outbox/failure-first.js';
import type { Outbox, OutboxSettings } from './outbox/outbox.js';
import { type CycleRecords, QuietWatches } from './quiet-watches.js';
import type { Leases } from './records/lease.js';
import { sameJson } from './records/same-json.js';
import { type HealthRecord, healthKey, type WatchRecord, type WatchStore } from './records/watch-store.js';
import type { DiffSettings, Observation } from './transitions.js';
import { handListed, interestsOf, type ListingHook, wholeKinds } from './whole-lists.js';

export interface CycleSettings extends DiffSettings, Pick<OutboxSettings, 'postPace' | 'editBudget'> {
  /** List page size (OMS allows 100). */
  pageSize: number;
  /** Pages read per connection and kind before falling back to `get` for what is still missing. */
  maxPages: number;
  /** Whether a card's thread gets the completion report (and chart) when its resource ends. */
  completionReports: boolean;
  /** Pages read of a kind listed whole (a `watch.listing` part: every item, to find new resources). */
  subscriptionMaxPages: number;
  /** Failed cycles in a row before a connection is reported down and backed off. */
  failThreshold: number;
  /** Longest backoff, in cycles skipped. */
  maxSkipCycles: number;
  /** Concurrent `get` calls per connection. */
  getsPerConnection: number;
  /**
   * Connections of one provider polled at once, sharing its background lanes (`PoolRegistry`, 2):
   * more connections than lanes keep them busy while the others read records and write.
   */
  connectionsPerProvider: number;
  /** Hour (UTC) of the daily digest; undefined turns it off. */
  digestHourUtc?: number;
  /** Seconds between cycles (0 or unset: no schedule); a cycle's waits end before the next. */
  pollIntervalSeconds?: number;
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
  readonly #health: HealthDeps;
  readonly #listing: readonly ListingHook[];
  readonly #failures: FailureFirst;
  readonly #groupDeps: GroupDeps;
  readonly #digests: DigestPass;
  readonly #records = new QuietWatches();
  readonly #beforeRecording: RecordingHook[];
  readonly #atEnding: EndingHook[];
  readonly #atEvents: EventHook[];

  constructor(deps: {
    store: WatchStore;
    outbox: Outbox;
    leases: Leases;
    connections: ConnectionRegistry;
    offering: KindOffering;
    logger: Logger;
    clock: Clock;
    settings: CycleSettings;
    /** Capabilities listing connections whole (the list may grow after the cycle is built). */
    listing: readonly ListingHook[];
    /** Asked before a poll records an observation (the list may grow after the cycle is built). */
    beforeRecording: RecordingHook[];
    /** Asked, in order, when a poll sees a run end (the list may grow after the cycle is built). */
    atEnding: EndingHook[];
    /** Asked, in order, for every observation with events (the list may grow after the cycle is built). */
    atEvents?: EventHook[];
  }) {
    this.#atEvents = deps.atEvents ?? [];
    this.#beforeRecording = deps.beforeRecording;
    this.#atEnding = deps.atEnding;
    this.#listing = deps.listing;
    this.#store = deps.store;
    this.#outbox = deps.outbox;
    this.#leases = deps.leases;
    this.#connections = deps.connections;
    this.#offering = deps.offering;
    this.#logger = deps.logger;
    this.#clock = deps.clock;
    this.#settings = deps.settings;
    this.#groupDeps = { store: deps.store, connections: deps.connections, logger: deps.logger };
    this.#health = { store: deps.store, clock: deps.clock, logger: deps.logger, settings: deps.settings };
    this.#failures = new FailureFirst({ store: deps.store, outbox: deps.outbox, clock: deps.clock });
    // Read each cycle: the settings object is the watcher's options, which may change meanwhile.
    const hourUtc = () => deps.settings.digestHourUtc;
    this.#digests = new DigestPass({ store: deps.store, outbox: deps.outbox, clock: deps.clock, hourUtc });
  }

  async run(): Promise<CycleReport> {
    const started = performance.now();
    // Until when (the clock's time) this cycle's posts may wait for their pace window.
    const waitUntil = cycleWaitUntil(this.#settings, this.#clock.now());
    // Only the index: a connection's records are read at its poll, so a cycle holds a lane's, not all.
    const [keys, wanted] = await Promise.all([this.#store.watchKeys(), interestsOf(this.#listing)]);
    const report = emptyReport(keys.length);
    const groups = await groupByConnection(keys, wanted, this.#groupDeps);
    report.connections = groups.size;
    await this.#leases.plan(spreadOverProviders(groups));
    const polled: Polled[] = [];
    const channels = new Set<string>();
    const skipped: Polling[] = [];
    // Bounded per provider: each provider's connections are polled a few at a time.
    const pollAll = (list: Polling[]) =>
      Promise.all(
        [...groupBy(list, ([, g]) => providerOf(g)).values()].map((l) =>
          forEachLimited(l, this.#settings.connectionsPerProvider, ([id, g]) =>
            this.#pollConnection(id, g, report, waitUntil, { polled, channels, skipped }),
          ),
        ),
      );
    try {
      await pollAll([...groups]);
      // A replica that died during the turns: what its leases left free is polled now (`recount`).
      if (skipped.length > 0 && (await this.#leases.recount()) > 0) {
        report.leasedElsewhere -= skipped.length;
        await pollAll(skipped.splice(0));
      }
    } finally {
      this.#records.endCycle();
    }
    // Every failure of the cycle before any other post takes the workspace's budget.
    await this.#failures.announceAll(polled, waitUntil);
    await deliverDue(
      this.#outbox,
      polled.map((p) => p.due),
      waitUntil,
    );
    await this.#digests.run(channels);
    report.ms = Math.round(performance.now() - started);
    return report;
  }

  /**
   * Polls only these watches, now, the way a cycle does (lease, list or get, transition, delivery):
   * someone just acted on the resource, and its card should not wait for the next cycle. `seen`: a
   * read of their one resource that a person's request made just now, taken as the observation
   * instead of asking the provider again.
   */
  async recheck(keys: readonly string[], seen?: Observation): Promise<CycleReport> {
    const report = emptyReport(keys.length);
    const started = performance.now();
    // After a click (`seen`), posts wait for no pace window: the click's work ends. A timed re-check
    // waits one post's pace, or a thread line left here would wait for the next cycle.
    const waitUntil = this.#clock.now() + (seen ? 0 : (this.#settings.postPace?.maxWaitMs ?? 0));
    for (const [id, g] of await groupByConnection(keys, [], this.#groupDeps))
      await this.#pollConnection(id, g, report, waitUntil, { recheck: true, seen });
    report.ms = Math.round(performance.now() - started);
    return report;
  }

  /** One connection: poll, compare, record, deliver. */
  async #pollConnection(
    id: string,
    group: ConnectionGroup,
    report: CycleReport,
    waitUntil: number,
    options: {
      recheck?: boolean;
      seen?: Observation;
      polled?: Polled[];
      channels?: Set<string>;
      skipped?: Polling[];
    } = {},
  ): Promise<void> {
    if (!(await this.#leases.hold(`conn:${id}`))) {
      options.skipped?.push([id, group]);
      // Not read: its holder counts its backlog and channels, so n replicas read each record once.
      report.leasedElsewhere++;
      return;
    }
    const wanted = group.connection ? group.wanted.length : 0;
    const hKey = healthKey(id);
    // Read after the lease is held: what this cycle writes is compared with the newest records.
    const decodeAll = options.recheck === true || wanted > 0;
    const [records, health] = await Promise.all([
      this.#records.read(this.#store, group.keys, { decodeAll }, report),
      this.#store.read<HealthRecord>(hKey),
    ]);
    if (records.empty && wanted === 0) return;
    report.polled++;
    this.#took(records, report, options.channels);
    const seen = options.seen;
    const observations = seen
      ? new Map(records.watched().map((w) => [w.key, seen]))
      : await this.#poll(id, group, records, health, report, options.recheck === true);
    const latest = new Map<string, WatchRecord>();
    if (observations) await this.#compareAndRecord(records, observations, latest, waitUntil, report);
    await this.#leases.polled(`conn:${id}`); // a replica dying from now frees it a lease period later
    await this.#deliver(hKey, records, latest, waitUntil, options.polled);
  }

  /** Notes what a cycle needs of every record it read: the outbox backlog, the digest's channels. */
  #took(records: CycleRecords, report: CycleReport, channels: Set<string> | undefined): void {
    addBacklog(report, records.decoded, this.#clock.now());
    if (channels) for (const channel of records.channels()) channels.add(channel);
  }

  /**
   * Asks the provider what the connection's records watch, unless the connection is gone or backs
   * off; undefined when nothing was observed. What a connection's pages showed whole goes to the
   * capabilities that asked (a `watch.listing` part), which may start watches.
   */
  async #poll(
    id: string,
    group: ConnectionGroup,
    records: CycleRecords,
    health: HealthRecord | undefined,
    report: CycleReport,
    recheck: boolean,
  ): Promise<Map<string, Observation> | undefined> {
    const { connection, wanted } = group;
    // Not polled: nothing is concluded about its resources (never "vanished" for a config change).
    if (!connection) return undefined;
    const hKey = healthKey(id);
    if (health && health.skip > 0) {
      report.backedOff++;
      // A connection backing off stays backed off: only full cycles count down its skips.
      if (!recheck)
        await this.#store.update<HealthRecord>(hKey, (h) =>
          h ? { ...h, skip: Math.max(0, h.skip - 1) } : SKIP,
        );
      return undefined;
    }
    const watched = records.watched();
    if (watched.length === 0 && wanted.length === 0) return undefined;
    const provider = this.#connections.provider(connection, 'background');
    const whole = wholeKinds(wanted, provider.kinds);
    const deps = {
      offering: this.#offering,
      logger: this.#logger,
      settings: this.#settings,
      clock: this.#clock,
    };
    let observed: Observed;
    try {
      observed = await observeConnection(deps, connection, provider, watched, report, whole);
      // Watches started from the pages now; their events start next cycle.
      records.add(await handListed(wanted, observed.listed, records.decoded, (r) => provider.actionsFor(r)));
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      report.failedConnections++;
      report.failed.push(id);
      await markUnhealthy(this.#health, hKey, connection, records.every(), error);
      return undefined;
    }
    await markHealthy(this.#health, hKey, connection, () => records.every());
    return observed.observations;
  }

  /** Compares each observed record with its observation and records what changed, failures first. */
  async #compareAndRecord(
    records: CycleRecords,
    observations: ReadonlyMap<string, Observation>,
    latest: Map<string, WatchRecord>,
    waitUntil: number,
    report: CycleReport,
  ): Promise<void> {
    const seen = await records.toCompare(observations, this.#clock.now());
    let handled = 0;
    const applyAll = (batch: readonly Loaded[]) =>
      forEachLimited(batch, APPLYING_AT_ONCE, async (loaded) => {
        // A record that did not change is compared without any I/O: the loop still gets its turns.
        if (++handled % RECORDS_PER_TURN === 0) await nextTurn();
        const outcome = await this.#apply(records, loaded, observations.get(loaded.key)!);
        report.events += outcome.added;
        if (outcome.record) latest.set(loaded.key, outcome.record);
      });
    // Failures are written and announced before the connection's other transitions.
    const [failing, rest] = partition(seen, (w) => failsNow(w.record, observations.get(w.key)!));
    await applyAll(failing);
    // Info, with the workspace, connection and resource (watch-log.ts): a migration failing is news.
    for (const { key } of failing) this.#logger.info({ key, event: 'failed' }, 'migration failed');
    if (failing.length > 0) await this.#failures.announce(planDelivery(failing, latest).failing, waitUntil);
    await applyAll(rest);
  }

  /** Failures first; in a full cycle (`polled`) the rest waits until every connection was polled. */
  async #deliver(
    hKey: string,
    records: CycleRecords,
    latest: ReadonlyMap<string, WatchRecord>,
    waitUntil: number,
    polled: Polled[] | undefined,
  ): Promise<void> {
    await this.#outbox.drain(hKey);
    const plan = records.plan(latest, cardsPerPass(this.#settings));
    await this.#failures.announce(plan.failing, waitUntil);
    if (polled) polled.push(plan);
    else await deliverDue(this.#outbox, [plan.due], waitUntil);
  }

  /**
   * Writes the transition and its notifications in one compare-and-set; returns events added. When
   * the observation changes nothing in the record as loaded this cycle, nothing is written: this
   * replica holds the connection's lease, so no newer observation can be lost by skipping.
   */
  async #apply(
    records: CycleRecords,
    loaded: Loaded,
    observation: Observation,
  ): Promise<{ added: number; record?: WatchRecord }> {
    const now = this.#clock.now();
    for (const hook of this.#beforeRecording) await hook(loaded.record, observation);
    const planned = this.#next(loaded.record, observation, now);
    if (planned.added === 0 && sameJson(planned.record, loaded.record)) {
      records.unchanged(loaded, observation, planned);
      return { added: 0, record: loaded.record };
    }
    records.changing(loaded.key);
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

  /** The record after an observation, with the replies due. */
  #next(current: WatchRecord, observation: Observation, now: number) {
    return nextRecord(current, observation, now, this.#settings, this.#atEnding, this.#atEvents);
  }
}

type Polling = [id: string, group: ConnectionGroup];

/** What a capability adds when a poll sees a run end (its `watch.ending` part). */
export type { EndingHook, EventHook };

/**
 * What a capability does before a poll records what it observed of a watch (`record` as loaded):
 * a claim on a failure seen recovered is closed in the capability's own store. Quick when it has
 * nothing to do: it is asked for every watch a poll compares.
 */
export type RecordingHook = (record: WatchRecord, observation: Observation) => Promise<void>;

/** Records of one connection written at once (each its own compare-and-set). */
const APPLYING_AT_ONCE = 8;

/** Whether this observation makes a watch's resource fail (a failure reply is due). */
function failsNow(record: WatchRecord, observation: Observation): boolean {
  return 'resource' in observation && observation.resource.state === 'failed' && record.state !== 'failed';
}

export type { CycleReport, Loaded } from './cycle-report.js';
export { forEachLimited, groupBy } from './observe.js';
