import type { EscalationPolicy } from './escalation.js';
import { escalate } from './escalation.js';
import { eventEntries } from './event-entries.js';
import { type DiffSettings, diff, type Observation } from './transitions.js';
import { verifyEnding } from './verification.js';
import { enqueue, type WatchRecord } from './watch-store.js';

/**
 * The record after one observation at `now`: its transition (`diff`), its failure's escalation
 * (`escalate`, under the watch's policy), and the replies their events need in its outbox. Pure, so
 * a replica that loses the compare-and-set recomputes it on the newer record and finds nothing new.
 */
export function nextRecord(
  current: WatchRecord,
  observation: Observation,
  now: number,
  settings: DiffSettings & { completionReports: boolean },
  policy: EscalationPolicy | undefined,
) {
  const changed = diff(recovered(current, observation) ?? current, observation, now, settings);
  const escalated = escalate(changed.record, policy, now);
  const events = [...changed.events, ...escalated.events];
  // The verification follows the completion report, and is on or off with it.
  const verified = settings.completionReports
    ? verifyEnding(escalated.record, events, now)
    : { record: escalated.record, entries: [] };
  const record = enqueue(verified.record, [
    ...eventEntries(verified.record, events, now, settings.completionReports),
    ...verified.entries,
  ]);
  return {
    record,
    events,
    quietUntil: Math.min(changed.quietUntil, escalated.quietUntil),
    added: record.outbox.length - verified.record.outbox.length,
  };
}

/**
 * The record without its claim once the resource is seen not failed: a claim is about one failure
 * occurrence, so the next one is nobody's yet and escalates as unclaimed. The claim
 * store's copy is closed by the poll that wrote this (PollCycle, `closeClaim`).
 */
export function recovered(current: WatchRecord, observation: Observation): WatchRecord | undefined {
  if (!current.claim || !('resource' in observation) || observation.resource.state === 'failed') return;
  const { claim: _over, ...rest } = current;
  return rest;
}
