import type { Button, KnownBlock } from '@slack/types';
import type { Translator } from '../../i18n/translator.js';
import type { Claim } from '../../resources/claims.js';
import { slackDate } from './format.js';

/** The action id of "I'm on it" / "Hand back" on a failure post and a failed card. */
export const CLAIM_ACTION = 'failure.claim';
const CLAIM_BLOCK = 'failure-claim';

/** "I'm on it" while nobody has it; "Hand back" once someone does (only they may press it). */
export function claimButton(value: string, claim: Claim | undefined, tr: Translator): Button {
  return {
    type: 'button',
    action_id: CLAIM_ACTION,
    text: { type: 'plain_text', text: tr.t(claim ? 'claim.handBack' : 'claim.take') },
    value,
  };
}

/** "<@U> is on it · 3 min ago" (Slack keeps the time relative as it ages). */
export function claimLine(claim: Claim, tr: Translator): string {
  return tr.t('claim.onIt', { user: `<@${claim.by}>`, ago: slackDate(new Date(claim.at), '{ago}') });
}

export function claimBlock(claim: Claim, tr: Translator): KnownBlock {
  return {
    type: 'context',
    block_id: CLAIM_BLOCK,
    elements: [{ type: 'mrkdwn', text: claimLine(claim, tr) }],
  };
}

/**
 * A posted message's blocks with the claim shown as it is now: the claim line under the first
 * section (or none), and the claim button relabelled. The rest of the post stays as it was.
 */
export function withClaim(
  blocks: readonly KnownBlock[],
  claim: Claim | undefined,
  tr: Translator,
): KnownBlock[] {
  const out: KnownBlock[] = [];
  let placed = false;
  for (const block of blocks) {
    if (block.block_id === CLAIM_BLOCK) continue;
    if (block.type === 'actions')
      out.push({
        ...block,
        elements: block.elements.map((e) =>
          e.type === 'button' && e.action_id === CLAIM_ACTION ? claimButton(e.value ?? '', claim, tr) : e,
        ),
      });
    else out.push(block);
    if (!placed && block.type === 'section') {
      placed = true;
      if (claim) out.push(claimBlock(claim, tr));
    }
  }
  return out;
}
