import type { StartedCapabilities } from '../../contract/started.js';
import type { Claim, Claims } from './claims.js';
import type { EscalationPolicies } from './escalation-policies.js';

/** The capability's name: its fact on watch records (the escalation), its jobs' prefix. */
export const ON_CALL = 'on-call';

/** What on-call builds once per bot: who is on each failure, and each channel's escalation. */
export interface OnCallState {
  claims: Claims;
  policies: EscalationPolicies;
}

/** The started capability's state, for its listeners and the surfaces that show who is on a failure. */
export function onCallState(deps: { capabilities: StartedCapabilities }): OnCallState {
  return deps.capabilities.stateOf(ON_CALL) as OnCallState;
}

/**
 * Who is on `resource`'s failure now, for a surface that shows it (`status`): undefined when
 * nobody is, the store cannot say, or on-call is not started here.
 */
export async function claimOn(
  deps: { capabilities?: StartedCapabilities },
  teamId: string,
  resource: Parameters<Claims['current']>[1],
): Promise<Claim | undefined> {
  if (!deps.capabilities) return undefined;
  try {
    return await onCallState({ capabilities: deps.capabilities }).claims.current(teamId, resource);
  } catch {
    return undefined;
  }
}
