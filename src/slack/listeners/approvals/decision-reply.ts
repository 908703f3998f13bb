import type { Decision } from '../../../approvals/approval-service.js';
import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import { outcomeLine } from '../../blocks/approval-request.js';
import { code } from '../../blocks/mrkdwn.js';

/** What the person who clicked is told (only them). */
export function decisionReply(decision: Decision, clicker: string, tr: Translator = ENGLISH): string {
  const r = decision.record;
  const requester = `<@${r.requester}>`;
  switch (decision.outcome) {
    case 'created':
      return tr.t('approval.decided.created', {
        ref: code(`${r.connection}:${r.resourceId ?? ''}`),
        channel: `<#${r.channel}>`,
        requester,
      });
    case 'failed':
      return tr.t(r.failure?.outcomeUnknown ? 'approval.decided.unknown' : 'approval.decided.failed', {
        requester,
      });
    case 'rejected':
      return tr.t('approval.decided.rejected', { requester });
    case 'expired':
      return tr.t('approval.decided.expired', { id: code(r.id), requester });
    case 'already-decided':
      return tr.t(r.decidedBy === clicker ? 'approval.decided.byYou' : 'approval.decided.already', {
        id: code(r.id),
        outcome: outcomeLine(r, tr),
      });
  }
}
