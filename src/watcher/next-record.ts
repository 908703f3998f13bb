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
) {
  const changed = diff(recovered(current, observation) ?? current, observation, now, settings);
  const { events } = changed;
  // What the capabilities add at an ending follows the completion report, on or off with it.
  let followed = { record: changed.record, entries: [] as OutboxEntry[] };
  if (settings.completionReports)
    for (const hook of atEnding) {
      const added = hook(followed.record, events, now);
      followed = { record: added.record, entries: [...followed.entries, ...added.entries] };
    }
  const record = enqueue(followed.record, [
    ...eventEntries(followed.record, events, now, settings.completionReports),
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
