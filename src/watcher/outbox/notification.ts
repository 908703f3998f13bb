import type {
  Counter,
  MigrationResource,
  NormalizedState,
  ResourceError,
  ResourceKind,
} from '../../domain/migration-resource.js';
import { ProviderError } from '../../errors.js';
import type { ProviderId } from '../../providers/provider-ids.js';
import type { ResourceAction } from '../../providers/types.js';
import {
  type CompletionReport,
  type CompletionSpeeds,
  completionReport,
  completionSpeeds,
} from '../../reports/completion-report.js';
import type { ThroughputSample } from '../../reports/throughput-samples.js';
import type { GroupTally } from '../group-tally.js';
import { type EtaCard, etaCard } from '../record-eta.js';
import type { WatchOrigin } from '../records/watch-origin.js';
import type {
  BrokenState,
  OutboxEntry,
  RequestedAction,
  WatchEvent,
  WatchRecord,
} from '../records/watch-store.js';
import { type CapabilityCard, capabilityCard } from './capability-facts.js';
import type { EventPost, LiveNow } from './living-posts.js';
import type { SaidNote, ViewNote } from './thread-views.js';

/**
 * What the watcher tells Slack, as data (JSON in the outbox, so no Dates): what happened and the
 * figures then, rendered by `slack/blocks/watch-notifications.ts` only when it is sent.
 */
export type WatchNotification =
  | EventNote
  | ConnectionNote
  | DigestNote
  | BrokenNote
  | RepairedNote
  | ReportNote
  | FailureListNote
  | ViewNote
  | SaidNote;

/**
 * A posted failure or completion, edited because the resource moved on (`living-posts.ts`): what it
 * is now, who acted and when, the buttons that still apply, and what the post first said, small.
 */
export interface LivingNote {
  kind: 'living';
  post: Pick<EventPost, 'kind' | 'was'>;
  resource: ResourceFacts;
  now: LiveNow;
  /** The title the requester typed, when an approval created it. */
  title?: string;
}

/** Several resources in one channel failed at once: one channel post lists them (each thread says more). */
export interface FailureListNote {
  kind: 'failures';
  items: FailureItem[];
}

/** One line of a failure listing: which resource, and the code its failure came with. */
export interface FailureItem {
  name: string;
  /** The title its requester typed, where the provider named it itself (it leads). */
  title?: string;
  connection: string;
  kind: ResourceKind;
  id: string;
  progress?: number;
  code?: string;
  message?: string;
  /** What it is now, once that changed since the listing was posted (the listing is edited). */
  now?: LiveNow;
}

/** A finished task's completion report, in its card's thread, with the samples its chart is drawn from. */
export interface ReportNote {
  kind: 'report';
  report: CompletionReport;
  samples: ThroughputSample[];
  /** The title the requester typed, when an approval created it (it leads where the provider named it). */
  title?: string;
}

/** A resource as it was when an event was detected: what the thread reply shows. */
export interface ResourceFacts {
  provider: ProviderId;
  connection: string;
  kind: ResourceKind;
  id: string;
  name: string;
  state: NormalizedState;
  /** 0..1 when known. */
  progress?: number;
  bytes: Counter;
  objects: Counter;
  /** Bytes per second. */
  speed?: number;
  lastError?: ResourceError;
  failedObjectList?: string;
  destinationBucket?: string;
  /** How long it has been running (the provider's figure, else since it started), in seconds. */
  elapsedSeconds?: number;
}

/** One event of a watched resource: a reply in its card's thread. */
export interface EventNote {
  kind: 'event';
  event: WatchEvent;
  resource: ResourceFacts;
  /** What can be done to it now (the reply's buttons). */
  actions: ResourceAction[];
  /** Attempt number (`retrying`). */
  run: number;
  /** Watcher clock, ms, when it was detected. */
  at: number;
  /** `stalled`: how long progress has not moved, and the last speed seen while it moved. */
  stalledForMs?: number;
  lastSpeed?: number;
  /** The person whose request through the bot this event is the outcome of (a Slack user id). */
  by?: string;
  /** The action was a capability's timed work for `by` (a window's): the reply names it. */
  via?: RequestedAction['via'];
  /** `tasks-failed`: the group's tasks as counted, with its first failures. */
  group?: GroupTally;
  /** `succeeded`: duration, average and peak as the completion report says them. */
  speeds?: CompletionSpeeds;
  /** The title its requester typed, where the provider named it itself (it leads). */
  title?: string;
  /**
   * The capability whose timed work said it (`WatchNotes.timed`), with what it added to the note:
   * it draws it (its `card.note`).
   */
  capability?: string;
  /** `failed`, as the editor redraws it: what the capabilities say of this failure now (`failureFacts`). */
  facts?: Record<string, unknown>;
}

