import type { DetectedEvent } from './transitions.js';
import { dedupBase, type WatchRecord } from './watch-store.js';

/**
 * Nobody is left alone with a failure: with escalation set for the channel (or the
 * workspace), a failure nobody claims gets a reminder in its thread after `remindMs`, the approvers
 * (or a named user group) are mentioned after `escalateMs`, and a claim older than `checkMs` on a
 * failure still failing asks its owner "Still on it?". Off unless set.
 *
 * Each step is a fact of the watch record (`EscalationState`), decided in the same compare-and-set
 * that records the poll, and posted through the outbox with a key of its own: exactly once across
 * restarts and replicas, by whichever replica holds the connection's lease, as every other reply.
 */
export interface EscalationPolicy {
  remindMs?: number;
  escalateMs?: number;
  checkMs?: number;
  /** Who an escalation mentions, as Slack mentions (`<!subteam^S…>`, `<@U…>`), resolved by the caller. */
  mention: string[];
}

/** Where a failure's escalation stands: since when it is failed (as the watcher saw it), and what was said. */
export interface EscalationState {
  since: number;
  reminded?: true;
  escalated?: true;
  /** The claim (its `at`) the owner was last asked about: a Keep takes it again, with a new `at`. */
  checked?: number;
  /** Who the escalation mentioned (kept for its post, which is drawn later). */
  mention?: string[];
}

export type EscalationEvent = 'unclaimed' | 'escalated' | 'still-on-it';
const ESCALATION_EVENTS: ReadonlySet<string> = new Set<EscalationEvent>([
  'unclaimed',
  'escalated',
  'still-on-it',
]);

export function isEscalationEvent(event: string): event is EscalationEvent {
  return ESCALATION_EVENTS.has(event);
}

/**
 * A failed watch is compared again at least this often: a policy set (or changed) after the watch
 * went quiet starts counting within about two minutes (this, and the policies' one-minute cache),
 * without waiting for the provider to change something. A comparison that finds nothing due
 * writes nothing.
 */
const RECONSIDER_MS = 60_000;

/** The record with its escalation moved on to `now`, the events due, and when it could change next. */
export function escalate(
  record: WatchRecord,
  policy: EscalationPolicy | undefined,
  now: number,
): { record: WatchRecord; events: DetectedEvent[]; quietUntil: number } {
  const events: DetectedEvent[] = [];
  if (record.state !== 'failed' || record.ended) {
    if (!record.escalation) return { record, events, quietUntil: Number.POSITIVE_INFINITY };
    const { escalation: _done, ...rest } = record;
    return { record: rest, events, quietUntil: Number.POSITIVE_INFINITY };
  }
  const state: EscalationState = { ...(record.escalation ?? { since: now }) };
  let quietUntil = now + RECONSIDER_MS;
  const dueAt = (at: number) => {
    quietUntil = Math.min(quietUntil, at);
  };
  const key = (step: string) => `${dedupBase(record.watch)}:r${record.run}:esc${state.since}:${step}`;
  const claim = record.claim;
  if (policy && !claim) {
    if (policy.remindMs !== undefined && !state.reminded) {
      if (now - state.since >= policy.remindMs) {
        state.reminded = true;
        events.push({ event: 'unclaimed', key: key('unclaimed') });
      } else dueAt(state.since + policy.remindMs);
    }
    if (policy.escalateMs !== undefined && !state.escalated) {
      if (now - state.since >= policy.escalateMs) {
        state.escalated = true;
        state.mention = policy.mention;
        events.push({ event: 'escalated', key: key('escalated') });
      } else dueAt(state.since + policy.escalateMs);
    }
  }
  if (policy?.checkMs !== undefined && claim && state.checked !== claim.at) {
    if (now - claim.at >= policy.checkMs) {
      state.checked = claim.at;
      events.push({ event: 'still-on-it', key: key(`check${claim.at}`) });
    } else dueAt(claim.at + policy.checkMs);
  }
  return { record: { ...record, escalation: state }, events, quietUntil };
}
