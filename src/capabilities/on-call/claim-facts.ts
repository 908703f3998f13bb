import type { Translator } from '../../i18n/translator.js';
import type { CardResource } from '../capability.js';
import { claimLine } from './claim-blocks.js';
import type { Claim } from './claims.js';
import type { OnCallState } from './on-call-state.js';

/**
 * On-call's fact of a resource nobody watches (a status card, a list's or Home's rows): who is on
 * its failure now. Only failed ones are read: a row that is not failed shows no claim.
 */
export interface ClaimFact {
  claim: Claim;
}

/** Each failed resource's claim, by `connection:id` (none when nobody is on it). */
export async function claimFactsOf(
  s: OnCallState,
  team: string,
  resources: readonly CardResource[],
): Promise<Map<string, ClaimFact>> {
  const claims = await s.claims.currentOf(team, resources);
  return new Map([...claims].map(([ref, claim]) => [ref, { claim }]));
}

/** "<@U> is on it · 3 min ago" under a failed row. */
export function claimRowLine(fact: unknown, tr: Translator, resource: CardResource): string | undefined {
  const claim = (fact as Partial<ClaimFact> | undefined)?.claim;
  return claim && resource.state === 'failed' ? claimLine(claim, tr) : undefined;
}
