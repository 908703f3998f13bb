import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MigrationResource, NormalizedState, ResourceKind } from '../../domain/migration-resource.js';
import type { ResourceAction } from '../../providers/types.js';
import type { ThroughputSample } from '../../reports/throughput-samples.js';
import type { LastAction } from '../../resources/last-actions.js';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import { type Clock, systemClock } from '../clock.js';
import type { Loaded, StoredText } from '../cycle-report.js';
import type { GroupTally } from '../group-tally.js';
import { RECORDS_PER_TURN } from '../loop-turns.js';
import { EntryTaps } from '../outbox/entry-taps.js';
import type { LiveListing, LivePost } from '../outbox/living-posts.js';
import type { WatchNotification } from '../outbox/notification.js';
import { decodeRecord, encodePlain, encodeRecord } from './record-codec.js';
import { ResourceWatches } from './resource-watches.js';
import { INDEX_KEY } from './watch-keys.js';
import type { WatchOrigin } from './watch-origin.js';
import { WatchQuota } from './watch-quota.js';

export { emptyMailbox, enqueue, markSent } from '../outbox/mailbox.js';
export { watchChannelPartOf } from './record-codec.js';
export {
  channelKey,
  dedupBase,
  healthKey,
  INDEX_KEY,
  parentEntry,
  watchKey,
  watchTargetOf,
} from './watch-keys.js';

/** Where a resource is watched: one parent card per (workspace, channel, resource). */
export interface WatchTarget {
  teamId: string;
  channelId: string;
  connection: string;
  kind: ResourceKind;
  id: string;
}

export interface Watch extends WatchTarget {
  /** Who asked (a user id), or the flow that did (`create`). */
  by: string;
  createdAt: number;
  /** Where it came from: the creation request's id and title, or the title alone (watched later). */
  origin?: WatchOrigin;
}

/** Thread replies about a resource's state, in the order they can happen. */
export type StateEvent =
  | 'started'
  | 'paused'
  | 'resumed'
  | 'retrying'
  | 'failed'
  | 'succeeded'
  | 'cancelled'
  | 'deleted'
  | 'vanished';
/** `tasks-failed`: more of a task group's tasks failed; the last three, a failure's timed steps. */
export type WatchEvent = StateEvent | 'stalled' | 'moving' | 'tasks-failed' | TimedStep;
type TimedStep = 'unclaimed' | 'escalated' | 'still-on-it';
export type NoticeEvent =
  | 'connection-down'
  | 'connection-up'
  | 'digest'
  | 'broken'
  | 'repaired'
  | 'failures'
  | 'window-refused';

/** Slack's answers that mean the bot cannot post in a channel any more (until someone acts). */
export type ChannelGone = 'not_in_channel' | 'channel_not_found' | 'is_archived';

/** What the audit channel is told about a watch, delivered through the outbox like a post. */
export interface WatchAuditNote {
  teamId: string;
  /** The watch's creator when a person, else the watcher itself. */
  user: string;
  channel: string;
  action: string;
  target: string;
  detail: string;
  op: string;
}

/**
 * A notification waiting for Slack. Written, with its dedup key, in the same atomic write as the
 * state change that caused it, and removed only once Slack confirmed it. `sending` marks a post in
 * flight, so a replay after a crash knows the post may already be in Slack.
 */
export interface OutboxEntry {
  key: string;
  /**
   * The parent card, a reply in its thread, a top-level message (connection notices, digest), a
   * direct message to a person (`channel` is their user id), or an audit-log entry (`audit`).
   */
  type: 'parent' | 'reply' | 'notice' | 'dm' | 'audit';
  event?: WatchEvent | NoticeEvent;
  teamId: string;
  channel: string;
  /** What to say, as data of when it happened, rendered when sent (none: the card, audit entries). */
  note?: WatchNotification;
  /** Entries written before notes were data carry their message: posted as they are (none lost). */
  text?: string;
  blocks?: unknown[];
  broadcast?: boolean;
  /** Wall-clock ms (a lookup after a crash searches Slack from here). */
  createdAt: number;
  attempts: number;
  /** Wall-clock ms before which it is not tried again (Retry-After, backoff). */
  notBefore?: number;
  /** Wall-clock ms of the last failed try: a post Slack took after it ends the backoff. */
  failedAt?: number;
  sending?: { by: string; at: number };
  audit?: WatchAuditNote;
  /** A failure announced in the channel by this listing (a channel record's entry) not yet confirmed. */
  listedIn?: string;
  /** A failure a confirmed listing announced: its thread reply follows at the normal pace. */
  listed?: boolean;
}

export interface Mailbox {
  outbox: OutboxEntry[];
  /** Dedup keys Slack confirmed recently (bounded), a second guard against enqueuing twice. */
  sent: string[];
}

