import type { SectionBlock } from '@slack/types';
import type { Translator } from '../../../i18n/translator.js';
import { escapeMrkdwn, truncate } from '../../../slack/blocks/mrkdwn.js';
import type { ApprovalRecord } from '../../shared/approval-record.js';
import { APPROVAL_WORDS } from '../words.js';

/** The reason a rejected request keeps, or undefined (no reason, or not rejected). */
function rejectionReason(record: Pick<ApprovalRecord, 'status' | 'reason'>): string | undefined {
  return record.status === 'rejected' && record.reason ? record.reason : undefined;
}

/**
 * The approver's reason exactly as they typed it, in a block of its own. The form promises that it
 * reads as written: a `plain_text` object renders no markup, and Slack resolves no mention, channel,
 * link or broadcast in it, so nothing needs escaping or look-alikes and a `<@U…>` or `@here` typed
 * in a reason shows as text and pings nobody. The label before it is the caller's (mrkdwn, ours).
 */
function reasonBlock(reason: string): SectionBlock {
  return { type: 'section', text: { type: 'plain_text', text: truncate(reason, 3000), emoji: true } };
}

/**
 * The reason in a message's fallback `text`, which Slack parses as mrkdwn (and notifications show):
 * escaped there, as any typed text is, so it still pings nobody. The blocks carry it as typed.
 */
function reasonFallback(reason: string): string {
  return `\n> ${escapeMrkdwn(truncate(reason, 500)).replaceAll('\n', '\n> ')}`;
}

/** "Their reason:", the reason's block and its fallback, for the surfaces that say how a request ended (none without one). */
export function outcomeReason(
  record: Pick<ApprovalRecord, 'status' | 'reason'>,
  tr: Translator,
): { label: string; block: SectionBlock; fallback: string } | undefined {
  const reason = rejectionReason(record);
  if (!reason) return undefined;
  return {
    label: tr.with(APPROVAL_WORDS).t('approval.notice.reason', { reason: '' }),
    block: reasonBlock(reason),
    fallback: reasonFallback(reason),
  };
}