/** Which requested action each event is the outcome of. */
const OUTCOME_OF: Partial<Record<WatchEvent, readonly string[]>> = {
  paused: ['pause'],
  resumed: ['resume'],
  retrying: ['retry', 'resume'],
  started: ['resume', 'retry'],
  deleted: ['delete'],
  cancelled: ['cancel'],
};
/** A request is credited with the event it causes only within this long (the provider may be slow). */
const REQUEST_CREDIT_MS = 30 * 60_000;

function requestedBy(event: WatchEvent, record: WatchRecord, now: number): string | undefined {
  const requested = record.requested;
  if (!requested || now - requested.at > REQUEST_CREDIT_MS) return undefined;
  return OUTCOME_OF[event]?.includes(requested.action) ? requested.by : undefined;
}

/** A connection stopped answering, or answers again: one top-level message per channel. */
export interface ConnectionNote {
  kind: 'connection';
  state: 'down' | 'up';
  connection: string;
  /** Watcher clock, ms: when it stopped answering. */
  since: number;
  at: number;
  /** Why, in a few words built from typed fields (never a provider's body). */
  reason?: string;
}

export interface DigestItem {
  name: string;
  /** The title its requester typed, where the provider named it itself (it leads). */
  title?: string;
  connection: string;
  kind: ResourceKind;
  id: string;
  /** The resource's state as last seen, and the watch's (`gone` once it no longer exists). */
  state: NormalizedState;
  watchState: NormalizedState | 'gone';
  progress?: number;
  /** What the previous digest showed, when there was one. */
  before?: { state: string; progress?: number };
}

/** The daily digest of one channel. */
export interface DigestNote {
  kind: 'digest';
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  items: DigestItem[];
}

/** Told by direct message to a watch's creator: Slack refuses the watch's channel. */
export interface BrokenNote {
  kind: 'broken';
  name: string;
  channelId: string;
  connection: string;
  id: string;
  broken: BrokenState;
}

/** Said in the thread once Slack takes posts in the channel again. */
export interface RepairedNote {
  kind: 'repaired';
  name: string;
  /** Watcher clock, ms: since when it could not post. */
  since: number;
}

/** The parent card's facts (its snapshot); the ETA: `EtaCard`; capabilities': `CapabilityCard`. */
export interface CardFacts extends EtaCard, CapabilityCard {
  resource: MigrationResource;
  actions: ResourceAction[];
  /** The resource is gone: the card says so and loses its buttons. */
  ended: boolean;
  /** Who asked for the watch (a user id), or the flow that did. */
  by: string;
  /** The creation request it came from, or only its title (and a delta run's place in its chain). */
  origin?: WatchOrigin;
  /** Who last acted on the resource through the bot, and when. */
  requested?: RequestedAction;
  /** A task group's tasks counted by state. */
  group?: GroupTally;
  /** Its failure reply is in the card's thread (and broadcast): the card need not explain it again. */
  failurePosted?: boolean;
}

export function cardFacts(record: WatchRecord): CardFacts {
  return {
    resource: record.snapshot,
    actions: record.actions,
    ended: record.ended,
    by: record.watch.by,
    ...(record.watch.origin ? { origin: record.watch.origin } : {}),
    requested: record.requested,
    group: record.group,
    ...etaCard(record),
    failurePosted: record.posts?.some((p) => p.kind === 'failure') ?? false,
    ...capabilityCard(record),
  };
}

/** The figures of a resource worth keeping in a notification, JSON-safe. */
export function resourceFacts(r: MigrationResource, now: number): ResourceFacts {
  const started = r.startedAt === undefined ? undefined : new Date(r.startedAt).getTime();
  const elapsed =
    r.elapsedSeconds ??
    (started !== undefined && !Number.isNaN(started) ? Math.max(0, (now - started) / 1000) : undefined);
  return {
    provider: r.provider,
    connection: r.connection,
    kind: r.kind,
    id: r.id,
    name: r.name,
    state: r.state,
    progress: r.progress,
    bytes: r.bytes,
    objects: r.objects,
    speed: r.speed,
    lastError: r.lastError,
    failedObjectList: r.failedObjectList,
    destinationBucket: r.destination.bucket,
    elapsedSeconds: elapsed,
  };
}

