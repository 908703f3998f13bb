import type { KnownBlock } from '@slack/types';
import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import { code, truncate } from '../../../slack/blocks/mrkdwn.js';
import type { Decision } from '../approval-service.js';
import { outcomeReason } from '../blocks/approval-reason.js';
import { outcomeLine } from '../blocks/approval-request.js';
import { requesterWords, when } from '../blocks/approval-words.js';
import { APPROVAL_WORDS } from '../words.js';

/**
 * What the person who clicked is told (only them): a sentence, and when the request was rejected
 * the reason as it was typed, in a block of its own (the Home tab shows these blocks on top).
 */
export function decisionReply(
  decision: Decision,
  clicker: string,
  tr: Translator = ENGLISH,
): { text: string; blocks?: KnownBlock[] } {
  const text = decisionWords(decision, clicker, tr);
  const reason = outcomeReason(decision.record, tr);
  if (!reason) return { text };
  // Told to the approver who gave it, it is "your" reason; to anyone else, "their".
  const label =
    decision.record.decidedBy === clicker
      ? tr.with(APPROVAL_WORDS).t('approval.decided.reason')
      : reason.label;
  return {
    text: truncate(`${text}\n${label}${reason.fallback}`, 3000),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`${text}\n${label}`, 3000) } },
      reason.block,
    ],
  };
}

function decisionWords(decision: Decision, clicker: string, tr: Translator): string {
  const r = decision.record;
  const requester = requesterWords(r, tr);
  switch (decision.outcome) {
    case 'created':
      return tr.with(APPROVAL_WORDS).t('approval.decided.created', {
        ref: code(`${r.connection}:${r.resourceId ?? ''}`),
        channel: `<#${r.channel}>`,
        requester,
      });
    case 'failed':
      return tr
        .with(APPROVAL_WORDS)
        .t(r.failure?.outcomeUnknown ? 'approval.decided.unknown' : 'approval.decided.failed', {
          requester,
        });
    case 'rejected':
      return tr.with(APPROVAL_WORDS).t('approval.decided.rejected', { requester });
    case 'scheduled':
      return tr.with(APPROVAL_WORDS).t('approval.decided.scheduled', {
        start: r.startAt ? when(r.startAt, tr) : '',
        requester,
      });
    case 'expired':
      return tr.with(APPROVAL_WORDS).t('approval.decided.expired', { id: code(r.id), requester });
    case 'counted':
      return tr.with(APPROVAL_WORDS).t('approval.votes.counted', {
        count: r.votes?.length ?? 1,
        n: r.needs?.approvers ?? 2,
        requester,
      });
    case 'already-decided':
      return tr
        .with(APPROVAL_WORDS)
        .t(r.decidedBy === clicker ? 'approval.decided.byYou' : 'approval.decided.already', {
          id: code(r.id),
          outcome: outcomeLine(r, tr),
        });
  }
}
