import type { Config } from '../config.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import type { ResourceKind } from '../domain/migration-resource.js';
import { InvalidInputError } from '../errors.js';
import type { Logger } from '../logger.js';
import { KindOffering } from '../resources/kind-offering.js';
import type { LastActions } from '../resources/last-actions.js';
import { type AtomicKv, SKIP } from '../store/atomic-kv.js';
import { restoredFrom } from '../store/backup-marks.js';
import type { Store } from '../store/create-store.js';
import { openAtomicKv } from '../store/open-atomic-kv.js';
import { cannotPostError, prepareRepair } from './outbox/broken-channel.js';
import { cardOf } from './outbox/living-posts.js';
import { Outbox, type WatchAuditor } from './outbox/outbox.js';
import type { WatchSlack } from './outbox/watch-slack.js';
import {
  type CycleReport,
  type EndingHook,
  type EventHook,
  PollCycle,
  type RecordingHook,
} from './poll-cycle.js';
import { Leases } from './records/lease.js';
import { ReplicaRegistry } from './records/replica-registry.js';
import { watchKeyNaming } from './records/watch-key-names.js';
import {
  type RequestedAction,
  type WatchRecord,
  WatchStore,
  type WatchTarget,
  watchKey,
} from './records/watch-store.js';
import type { WorkspaceUse } from './records/workspace-limits.js';
import type { Observation } from './transitions.js';
import { withWhere } from './watch-log.js';
import { type NotedResource, WatchNotes } from './watch-notes.js';
import { newWatchRecord, type WatchRequest, type WatchResult, withCard } from './watch-request.js';
import { WatchSchedule } from './watch-schedule.js';
import { defaultWatcherOptions, type WatcherOptions } from './watcher-options.js';
import type { ListingHook } from './whole-lists.js';

export type { WatchRequest, WatchResult } from './watch-request.js';
export { DEFAULT_POST_PACE, defaultWatcherOptions, type WatcherOptions } from './watcher-options.js';

export interface WatcherDeps {
  config: Config;
  logger: Logger;
  store: Store;
  connections: ConnectionRegistry;
  /** Where notifications go: the bot's sender-backed `SlackWatchDelivery` (`slack/watch-slack.ts`). */
  slack: WatchSlack;
  /** Kinds each connection does not offer; the bot shares its own, otherwise one over `store`. */
  offering?: KindOffering;
  /** Where a broken watch is recorded (the bot's audit log, which posts to the audit channel). */
  audit?: WatchAuditor;
  /** Each cycle's report goes to the metrics (`/metrics`) instead of a debug line. */
  metrics?: { cycleDone(report: CycleReport): void };
  /** Who last acted on a resource (a person, a window): a new watch starts out knowing it. */
  lastActions?: Pick<LastActions, 'get'>;
}

/**
 * The watcher: persisted watches, polled per connection on a node-cron schedule (never two cycles
 * at once), notified through a persisted outbox, exactly once across restarts and replicas.
 */
export class Watcher {
  readonly options: WatcherOptions;
  readonly store: WatchStore;
  readonly outbox: Outbox;
  readonly #deps: WatcherDeps;
  readonly #backend: AtomicKv;
  readonly #leases: Leases;
  readonly #cycle: PollCycle;
  readonly #logger: Logger;
  readonly #schedule: WatchSchedule;
  /** Notes on watches from outside the cycle: requests, claims, sign-offs (watch-notes.ts). */
  readonly notes: WatchNotes;
  #current: Promise<CycleReport> | undefined;
  #beforeCycle: (() => Promise<void>) | undefined;
  readonly #beforeRecording: RecordingHook[] = [];
  readonly atEnding: EndingHook[] = [];
  /** Capabilities saying some events in their own words (`EventHook`: a failure retried quietly). */
  readonly atEvents: EventHook[] = [];
  /** Capabilities reading every item of a connection's list pages (`ListingHook`). */
  readonly listing: ListingHook[] = [];
  /** What capabilities count against a workspace's caps besides its watches (`usage`). */
  readonly counting: ((teamId: string) => Promise<Partial<WorkspaceUse>>)[] = [];
  #lastStart = 0;
  #stopped: Promise<void> | undefined;
  cycles = 0;