/** Everything the watcher persists about one watch. */
export interface WatchRecord extends Mailbox {
  watch: Watch;
  /** The latest observation; renderers draw from it and never call providers. */
  snapshot: MigrationResource;
  actions: ResourceAction[];
  /** Last state notified (`gone` once the resource no longer exists). */
  state: NormalizedState | 'gone';
  /** Run (attempt) counter: a failed or finished resource that starts again begins a new run. */
  run: number;
  /** Transitions notified in this run; part of every dedup key. */
  seq: number;
  lastEvent?: StateEvent;
  /** Whether `started` (or the run's first sign of life) was already notified in this run. */
  started: boolean;
  /** Bytes done (or progress) when it last moved, and when (watcher clock). */
  progressMark?: number;
  movedAt: number;
  stalled: boolean;
  /** Last speed seen while moving, for the stall reply. */
  lastSpeed?: number;
  stallSeq: number;
  /** The resource is gone: notify what is left, then the watch is removed. */
  ended: boolean;
  /**
   * Set while Slack refuses the watch's channel: its card and replies are held in the outbox (not
   * retried, not dropped) and the resource is not polled, until a post there succeeds again.
   */
  broken?: BrokenState;
  /** How many times this watch broke: part of the DM's and audit entry's dedup keys. */
  breaks?: number;
  /** The last action someone asked for through the bot: events it causes say who. */
  requested?: RequestedAction;
  /** When the watcher saw it fail (watcher clock ms), while it is failed: timed work counts from it. */
  failedAt?: number;
  /**
   * What each capability (`src/capabilities/`) says of the resource, by capability name, as it
   * wrote it with `WatchNotes.fact`: the core keeps it and draws it through the capability's lines.
   */
  facts?: Record<string, unknown>;
  /**
   * A subscription's watch without a card: only these events are posted, each as its own message
   * in the channel. Absent: a card with every event in its thread (`watch`, or a subscription `all`).
   */
  follow?: 'failures' | 'endings';
  /** The subscriptions (keys) this watch serves; absent for a watch only `watch` asked for. */
  via?: string[];
  /** Someone asked for this watch by name (`watch`): unsubscribing leaves it. */
  explicit?: boolean;
  /** A task group's tasks, counted each cycle: its card shows them (a watched group is one card). */
  group?: GroupTally;
  /** Bytes done over time while it moved (bounded), for the completion report and its chart. */
  samples?: ThroughputSample[];
  /**
   * The messages posted about it, each with what it last showed, edited when its state changes:
   * its card first, once Slack took it, then its failure, completion and verification posts and
   * listing lines (`living-posts.ts`).
   */
  posts?: LivePost[];
}

/** Who asked for what, when (wall-clock ms). */
export type RequestedAction = LastAction;

export interface BrokenState {
  reason: ChannelGone;
  /** Watcher clock, ms. */
  since: number;
  episode: number;
}

/** A connection's health, shared by every channel watching it. */
export interface HealthRecord extends Mailbox {
  failures: number;
  since?: number;
  down: boolean;
  /** Outage counter, part of the notices' dedup keys. */
  outage: number;
  /** Cycles to skip before trying again (backoff). */
  skip: number;
}

/** Per-channel state: the daily digest. */
export interface ChannelRecord extends Mailbox {
  teamId: string;
  channelId: string;
  digestDay?: string;
  /** What the last digest showed, by watch key, to say what changed since. */
  digest: Record<string, { state: string; progress?: number }>;
  /** The failure listings posted here, kept for their edits (`living-posts.ts`). */
  listings?: LiveListing[];
}

/** How watch records are written: compact (record-codec.ts) or plain JSON. */
export type RecordFormat = 'compact' | 'plain';

/**
 * Typed records over a `AtomicKv`: JSON in, JSON out (a watch record in its compact form,
 * record-codec.ts), every write atomic per record.
 */
export class WatchStore {
  readonly backend: AtomicKv;
  readonly #encode: (key: string, value: unknown) => string;
  readonly #quota: WatchQuota;
  /** Each resource's watches, found by key (`ResourceWatches`). */
  readonly resources: ResourceWatches;
  /** Keep the entries each write adds to an outbox in the write itself, for their taps (ADR 0019). */
  readonly taps: EntryTaps;

  /**
   * `format: 'plain'` writes watch records as plain JSON, which builds from before the compact
   * form can read (a rolling upgrade or rollback); both forms are always read. `maxWatches`: the
   * watches cap per workspace (MAX_WATCHES_PER_WORKSPACE), read at each add. `clock`: the
   * watcher's (the cap's occasional clean-up is timed by it).
   */
  constructor(
    backend: AtomicKv,
    options: { format?: RecordFormat; maxWatches?: () => number; clock?: Clock } = {},
  ) {
    this.backend = backend;
    this.taps = new EntryTaps(backend);
    this.#encode = options.format === 'plain' ? encodePlain : encodeRecord;
    const max = options.maxWatches ?? (() => Number.MAX_SAFE_INTEGER);
    this.#quota = new WatchQuota(backend, INDEX_KEY, max, options.clock ?? systemClock);
    this.resources = new ResourceWatches(backend, INDEX_KEY);
  }

  async read<T>(key: string): Promise<T | undefined> {
    const raw = await this.backend.get(key);
    return raw === undefined ? undefined : decodeRecord<T>(key, raw);
  }

