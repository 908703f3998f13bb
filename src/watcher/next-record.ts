import { verifyEnding } from '../capabilities/verification/verification.js';
import { eventEntries } from './event-entries.js';
import { type DiffSettings, diff, type Observation } from './transitions.js';
import { enqueue, type WatchRecord } from './watch-store.js';

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
) {
  const changed = diff(recovered(current, observation) ?? current, observation, now, settings);
  const { events } = changed;
  // The verification follows the completion report, and is on or off with it.
  const verified = settings.completionReports
    ? verifyEnding(changed.record, events, now)
    : { record: changed.record, entries: [] };
  const record = enqueue(verified.record, [
    ...eventEntries(verified.record, events, now, settings.completionReports),
    ...verified.entries,
  ]);
  return {
    record,
    events,
    quietUntil: changed.quietUntil,
    added: record.outbox.length - verified.record.outbox.length,
  };
}

/**
 * The record without its claim once the resource is seen not failed: a claim is about one failure
 * occurrence, so the next one is nobody's yet and escalates as unclaimed. The claim
 * store's copy is closed before the poll writes this (on-call's hook, `Watcher.beforeRecording`).
 */
export function recovered(current: WatchRecord, observation: Observation): WatchRecord | undefined {
  if (!current.claim || !('resource' in observation) || observation.resource.state === 'failed') return;
  const { claim: _over, ...rest } = current;
  return rest;
}