  private constructor(deps: WatcherDeps, backend: AtomicKv, options: WatcherOptions) {
    this.#deps = deps;
    this.#backend = backend;
    this.options = options;
    // Every line with a record's or post's key names its workspace, connection and resource.
    this.#logger = withWhere(deps.logger.child({ component: 'watcher' }));
    const clock = options.clock;
    this.#schedule = new WatchSchedule(
      options,
      {
        cycle: () => this.runCycle(),
        lastStart: () => this.#lastStart,
        running: () => this.#current,
      },
      this.#logger,
    );
    this.store = new WatchStore(backend, {
      format: options.recordFormat,
      maxWatches: () => this.options.limits.watches,
      clock,
    });
    // Several replicas only on Redis: each announces itself and aims for its fair share.
    const registry =
      backend.kind === 'redis' ? new ReplicaRegistry(backend, options.holder, options.leaseMs) : undefined;
    this.#leases = new Leases(backend, options.holder, options.leaseMs, clock, registry);
    this.outbox = new Outbox({
      store: this.store,
      slack: deps.slack,
      logger: this.#logger,
      holder: options.holder,
      clock,
      settings: options,
      audit: deps.audit,
    });
    this.#cycle = new PollCycle({
      store: this.store,
      outbox: this.outbox,
      leases: this.#leases,
      connections: deps.connections,
      offering: deps.offering ?? new KindOffering(deps.store, { clock }),
      logger: this.#logger,
      clock,
      settings: options,
      listing: this.listing,
      beforeRecording: this.#beforeRecording,
      atEnding: this.atEnding,
      atEvents: this.atEvents,
    });
    this.notes = new WatchNotes(this.store, this.#schedule, {
      edit: (key) => this.outbox.settle(key),
      poll: (keys, seen) => this.#cycle.recheck(keys, seen),
      deliver: (key) => this.outbox.drain(key),
    });
  }

  /** Redis when STORE_URL is redis:// (several replicas), otherwise the bot's store in-process. */
  static async create(deps: WatcherDeps, overrides: Partial<WatcherOptions> = {}): Promise<Watcher> {
    const options = { ...defaultWatcherOptions(deps.config), ...overrides };
    options.restored ??= await restoredFrom(deps.store, options.clock.now());
    const url = deps.config.storeUrl;
    const naming = watchKeyNaming(options.holder, deps.logger);
    const backend = await openAtomicKv(url, deps.store, options.keyPrefix, deps.logger, naming);
    return new Watcher(deps, backend, options);
  }

  get backendKind(): AtomicKv['kind'] {
    return this.#backend.kind;
  }

  /** Leases held and whether the last lease attempt reached the store (for `/metrics`, `/readyz`). */
  get leases(): { held: number; working: boolean; replicas: number; share: number | undefined } {
    return { held: this.#leases.heldCount, working: this.#leases.working, ...this.#leases.balance };
  }

  /**
   * Watches a resource in a channel: one parent card there, events in its thread. Idempotent (the
   * same resource in the same channel is one watch). Posts the card at once when Slack lets it.
   */
  async watch(request: WatchRequest): Promise<WatchResult> {
    await this.#deps.connections.sync(request.teamId);
    const connection = this.#deps.connections.get(request.teamId, request.connection);
    // A person asked for this watch (a command, a subscription, a created resource): they wait.
    const provider = this.#deps.connections.provider(connection, 'interactive');
    const resource = request.resource ?? (await provider.get(request.kind, request.id));
    const target: WatchTarget = {
      teamId: request.teamId,
      channelId: request.channelId,
      connection: connection.name,
      kind: resource.kind,
      id: resource.id,
    };
    const key = watchKey(target);
    // Its card says who holds it from the start ("Paused by window …"), as status does.
    const requested = await this.#deps.lastActions?.get(target.teamId, target).catch(() => undefined);
    const actions = provider.actionsFor(resource);
    const record = newWatchRecord(request, target, resource, actions, requested, this.options.clock.now());
    const created = await this.store.create(key, record);
    if (!created) return this.#watchAgain(key, target);
    const drained = await this.outbox.drain(key, { direct: true });
    if (drained.channelError || drained.parentError) {
      await this.store.remove(key);
      const channel = `<#${target.channelId}>`;
      if (drained.channelError) throw cannotPostError(record, drained.channelError, false);
      throw InvalidInputError.of('watch.refusedCard', { channel, reason: String(drained.parentError) });
    }
    const stored = await this.store.read<WatchRecord>(key);
    return { created, key, posted: stored !== undefined && cardOf(stored) !== undefined };
  }

  /**
   * The resource is watched in that channel already. A broken watch is repaired when Slack takes a
   * post there again; an active one whose channel Slack now refuses breaks (its creator is told).
   */
  async #watchAgain(key: string, target: WatchTarget): Promise<WatchResult> {
    const now = this.options.clock.now();
    const last = await this.#deps.lastActions?.get(target.teamId, target).catch(() => undefined);
    // A watch without a card (`follow`) becomes a full watch: its card is posted now, saying
    // who holds the resource if the watch never heard (it began after).
    const before = await this.store.update<WatchRecord>(key, (r) =>
      r && (!r.explicit || r.follow)
        ? withCard(
            { ...r, explicit: true, ...(r.requested || !last ? {} : { requested: last }) },
            target,
            now,
          )
        : SKIP,
    );
    if (before?.broken) return this.#repair(key, true);
    const drained = await this.outbox.drain(key, { direct: true });
    if (drained.channelError) {
      await this.outbox.breakChannel(target.teamId, target.channelId, drained.channelError);
      throw cannotPostError(before ?? { watch: target }, drained.channelError, true);
    }
    const stored = await this.store.read<WatchRecord>(key);
    return { created: false, key, posted: stored !== undefined && cardOf(stored) !== undefined };
  }

  /** Tries a broken watch's held posts; `loud` throws what the person has to do when it fails. */
  async #repair(key: string, loud: boolean): Promise<WatchResult> {
    const now = this.options.clock.now();
    await this.store.update<WatchRecord>(key, (r) => (r?.broken ? prepareRepair(r, now) : SKIP));
    const drained = await this.outbox.drain(key, { direct: true });
    const reason = drained.channelError;
    const after = reason
      ? await this.store.update<WatchRecord>(key, (r) =>
          r?.broken ? { ...r, broken: { ...r.broken, reason } } : SKIP,
        )
      : await this.store.read<WatchRecord>(key);
    const repaired = after !== undefined && !after.broken;
    if (repaired) this.#logger.info({ key }, 'broken watch repaired');
    if (!repaired && loud) {
      if (after?.broken) throw cannotPostError(after, after.broken.reason, true);
      throw InvalidInputError.of('watch.notTakenYet');
    }
    return { created: false, key, posted: after !== undefined && cardOf(after) !== undefined, repaired };
  }

  /** The bot joined a channel (`member_joined_channel`): every broken watch there is tried again; those repaired. */
  async repairChannel(teamId: string, channelId: string): Promise<WatchRecord[]> {
    const broken = (await this.store.loadAll()).filter(
      (w) => w.record.watch.teamId === teamId && w.record.watch.channelId === channelId && w.record.broken,
    );
    const repaired: WatchRecord[] = [];
    for (const { key, record } of broken) {
      if ((await this.#repair(key, false)).repaired) repaired.push(record);
    }
    return repaired;
  }

  async unwatch(target: WatchTarget): Promise<boolean> {
    return this.store.remove(watchKey(target));
  }

  /**
   * Someone asked for `action` on a resource through the bot: every watch of it in the workspace
   * remembers who, so the event it causes says so ("paused by @Bob"), in every channel.
   */
  async noteRequest(
    teamId: string,
    target: NotedResource,
    requested: Omit<RequestedAction, 'at'>,
    /** The read the caller made after the action: the watches take it instead of polling. */
    seen?: Observation,
  ): Promise<WatchRecord[]> {
    // Stamped on the watcher's clock: it is compared with the events it causes.
    return this.notes.request(teamId, target, { ...requested, at: this.options.clock.now() }, seen);
  }

  /** Resolves once no early re-check after an action is waiting or running. */
  rechecksIdle(): Promise<void> {
    return this.#schedule.idle();
  }

  /** Re-checks after an action until `check` says its outcome settled (`WatchSchedule.settleSoon`). */
  settleSoon(check: () => Promise<boolean>): void {
    this.#schedule.settleSoon(check);
  }

  /** A workspace's watches, and what capabilities count, against their caps. */
  async usage(teamId: string): Promise<WorkspaceUse> {
    const limits = this.options.limits;
    let use: WorkspaceUse = {
      watches: await this.store.watchesUsed(teamId),
      subscriptions: { used: 0, max: limits.subscriptions },
      channels: [],
    };
    for (const count of this.counting) use = { ...use, ...(await count(teamId)) };
    return use;
  }

  /** Every watch of a workspace (optionally one channel), for `/migrate watches`. */
  async list(teamId: string, channelId?: string): Promise<WatchRecord[]> {
    return (await this.store.loadAll())
      .map((w) => w.record)
      .filter((r) => r.watch.teamId === teamId && (!channelId || r.watch.channelId === channelId));
  }

  /** Watches matching what a user typed: `connection:id`, a full id or a unique prefix. */
  async find(
    teamId: string,
    channelId: string | undefined,
    ref: { connection?: string; id: string; kind?: ResourceKind },
  ): Promise<WatchRecord[]> {
    const watches = (await this.list(teamId, channelId)).filter(
      (r) => !ref.connection || r.watch.connection === ref.connection,
    );
    const exact = watches.filter((r) => r.watch.id === ref.id);
    return exact.length > 0 ? exact : watches.filter((r) => r.watch.id.startsWith(ref.id));
  }

  /** Work run before each cycle polls (the scheduler's tick); a failure is logged, the cycle goes on. */
  beforeEachCycle(work: () => Promise<void>): void {
    this.#beforeCycle = work;
  }

  /** Work a capability does before a poll records what it observed of a watch (`RecordingHook`). */
  beforeRecording(hook: RecordingHook): void {
    this.#beforeRecording.push(hook);
  }

  /** True while a cycle runs (the work before it included). */
  cycling(): boolean {
    return this.#current !== undefined;
  }

  /** One cycle now; resolves undefined when a cycle is already running (cycles never overlap). */
  async runCycle(): Promise<CycleReport | undefined> {
    if (this.#current || this.#stopped) return undefined;
    this.#lastStart = this.options.clock.now();
    const before = this.#beforeCycle;
    const ready = before
      ? before().catch((error: unknown) =>
          this.#logger.error({ err: error }, 'the work before a watcher cycle failed'),
        )
      : Promise.resolve();
    const current = ready
      .then(() => this.#cycle.run())
      .then((report) => {
        this.cycles++;
        this.#deps.metrics?.cycleDone(report);
        return report;
      });
    this.#current = current;
    try {
      return await current;
    } finally {
      this.#current = undefined;
    }
  }

  /** Starts the node-cron schedule (none when the interval is 0). */
  start(): void {
    if (this.#stopped || !this.#schedule.start()) return;
    const intervalSeconds = this.options.pollIntervalSeconds;
    this.#logger.info({ intervalSeconds, backend: this.#backend.kind }, 'watcher started');
  }

  /** Stops the schedule, lets a running cycle finish, hands leases over, closes its connection. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await this.#schedule.stop();
      await this.#current?.catch(() => undefined);
      await this.#leases.releaseAll().catch(() => undefined);
      await this.#backend.close();
    })();
    return this.#stopped;
  }
}
