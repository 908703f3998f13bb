import type { CapabilityButton, CardResource } from '../../contract/card.js';
import type { Translator } from '../../i18n/translator.js';
import { encodeResourceButton } from '../../slack/resource-button.js';
import { claimButton, claimLine, takeOverButton } from './claim-blocks.js';
import type { Claims } from './claims.js';
import { type OnCallFact, shownClaim } from './on-call-fact.js';

/**
 * What on-call adds to a failed resource's card and posts from its fact: "I'm on it" while nobody
 * is on the failure; Hand back and Take over once someone is (anyone who may operate; the confirm
 * names the owner). They offer the catalogue's step `claim`, so they lead where the failure needs
 * a change before anyone resumes it (not primary: taking it on moves nothing).
 */
export function claimButtons(fact: unknown, tr: Translator, resource: CardResource): CapabilityButton[] {
  if (resource.state !== 'failed') return [];
  const value = encodeResourceButton(resource);
  const claim = shownClaim(fact, resource);
  const buttons = [claimButton(value, claim, tr), ...(claim ? [takeOverButton(value, claim, tr)] : [])];
  return buttons.map((b) => ({ ...(b as CapabilityButton), step: 'claim' }));
}

/** "<@U> is on it · 3 min ago" under the failure, from the fact as its posts show it. */
export function claimFailureLine(fact: unknown, tr: Translator): string | undefined {
  const claim = (fact as OnCallFact | undefined)?.onFailure;
  return claim ? claimLine(claim, tr) : undefined;
}

/** Who is on each failed resource, as on-call's fact (`onFailure`) of resources nobody need watch. */
export async function claimFacts(
  claims: Claims,
  team: string,
  resources: readonly CardResource[],
): Promise<Map<string, OnCallFact>> {
  const found = await claims.currentOf(team, resources);
  return new Map([...found].map(([ref, claim]) => [ref, { onFailure: claim }]));
}