/** Failure and completion are also shown in the channel, not only in the thread. */
const BROADCAST: ReadonlySet<WatchEvent> = new Set(['failed', 'succeeded']);

export function isBroadcast(event: WatchEvent): boolean {
  return BROADCAST.has(event);
}

/** Events after which a card's thread gets the completion report. */
const REPORTED: ReadonlySet<WatchEvent> = new Set(['succeeded', 'failed']);

/**
 * The title a person gave the resource where the provider named it itself (the request's title, as
 * an approval created it): every post about it leads with it, the provider's name beside the ref.
 */
export function titleOf(record: Pick<WatchRecord, 'watch'>): string | undefined {
  return record.watch.origin?.title?.trim() || undefined;
}

/** The completion report for an ending event, or undefined when the event ends nothing. */
export function reportNote(event: WatchEvent, record: WatchRecord): ReportNote | undefined {
  if (!REPORTED.has(event) || record.follow) return undefined;
  const samples = record.samples ?? [];
  const title = titleOf(record);
  return {
    kind: 'report',
    report: completionReport(record.snapshot, samples),
    samples,
    ...(title ? { title } : {}),
  };
}

/** The note for one event, from the record as it was when the event was detected. */
export function eventNote(event: WatchEvent, record: WatchRecord, now: number): EventNote {
  const note: EventNote = {
    kind: 'event',
    event,
    resource: resourceFacts(record.snapshot, now),
    actions: record.actions,
    run: record.run,
    at: now,
  };
  if (event === 'stalled') {
    note.stalledForMs = now - record.movedAt;
    note.lastSpeed = record.lastSpeed;
  }
  const by = requestedBy(event, record, now);
  if (by) note.by = by;
  if (by && record.requested?.via) note.via = record.requested.via;
  if (event === 'tasks-failed' && record.group) note.group = record.group;
  if (event === 'succeeded') note.speeds = completionSpeeds(record.snapshot, record.samples ?? []);
  const title = titleOf(record);
  if (title) note.title = title;
  return note;
}

/** The digest of one channel's watches; `before` is what the previous digest showed, by watch key. */
export function digestNote(
  day: string,
  watches: readonly { key: string; record: WatchRecord }[],
  before: Readonly<Record<string, { state: string; progress?: number }>>,
): DigestNote {
  return {
    kind: 'digest',
    day,
    items: watches.map(({ key, record, record: { snapshot: r, state } }) => ({
      name: r.name,
      ...(titleOf(record) ? { title: titleOf(record) } : {}),
      connection: r.connection,
      kind: r.kind,
      id: r.id,
      state: r.state,
      watchState: state,
      progress: r.progress,
      before: before[key],
    })),
  };
}

/**
 * A connection went down or came back: one notice per channel watching it, keyed by (team, channel,
 * connection, outage, kind).
 */
export function connectionNotices(
  watches: readonly { record: WatchRecord }[],
  connection: string,
  state: 'down' | 'up',
  outage: number,
  since: number,
  now: number,
  reason?: string,
): OutboxEntry[] {
  // Not in a broken watch's channel: Slack refuses it, and the watch's creator was told already.
  const reachable = watches.filter((w) => !w.record.broken);
  const channels = new Map(reachable.map((w) => [`${w.record.watch.teamId}:${w.record.watch.channelId}`, w]));
  const note: ConnectionNote = { kind: 'connection', state, connection, since, at: now, reason };
  return [...channels].map(([where, w]) => ({
    key: `${where}:${connection}:outage${outage}:${state}`,
    type: 'notice',
    event: state === 'down' ? 'connection-down' : 'connection-up',
    teamId: w.record.watch.teamId,
    channel: w.record.watch.channelId,
    note,
    createdAt: now,
    attempts: 0,
  }));
}

/** Why a connection is down, in a few words from the error's typed fields (never a provider's body). */
export function reasonOf(error: unknown): string {
  if (error instanceof ProviderError) {
    if (error.httpStatus === 401 || error.httpStatus === 403)
      return `HTTP ${error.httpStatus}: credentials refused`;
    if (error.httpStatus) return `HTTP ${error.httpStatus}${error.errorCode ? ` ${error.errorCode}` : ''}`;
    return 'no answer';
  }
  return 'unexpected error';
}
