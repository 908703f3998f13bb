import {
  type MigrationResource,
  type NormalizedState,
  TERMINAL_STATES,
} from '../domain/migration-resource.js';
import type { ResourceAction } from '../providers/types.js';
import { addSample } from '../reports/throughput-samples.js';
import { type GroupTally, tallyChanged } from './group-tally.js';
import { cardDue, cardOf } from './outbox/living-posts.js';
import { dedupBase, type StateEvent, type WatchEvent, type WatchRecord } from './records/watch-store.js';

/** What one poll saw of a watched resource: the resource, or confirmed gone (404 on `get`). */
export type Observation =
  | {
      resource: MigrationResource;
      actions: ResourceAction[];
      group?: GroupTally;
      /**
       * When the provider answered (the bot's clock). A throughput sample is stamped then, not when
       * the record is written: a poll reads every kind of a connection first, so on a busy machine
       * the write came a variable second later and the rate between two polls was off by half.
       */
      seenAt?: number;
    }
  | { gone: true };

export interface DiffSettings {
  /** A running resource whose progress has not moved for this long is reported stalled once. */
  stallMs: number;
  /** Progress change (0..1) that is worth a card edit on its own. */
  progressStep: number;
  /** Any other change is shown on the card at most this often. */
  minEditMs: number;
}

export interface DetectedEvent {
  event: WatchEvent;
  /** Deterministic: (team, channel, connection, kind, id, run, transition number, event). */
  key: string;
}

/** States whose stall and progress we track. */
const MOVING: ReadonlySet<NormalizedState> = new Set(['running', 'retrying']);
/** Points kept per watch for the report's chart: enough for its shape, small in every record. */
const REPORT_SAMPLES = 60;
/** A resource that says it moves but whose bytes do not still gets a sample this often (a stall shows). */
const QUIET_SAMPLE_MS = 5 * 60_000;
const TERMINAL = (s: NormalizedState | 'gone'): boolean => s !== 'gone' && TERMINAL_STATES.has(s);

/** A delete asked for through the bot recently enough to be what made the resource go (wall clock). */
const DELETE_CREDIT_MS = 30 * 60_000;

function deleteAsked(r: WatchRecord, now: number): boolean {
  const asked = r.requested;
  return asked?.action === 'delete' && Math.abs(now - asked.at) <= DELETE_CREDIT_MS;
}

/** The state a freshly watched resource starts from: nothing is notified for what already happened. */
export function baseline(
  resource: MigrationResource,
  now: number,
): Pick<
  WatchRecord,
  'state' | 'run' | 'seq' | 'started' | 'lastEvent' | 'stalled' | 'stallSeq' | 'ended' | 'failedAt'
> {
  const s = resource.state;
  const lastEvent: StateEvent | undefined =
    s === 'paused' ? 'paused' : TERMINAL(s) ? (s as StateEvent) : undefined;
  return {
    state: s,
    run: 1,
    seq: 0,
    started: s !== 'queued' && s !== 'unknown',
    lastEvent,
    stalled: false,
    stallSeq: 0,
    ended: false,
    // Failed when first seen: its failure counts from now (what came before is unknown).
    ...(s === 'failed' ? { failedAt: now } : {}),
  };
}

/**
 * Compares one observation with what was last notified and returns the next record and the events
 * to notify. Pure: the same record and observation always give the same events and keys, so a
 * replica that loses a compare-and-set race recomputes and finds nothing new.
 */
