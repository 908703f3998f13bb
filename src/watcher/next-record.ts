import { withoutOnFailure } from './outbox/capability-facts.js';
import { eventEntries } from './outbox/event-entries.js';
import { enqueue, type OutboxEntry, type WatchRecord } from './records/watch-store.js';
import { type DetectedEvent, type DiffSettings, diff, type Observation } from './transitions.js';

/**
 * What a capability adds when a run ends (a verification): its fact on the record and the posts
 * that say it, in the same compare-and-set as the ending. Pure, like the rest of `nextRecord`.
 */
export type EndingHook = (
  record: WatchRecord,
  events: readonly DetectedEvent[],
  now: number,
) => { record: WatchRecord; entries: OutboxEntry[] };

/**
 * What a capability says in its own words instead of the core's replies to some of a poll's events
 * (automatic retries: a failure it will retry is said quietly in its note, not broadcast): its fact
 * on the record, its entries, and the keys of the events whose core replies it holds back (`held`).
 * Pure, and asked for every observation with events, whatever the completion reports setting.
 */
export type EventHook = (
  record: WatchRecord,
  events: readonly DetectedEvent[],
  now: number,
) => { record: WatchRecord; entries: OutboxEntry[]; held?: readonly string[] } | undefined;

/**
 * The record after one observation at `now`: its transition (`diff`) and the replies its events
 * need in its outbox. Pure, so
 * a replica that loses the compare-and-set recomputes it on the newer record and finds nothing new.
 */
export function nextRecord(
  current: WatchRecord,
  observation: Observation,
  now: number,
  settings: DiffSettings & { completionReports: boolean },
  atEnding: readonly EndingHook[] = [],
  atEvents: readonly EventHook[] = [],
) {
  const changed = diff(recovered(current, observation) ?? current, observation, now, settings);
  const { events } = changed;
  let followed = { record: changed.record, entries: [] as OutboxEntry[] };
  const held = new Set<string>();
  if (events.length > 0)
    for (const hook of atEvents) {
      const said = hook(followed.record, events, now);
      if (!said) continue;
      followed = { record: said.record, entries: [...followed.entries, ...said.entries] };
      for (const key of said.held ?? []) held.add(key);
    }
  // What the capabilities add at an ending follows the completion report, on or off with it.
  if (settings.completionReports)
    for (const hook of atEnding) {
      const added = hook(followed.record, events, now);
      followed = { record: added.record, entries: [...followed.entries, ...added.entries] };
    }
  const record = enqueue(followed.record, [
    ...eventEntries(
      followed.record,
      held.size > 0 ? events.filter((e) => !held.has(e.key)) : events,
      now,
      settings.completionReports,
    ),
    ...followed.entries,
  ]);
  return {
    record,
    events,
    quietUntil: changed.quietUntil,
    added: record.outbox.length - followed.record.outbox.length,
  };
}

/**
 * The record without what its facts said of a failure (`onFailure`, who is on it) once the
 * resource is seen not failed: such a fact is about one failure occurrence, so the next one is
 * nobody's yet. A capability keeping a copy elsewhere closes it first (`Watcher.beforeRecording`).
 */
export function recovered(current: WatchRecord, observation: Observation): WatchRecord | undefined {
  if (!current.facts || !('resource' in observation) || observation.resource.state === 'failed') return;
  if (!Object.values(current.facts).some(hasOnFailure)) return;
  const { facts: _all, ...rest } = current;
  const facts = withoutOnFailure(current.facts);
  return facts ? { ...rest, facts } : rest;
}

function hasOnFailure(fact: unknown): boolean {
  return typeof fact === 'object' && fact !== null && 'onFailure' in fact;
}
