import { classifyCode } from '../../catalogue/code-classes.js';
import { failureFacts } from '../../watcher/outbox/capability-facts.js';
import { titleOf } from '../../watcher/outbox/notification.js';
import type { SaidNote } from '../../watcher/outbox/thread-views.js';
import { dedupBase, type OutboxEntry, type WatchRecord } from '../../watcher/records/watch-store.js';
import type { DetectedEvent } from '../../watcher/transitions.js';
import {
  AUTO_RETRY,
  type GiveUpReason,
  inSeries,
  type RetryAttempt,
  type RetryFact,
  type RetryNote,
  retryFactOf,
  type SaidKey,
} from './retry-fact.js';
import { backoffMs, type RetryPolicy } from './retry-policy.js';

/** The policy of a workspace's connection in force now (off: undefined). */
export type PolicyOf = (team: string, connection: string) => RetryPolicy | undefined;

type Said = { record: WatchRecord; entries: OutboxEntry[]; held?: readonly string[] };

/** The record with this fact (undefined: none) under the capability's name. */
export function withFact(record: WatchRecord, fact: RetryFact | undefined): WatchRecord {
  const { [AUTO_RETRY]: _was, ...others } = record.facts ?? {};
  const facts = fact === undefined ? others : { ...others, [AUTO_RETRY]: fact };
  const { facts: _all, ...rest } = record;
  return { ...rest, ...(Object.keys(facts).length > 0 ? { facts } : {}) };
}

/** A note in the card's thread under its own dedup key (a cardless watch is told nothing of it). */
export function noteEntry(record: WatchRecord, id: string, note: RetryNote, now: number): OutboxEntry[] {
  if (record.follow) return [];
  const said: SaidNote = { kind: 'said', capability: AUTO_RETRY, note };
  return [
    {
      key: `${dedupBase(record.watch)}:${AUTO_RETRY}:${id}`,
      type: 'reply',
      teamId: record.watch.teamId,
      channel: record.watch.channelId,
      note: said,
      createdAt: now,
      attempts: 0,
    },
  ];
}

/** A person's pause, delete or cancel this close to the failure made it (or is making it) theirs. */
const ASKED_MS = 30 * 60_000;

export const nameOf = (record: WatchRecord) => titleOf(record) ?? record.snapshot.name;

/**
 * Someone is on the failure ("I'm on it": a capability's fact says so of it), or a person asked for
 * the resource to be paused, deleted or cancelled: it is theirs, never retried automatically.
 */
export function takenByAPerson(record: WatchRecord): boolean {
  const said = failureFacts(record.facts, record.snapshot);
  if (said && Object.keys(said).some((name) => name !== AUTO_RETRY)) return true;
  const asked = record.requested;
  return (
    !!asked &&
    !asked.via &&
    ['pause', 'delete', 'cancel'].includes(asked.action) &&
    Math.abs((record.failedAt ?? 0) - asked.at) <= ASKED_MS
  );
}

/**
 * What automatic retries make of a poll's events (the watcher's `EventHook`, pure): a failure of a
 * class the connection's policy retries, within its count, is held back (its core reply not made,
 * so not broadcast, listed or escalated) and said quietly with when the next attempt comes; a
 * failure it will not retry ends a series loudly (the core's reply, and the history); a success
 * after retries says so; a pause, delete or cancel ends the series.
 */
export function onEvents(
  policyOf: PolicyOf,
  record: WatchRecord,
  events: readonly DetectedEvent[],
  now: number,
): Said | undefined {
  const was = retryFactOf(record);
  const failed = events.find((e) => e.event === 'failed');
  if (failed) return onFailure(policyOf(record.watch.teamId, record.watch.connection), record, failed, now);
  const names = new Set<string>(events.map((e) => e.event));
  const again = ['retrying', 'started', 'resumed'].some((e) => names.has(e));
  // A run started again after a series ended (a person's Resume) is not that series' any more.
  if (!inSeries(was)) return was && again ? { record: withFact(record, undefined), entries: [] } : undefined;
  if (names.has('succeeded')) {
    const fact: RetryFact = { ...was, status: 'succeeded', at: now };
    delete fact.holdsFailure;
    const note: RetryNote = {
      type: 'succeeded',
      name: nameOf(record),
      retries: was.attempt,
      history: was.history,
    };
    return {
      record: withFact(record, fact),
      entries: noteEntry(record, `${was.since}:succeeded`, note, now),
    };
  }
  if (['paused', 'cancelled', 'deleted', 'vanished'].some((e) => names.has(e)))
    return { record: withFact(record, undefined), entries: [] };
  if (was.status === 'waiting' && again) {
    const fact: RetryFact = { ...was, status: 'running', at: now };
    delete fact.holdsFailure;
    return { record: withFact(record, fact), entries: [] };
  }
  return undefined;
}