export function diff(
  record: WatchRecord,
  observation: Observation,
  now: number,
  settings: DiffSettings,
): { record: WatchRecord; events: DetectedEvent[]; quietUntil: number } {
  const r: WatchRecord = { ...record };
  // The card, once posted (a subscription's watch without one has none): whether it is due an edit.
  const card = cardOf(record);
  let dirty = card?.dirty ?? false;
  const result = () => ({ record: card ? cardDue(r, dirty) : r, events, quietUntil });
  // The earliest `now` at which the same record and observation would give another outcome: a
  // quiet watch needs no comparison before then (`QuietWatches`).
  let quietUntil = Number.POSITIVE_INFINITY;
  const dueAt = (at: number) => {
    quietUntil = Math.min(quietUntil, at);
  };
  const base = dedupBase(r.watch);
  const events: DetectedEvent[] = [];
  const emit = (event: StateEvent) => {
    r.seq += 1;
    r.lastEvent = event;
    events.push({ event, key: `${base}:r${r.run}.${r.seq}:${event}` });
  };
  const emitStall = (event: 'stalled' | 'moving') =>
    events.push({ event, key: `${base}:r${r.run}:stall${r.stallSeq}:${event}` });

  if ('gone' in observation) {
    if (r.state === 'gone') return result();
    // Deleted is a state of its own: a delete asked for through the bot, or one under
    // way, ends as `deleted` (the card no longer shows the last state it had, e.g. Succeeded).
    const deleted = r.lastEvent === 'deleted' || r.state === 'deleting' || deleteAsked(r, now);
    if (r.lastEvent !== 'deleted') emit(deleted ? 'deleted' : 'vanished');
    if (deleted) r.snapshot = { ...r.snapshot, state: 'deleted', progress: undefined };
    r.state = 'gone';
    r.ended = true;
    r.stalled = false;
    dirty = !r.follow;
    return result();
  }

  const resource = observation.resource;
  const prev = r.state;
  if (observation.group) {
    // A task group's card counts its tasks; newly failed tasks get one line in its thread.
    const before = r.group;
    r.group = observation.group;
    if (tallyChanged(before, observation.group)) dirty = true;
    if (before && observation.group.failedCount > before.failedCount)
      events.push({
        event: 'tasks-failed',
        key: `${base}:r${r.run}:tf${observation.group.failedCount}:tasks-failed`,
      });
  }
  const cur = resource.state;
  r.snapshot = resource;
  r.actions = observation.actions;

  if (cur !== prev) {
    if (TERMINAL(prev) && !TERMINAL(cur)) {
      // Started again after it ended: a new run with its own dedup keys.
      r.run += 1;
      r.seq = 0;
      r.started = false;
      r.lastEvent = undefined;
      if (prev === 'failed') {
        emit('retrying');
        r.started = true;
      }
    }
    switch (cur) {
      case 'running':
      case 'monitoring':
        if (r.lastEvent === 'paused') emit('resumed');
        else if (!r.started) emit('started');
        r.started = true;
        break;
      case 'retrying':
        if (r.lastEvent !== 'retrying') emit('retrying');
        r.started = true;
        break;
      case 'paused':
        if (r.lastEvent !== 'paused') emit('paused');
        break;
      case 'failed':
      case 'succeeded':
      case 'cancelled':
      case 'deleted':
        if (r.lastEvent !== cur) emit(cur);
        if (cur === 'deleted') r.ended = true;
        break;
      default:
        // queued, pausing, deleting, unknown: the card shows them, the thread does not.
        break;
    }
    r.state = cur;
    // Since when its failure lasts, on the watcher's clock (a timed step counts from it).
    if (cur === 'failed') r.failedAt = now;
    else delete r.failedAt;
    dirty = true;
  }

  // Throughput samples for the completion report (a card's watch only: a subscription's posts have none).
  // A sample only when the bytes moved, the state changed, or a while passed: an idle cycle writes
  // nothing, so most watches, most cycles, cost no store write.
  const done = resource.bytes.done;
  const last = r.samples?.at(-1);
  if (
    !r.follow &&
    done !== undefined &&
    (MOVING.has(cur) || (cur !== prev && MOVING.has(prev as NormalizedState)))
  ) {
    if (last === undefined || last.bytes !== done || cur !== prev || now - last.at >= QUIET_SAMPLE_MS)
      r.samples = addSample(r.samples ?? [], { at: observation.seenAt ?? now, bytes: done }, REPORT_SAMPLES);
    else dueAt(last.at + QUIET_SAMPLE_MS);
  }

  // Stall detection, on the bytes done (or the progress) while the resource says it is moving.
  const mark = resource.bytes.done ?? resource.progress;
  if (MOVING.has(cur) && mark !== undefined) {
    const wasMoving = prev !== 'gone' && MOVING.has(prev) && r.progressMark !== undefined;
    if (!wasMoving || mark !== r.progressMark) {
      if (r.stalled && wasMoving) {
        emitStall('moving');
        r.stallSeq += 1;
      }
      r.stalled = false;
      r.progressMark = mark;
      r.movedAt = now;
      if (resource.speed) r.lastSpeed = resource.speed;
    } else if (!r.stalled) {
      if (now - r.movedAt >= settings.stallMs) {
        emitStall('stalled');
        r.stalled = true;
      } else dueAt(r.movedAt + settings.stallMs);
    }
  } else {
    // Paused, queued, ended…: not moving is expected, so the stall clock restarts when it runs again.
    if (r.stalled) r.stallSeq += 1;
    r.stalled = false;
    r.progressMark = undefined;
  }

  // Card edits only on a meaningful change: state (above), a progress step, or after a while.
  if (card && !dirty) {
    const shown = card.shown.progress;
    const progress = resource.progress;
    if (
      progress !== undefined &&
      (shown === undefined || Math.abs(progress - shown) >= settings.progressStep)
    )
      dirty = true;
    else if (progress !== shown) {
      if (now - (card.shown.at ?? 0) >= settings.minEditMs) dirty = true;
      else dueAt((card.shown.at ?? 0) + settings.minEditMs);
    }
  }
  // A subscription's watch without a card has no card to edit.
  if (r.follow) dirty = false;
  return result();
}
