import { onFailureOf } from '../../watcher/outbox/capability-facts.js';
import type { Claim } from './claims.js';
import type { EscalationState } from './escalation.js';
import { ON_CALL } from './on-call-state.js';

/**
 * On-call's fact of a watch (`WatchRecord.facts['on-call']`): who is on its failure (`onFailure`,
 * the claim store's copy, which the failure's posts show while it is in that failure and the
 * watcher drops once it is not failed), and where the failure's escalation stands.
 */
export type OnCallFact = Partial<EscalationState> & { onFailure?: Claim };

/** On-call's fact among a watch's facts (or the fact itself when `facts` is it). */
export function onCallFact(facts: Readonly<Record<string, unknown>> | undefined): OnCallFact | undefined {
  const fact = facts?.[ON_CALL];
  return typeof fact === 'object' && fact !== null ? (fact as OnCallFact) : undefined;
}

/** Who is on the failure as noted on a watch, whatever the failure is now. */
export function claimOf(facts: Readonly<Record<string, unknown>> | undefined): Claim | undefined {
  return onCallFact(facts)?.onFailure;
}

/** The claim `fact` (on-call's) holds while `resource` is still in the failure it is about. */
export function shownClaim(
  fact: unknown,
  resource: { state: string; lastError?: { code?: string; message?: string } },
): Claim | undefined {
  return onFailureOf(fact, resource) as Claim | undefined;
}

/** On-call's fact with `claim` as who is on the failure (undefined: nobody), its escalation kept. */
export function withClaim(was: unknown, claim: Claim | undefined): OnCallFact | undefined {
  const { onFailure: _was, ...escalation } =
    typeof was === 'object' && was !== null ? (was as OnCallFact) : ({} as OnCallFact);
  const fact: OnCallFact = claim ? { ...escalation, onFailure: claim } : escalation;
  return Object.keys(fact).length > 0 ? fact : undefined;
}