/**
 * Where the provider offers no retry that fits the failure: a partial one only by retrying the
 * failed objects (OMS's Retry), never by running everything again; any other, by Retry or Resume.
 */
function unoffered(record: WatchRecord, cls: string): GiveUpReason | undefined {
  if (cls === 'partial') return record.actions.includes('retry') ? undefined : 'partial';
  return record.actions.some((a) => a === 'retry' || a === 'resume') ? undefined : 'not-offered';
}

function onFailure(
  policy: RetryPolicy | undefined,
  record: WatchRecord,
  failed: DetectedEvent,
  now: number,
): Said | undefined {
  const was = retryFactOf(record);
  const series = inSeries(was) ? was : undefined;
  const code = record.snapshot.lastError?.code;
  const cls = classifyCode(code);
  const seen: RetryAttempt = { n: series ? series.attempt : 0, at: now, ...(code ? { code } : {}), cls };
  const history = [...(series?.history ?? []), seen].slice(-12);
  const made = series ? series.attempt : 0;
  const reason: GiveUpReason | undefined = !policy
    ? 'off'
    : !(policy.classes as readonly string[]).includes(cls)
      ? 'class'
      : takenByAPerson(record)
        ? 'claimed'
        : made >= policy.max
          ? 'max'
          : unoffered(record, cls);
  if (reason && policy && !series && (reason === 'partial' || reason === 'not-offered')) {
    // The policy would retry it but the provider cannot as it must: said at once, not held.
    const first: RetryFact = {
      status: 'running',
      since: now,
      attempt: 0,
      max: policy.max,
      at: now,
      cls,
      by: policy.by,
      history,
    };
    return giveUp(record, { ...first, ...(code ? { code } : {}) }, reason, now);
  }
  if (reason || !policy) {
    // Nothing to hold, and nothing to add to a failure no retry was ever made for (an older
    // series' fact is let go: this failure is not its).
    if (!series) return was ? { record: withFact(record, undefined), entries: [] } : undefined;
    return giveUp(record, { ...series, history, code, cls }, reason ?? 'off', now);
  }
  const attempt = made + 1;
  const fact: RetryFact = {
    status: 'waiting',
    holdsFailure: true,
    since: series?.since ?? now,
    attempt,
    max: policy.max,
    at: now + backoffMs(policy, attempt),
    ...(code ? { code } : {}),
    cls,
    by: policy.by,
    history,
  };
  const note: RetryNote = {
    type: 'held',
    name: nameOf(record),
    ...(code ? { code } : {}),
    cls,
    attempt,
    max: policy.max,
    at: fact.at,
  };
  return {
    record: withFact(record, fact),
    entries: noteEntry(record, `${fact.since}:${attempt}:held`, note, now),
    held: [failed.key],
  };
}

/**
 * The series ends and the failure is no longer held: the fact says why, and a note in the thread
 * gives the history of the automatic retries. The core's failure reply is the caller's to make.
 */
export function giveUp(
  record: WatchRecord,
  series: RetryFact,
  reason: GiveUpReason,
  now: number,
  said?: string,
  saidKey?: SaidKey,
): Said {
  const fact: RetryFact = {
    ...series,
    status: 'gave-up',
    reason,
    at: now,
    ...(said ? { said: said.slice(0, 500) } : {}),
    ...(saidKey ? { saidKey } : {}),
  };
  delete fact.holdsFailure;
  const note: RetryNote = {
    type: 'gave-up',
    name: nameOf(record),
    reason,
    history: fact.history,
    cls: fact.cls,
    ...(fact.code ? { code: fact.code } : {}),
    ...(fact.said ? { said: fact.said } : {}),
    ...(fact.saidKey ? { saidKey: fact.saidKey } : {}),
  };
  return {
    record: withFact(record, fact),
    entries: noteEntry(record, `${series.since}:gave-up`, note, now),
  };
}