  /**
   * Atomic read-modify-write of one record; `fn` may run again if another replica wrote first, so it
   * only computes. Returns the record as stored. `known`: the record read earlier with its text; while
   * that text is stored, `fn` gets that very record and Redis compares without reading first, and the
   * object `fn` returned (or was given, if left as it was) is returned, not the text decoded again.
   */
  async update<T>(
    key: string,
    fn: (current: T | undefined) => T | undefined | typeof SKIP,
    known?: { raw?: string; record: T },
  ): Promise<T | undefined> {
    const assumed = known?.raw; // What the last call of `fn` (the one whose outcome stands) was given and decided, and its lines.
    let given: T | undefined;
    let decided: T | undefined | typeof SKIP = SKIP;
    let lines: readonly string[] = [];
    const journal = this.taps.active
      ? () => (lines = decided === SKIP ? [] : this.taps.linesOf(key, given, decided))
      : undefined;
    const raw = await this.backend.update(
      key,
      (current) => {
        given =
          current === undefined
            ? undefined
            : assumed !== undefined && current === assumed
              ? known!.record
              : decodeRecord<T>(key, current);
        decided = fn(given);
        // A watch comes to be through `create` only, where its workspace's cap is checked.
        if (given === undefined && decided && decided !== SKIP && key.startsWith('w:')) throw uncounted(key);
        return decided === SKIP ? SKIP : decided === undefined ? undefined : this.#encode(key, decided);
      },
      assumed,
      journal,
    );
    if (decided !== SKIP && lines.length > 0) this.taps.written(key);
    // A poll cycle plans its deliveries from the record as it wrote it: decoding each written record
    // again was a busy cycle's largest allocation, held until the connection's poll ended.
    if (known) return decided === SKIP ? given : decided;
    return raw === undefined ? undefined : decodeRecord<T>(key, raw);
  }

  /** Takes what a replica that died left in the watch records' journals (`taps`). */
  sweepTaps = async (): Promise<number> => this.taps.sweep(await this.backend.setMembers(INDEX_KEY));

  /**
   * Creates the record unless it exists; always (re)indexes it. True when it was created. The one
   * way a watch comes to be: past its workspace's cap it throws `CapReachedError` and writes nothing.
   */
  async create(key: string, record: WatchRecord): Promise<boolean> {
    const counted = await this.#quota.admit(key);
    let created = false;
    const write = (current: string | undefined) => {
      created = current === undefined;
      return created ? this.#encode(key, record) : SKIP;
    };
    await this.backend.update(key, write).catch(async (error: unknown) => {
      if (counted) await this.#quota.release(key);
      throw error;
    });
    await this.backend.setAdd(INDEX_KEY, key);
    await this.resources.add(key);
    return created;
  }

  async remove(key: string): Promise<boolean> {
    let existed = false;
    await this.update<WatchRecord>(key, (current) => {
      existed = current !== undefined;
      return undefined;
    });
    await this.backend.setRemove(INDEX_KEY, key);
    await this.resources.remove(key);
    await this.#quota.release(key);
    return existed;
  }

  /** A workspace's watches against its cap. */
  watchesUsed(teamId: string): Promise<{ used: number; max: number }> {
    return this.#quota.used(teamId);
  }

  /** Every watch record (one `MGET` on Redis). A store failure throws: never "nothing to do". */
  async loadAll(): Promise<Loaded[]> {
    return this.loadMany(await this.watchKeys());
  }

  /** The keys of every watch, sorted (the index; no record is read). */
  async watchKeys(): Promise<string[]> {
    return (await this.backend.setMembers(INDEX_KEY)).sort();
  }

  /** These watches' records, in the keys' order, each with its text read (see `update`); none if absent. */
  async loadMany(keys: readonly string[]): Promise<Loaded[]> {
    return (await this.loadUnless(keys, () => false)).loaded;
  }

  /**
   * Reads these records, decoding each except those `undecoded(key, text)` accepts: those come
   * back as their stored text (a poll cycle decodes a quiet watch only when it has to).
   */
  async loadUnless(
    keys: readonly string[],
    undecoded: (key: string, text: string) => boolean,
  ): Promise<{ loaded: Loaded[]; texts: StoredText[] }> {
    const loaded: Loaded[] = [];
    const texts: StoredText[] = [];
    if (keys.length === 0) return { loaded, texts };
    const raws = await this.backend.getMany(keys);
    for (let i = 0; i < keys.length; i++) {
      // Decoding is the cycle's largest CPU block per connection: other connections' responses
      // are read between chunks of it.
      if (i > 0 && i % RECORDS_PER_TURN === 0) await nextTurn();
      const key = keys[i]!;
      const raw = raws[i];
      if (raw === undefined) continue;
      if (undecoded(key, raw)) texts.push({ key, raw });
      else loaded.push(this.decode({ key, raw }));
    }
    return { loaded, texts };
  }

  /** A record `loadUnless` left as text, decoded. */
  decode({ key, raw }: StoredText): Loaded {
    return { key, record: decodeRecord<WatchRecord>(key, raw), raw };
  }
}

function uncounted(key: string): Error {
  return new Error(`watch ${key} was not made by WatchStore.create, which counts it against the cap`);
}
