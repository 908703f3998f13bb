import { failureHeld } from '../../watcher/outbox/capability-facts.js';
import { dedupBase, type WatchRecord } from '../../watcher/records/watch-store.js';
import type { TimedOutcome } from '../../watcher/watch-notes.js';
import { claimOf, onCallFact, withClaim } from './on-call-fact.js';

/**
 * Nobody is left alone with a failure: with escalation set for the channel (or the
 * workspace), a failure nobody claims gets a reminder in its thread after `remindMs`, the approvers
 * (or a named user group) are mentioned after `escalateMs`, and a claim older than `checkMs` on a
 * failure still failing asks its owner "Still on it?". Off unless set.
 *
 * Each step is decided by the job `on-call:escalation` on the one scheduler (before each cycle, on
 * one replica at a time), written as the capability's fact of the watch (`EscalationState`) in the
 * same compare-and-set that puts its reply in the outbox with a key of its own: exactly once across
 * restarts and replicas; the cycle that follows delivers it.
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

/** Where the failure's escalation stands (on-call's fact without its claim), or none. */
function stateOf(record: WatchRecord): EscalationState | undefined {
  const { onFailure: _claim, ...state } = onCallFact(record.facts) ?? {};
  return state.since === undefined ? undefined : (state as EscalationState);
}

/**
 * What escalation says of one watch at `now` under its channel's policy: the fact moved on and
 * the steps due, each once (its key), or undefined when nothing changes. Pure: asked again in the
 * record's compare-and-set (`WatchNotes.timed`), where a replica that lost finds nothing new.
 */
export function escalate(
  record: WatchRecord,
  policy: EscalationPolicy | undefined,
  now: number,
): TimedOutcome | undefined {
  const was = stateOf(record);
  const claim = claimOf(record.facts);
  // The fact keeps who is on the failure (`withClaim`): the escalation is only its other part.
  // A failure another capability holds back (retried automatically) pages nobody until it lets go.
  if (record.state !== 'failed' || record.ended || failureHeld(record.facts))
    return was ? { fact: withClaim(undefined, claim), events: [] } : undefined;
  // A failure seen since the one the fact is about starts over (`failedAt` is the watcher's).
  const current = was && (record.failedAt === undefined || was.since >= record.failedAt) ? was : undefined;
  const state: EscalationState = { ...(current ?? { since: record.failedAt ?? now }) };
  const events: TimedOutcome['events'] = [];
  const key = (step: string) => `${dedupBase(record.watch)}:r${record.run}:esc${state.since}:${step}`;
  const say = (event: EscalationEvent, step: string, owner?: string) =>
    events.push({
      event,
      key: key(step),
      note: {
        escalation: {
          failedMs: now - state.since,
          ...(state.mention ? { mention: state.mention } : {}),
          ...(owner ? { owner } : {}),
        },
      },
    });
  if (policy && !claim) {
    if (policy.remindMs !== undefined && !state.reminded && now - state.since >= policy.remindMs) {
      state.reminded = true;
      say('unclaimed', 'unclaimed');
    }
    if (policy.escalateMs !== undefined && !state.escalated && now - state.since >= policy.escalateMs) {
      state.escalated = true;
      state.mention = policy.mention;
      say('escalated', 'escalated');
    }
  }
  if (
    policy?.checkMs !== undefined &&
    claim &&
    state.checked !== claim.at &&
    now - claim.at >= policy.checkMs
  ) {
    state.checked = claim.at;
    say('still-on-it', `check${claim.at}`, claim.by);
  }
  // Written when a step is said, a new failure replaces the fact, or the failure's start is known
  // only here (a record from before the watcher kept `failedAt`).
  const pin = record.failedAt === undefined && !current;
  if (events.length === 0 && current === was && !pin) return undefined;
  return { fact: withClaim(state, claim), events };
}
